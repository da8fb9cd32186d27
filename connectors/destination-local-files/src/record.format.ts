// How rows become bytes in a file. The destination appends encoded rows and truncates files back to
// a byte offset on resume, so a format here is one whose rows can be appended and cut between
// (JSON Lines, CSV). Formats written as a whole (Parquet) will need their own writer that closes a
// file per checkpoint instead.

export interface RecordFormat {
  /** File name extension without the dot; also how a stream's files from earlier syncs are found. */
  readonly extension: string;
  /** One row, with its terminator, ready to append. */
  encode(row: Record<string, unknown>): string;
}
