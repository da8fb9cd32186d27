// A file format as a writer of one file: rows go in synchronously (no per-row await on the hot
// path), encoded bytes leave in large chunks through flush() into an ObjectSink, and finish()
// writes what remains (for Parquet, the last row group and the footer).
import type { RecordChunkMessage } from '@tributary/protocol';
import type { Column } from './column-plan';
import { createCsvFileWriter } from './csv-file.writer';
import { GzipSink } from './gzip.sink';
import { createJsonlFileWriter } from './jsonl-file.writer';
import type { ObjectSink } from './object-store';
import { ParquetFileWriter } from './parquet-file.writer';

export type FileFormat = 'jsonl' | 'csv' | 'parquet';
export type FileCompression = 'none' | 'gzip' | 'snappy' | 'zstd';

export interface FormatOptions {
  format: FileFormat;
  /** gzip (or none) for JSONL and CSV; snappy, zstd (or none) for Parquet. */
  compression: FileCompression;
  /** Parquet: the uncompressed size a row group aims at. */
  rowGroupBytes: number;
  /** Parquet: rows per row group, from the average row size seen so far (updated by the writer). */
  rowSizeHint?: { bytesPerRow: number };
}

export interface RecordFileWriter {
  /** Encodes a row; throws a SystemError when a value does not fit its column. */
  add(row: Record<string, unknown>): void;
  /**
   * Encodes the rows of a record chunk without a record per row (Parquet, `postgres_copy_binary`);
   * false when it cannot for this chunk, and the caller adds the chunk's records instead.
   */
  addChunk?(chunk: RecordChunkMessage['chunk'], syncId: string): boolean;
  /** Bytes encoded and not yet handed to the sink (a cheap estimate). */
  readonly pendingBytes: number;
  /** Rows added so far. */
  readonly rows: number;
  /** Hands the encoded bytes to the sink, waiting for it when it is busy. */
  flush(): Promise<void>;
  /** Writes the rest and closes the sink: the file is then durable and visible. */
  finish(): Promise<void>;
  /** Discards the file; never rejects. */
  abort(): Promise<void>;
  /** Bytes in the file so far (after compression). */
  readonly bytes: number;
}

export function fileExtension(options: Pick<FormatOptions, 'format' | 'compression'>): string {
  return options.compression === 'gzip' ? `${options.format}.gz` : options.format;
}

/** Validates the pairing of format and compression; returns a sentence when it is wrong. */
export function formatProblem(options: Pick<FormatOptions, 'format' | 'compression'>): string | undefined {
  const allowed = options.format === 'parquet' ? ['none', 'snappy', 'zstd'] : ['none', 'gzip'];
  if (!allowed.includes(options.compression)) {
    return `compression "${options.compression}" does not apply to ${options.format}; choose one of ${allowed.join(', ')}.`;
  }
  return undefined;
}

export function createRecordFileWriter(sink: ObjectSink, columns: Column[], options: FormatOptions, context: { stream: string; path: string }): RecordFileWriter {
  switch (options.format) {
    case 'jsonl':
      return createJsonlFileWriter(options.compression === 'gzip' ? new GzipSink(sink) : sink);
    case 'csv':
      return createCsvFileWriter(options.compression === 'gzip' ? new GzipSink(sink) : sink, columns);
    case 'parquet':
      return new ParquetFileWriter(sink, columns, options, context);
  }
}
