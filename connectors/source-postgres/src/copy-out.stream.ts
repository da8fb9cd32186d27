// `COPY ... TO STDOUT` as a readable stream of the raw COPY output, for pg's Client (a
// "submittable" query, like pg-copy-streams' `to`, whose protocol handling it follows). The
// difference is the hot path: PostgreSQL sends one CopyData message per row, and pg-copy-streams
// takes a Buffer slice per message and concatenates them again, two allocations per row that
// made garbage collection a third of a sync's CPU. Here each chunk read from the socket is
// compacted in place — message headers squeezed out with copyWithin — and pushed as one slice.
// A row cut by the end of a socket chunk is completed in that chunk: its remaining bytes, at the
// start of the next one, are copied into the room its squeezed headers left, so the slice ends on
// a row boundary and the row splitter need not concatenate its rest with the next slice (a new
// buffer per socket read, which V8 counts towards a full collection every 64 MB). Where they do
// not fit (rows wider than the room), the slice goes as it is and the splitter concatenates.
// The socket is read in flowing mode ('data' events, paused when the reader lags): `read()` in
// paused mode would concatenate everything buffered into a new buffer each time.
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Connection, Submittable } from 'pg';

const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
const ERROR_RESPONSE = 0x45; // E
// Messages PostgreSQL may intersperse with the rows (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY).
const INTERSPERSED = new Set([0x48 /* CopyOutResponse */, 0x53 /* ParameterStatus */, 0x4e /* NoticeResponse */, 0x41 /* NotificationResponse */]);

/** What of pg's Connection the COPY uses (its `query` is not in the published types). */
interface PgConnection {
  stream: Socket;
  query(text: string): void;
}

type DataHandler = (buffer: Buffer) => void;

export class CopyOutStream extends Readable implements Submittable {
  rowCount = 0;
  private connection: PgConnection | undefined;
  private pgDataHandler: DataHandler | undefined;
  private readonly onData = (chunk: Buffer) => {
    if (!this.finished && !this.parse(chunk) && !this.finished) this.connection!.stream.pause();
  };
  private finished = false;
  /** A message header (code and length) cut by a chunk boundary. */
  private readonly header = Buffer.alloc(5);
  private headerBytes = 0;
  private code = 0;
  /** Bytes of the current message's body not read yet (0: a header comes next). */
  private remaining = 0;
  /** The last socket chunk, compacted, held back because its last row is cut: its bytes so far. */
  private held: { chunk: Buffer; length: number } | undefined;

  constructor(readonly text: string) {
    // Object mode, so that a reader gets the slices as pushed: in byte mode, read() concatenates
    // everything buffered into a new buffer. Up to 16 slices (about 1 MiB) wait for the reader.
    super({ objectMode: true, highWaterMark: 16 });
  }

  /** Called by pg's Client: takes the socket over until the COPY ends. */
  submit(pgConnection: Connection): void {
    const connection = pgConnection as unknown as PgConnection;
    this.connection = connection;
    const socket = connection.stream;
    const listeners = socket.listeners('data') as DataHandler[];
    if (listeners.length !== 1) throw new Error(`expected one data listener on the PostgreSQL socket, found ${listeners.length}`);
    this.pgDataHandler = listeners[0];
    socket.removeListener('data', this.pgDataHandler!);
    socket.on('data', this.onData);
    connection.query(this.text);
  }

  override _read(): void {
    if (this.connection && !this.finished) this.connection.stream.resume();
  }

  /** Compacts the rows' bytes of `chunk` to its start and pushes them; returns whether to read on. */
  private parse(chunk: Buffer): boolean {
    let read = 0;
    let written = 0;
    let more = true;
    const length = chunk.length;
    if (this.held) {
      // The cut row ends in this chunk: its rest goes after its start if the held chunk has room.
      const { chunk: previous, length: kept } = this.held;
      this.held = undefined;
      const rest = this.remaining;
      if (rest <= length && kept + rest <= previous.length) {
        chunk.copy(previous, kept, 0, rest);
        read = rest;
        this.remaining = 0;
        more = this.push(previous.subarray(0, kept + rest));
      } else {
        more = this.push(previous.subarray(0, kept));
      }
    }
    while (read < length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, length - read);
        if (this.code === COPY_DATA) {
          if (written !== read) chunk.copyWithin(written, read, read + n);
          written += n;
        }
        read += n;
        this.remaining -= n;
        continue;
      }
      // A message header: one code byte and a 32-bit length that counts itself.
      const messageStart = read;
      while (this.headerBytes < 5 && read < length) this.header[this.headerBytes++] = chunk[read++]!;
      if (this.headerBytes < 5) break;
      this.headerBytes = 0;
      this.code = this.header[0]!;
      this.remaining = this.header.readUInt32BE(1) - 4;
      if (this.code === COPY_DATA) continue;
      if (this.code === ERROR_RESPONSE || (!INTERSPERSED.has(this.code) && this.code !== COPY_DONE)) {
        // pg handles the error (or whatever ends the COPY) from this message on.
        const started = messageStart === read - 5 ? chunk.subarray(messageStart) : Buffer.concat([this.header, chunk.subarray(read)]);
        return this.finish(chunk, written, started);
      }
      if (this.code === COPY_DONE) {
        // The rest (CommandComplete, ReadyForQuery) is pg's: skip CopyDone's body (empty) first.
        read += this.remaining;
        this.remaining = 0;
        return this.finish(chunk, written, chunk.subarray(read));
      }
    }
    if (written === 0) return more;
    if (this.remaining > 0 && this.code === COPY_DATA) {
      this.held = { chunk, length: written };
      return more;
    }
    return this.push(chunk.subarray(0, written)) && more;
  }

  /** Pushes the last rows, hands the socket back to pg with `rest` unread, ends the stream. */
  private finish(chunk: Buffer, written: number, rest: Buffer): boolean {
    this.finished = true;
    if (written > 0) this.push(chunk.subarray(0, written));
    const socket = this.connection!.stream;
    socket.removeListener('data', this.onData);
    socket.addListener('data', this.pgDataHandler!);
    // Whatever the socket still buffers comes after `rest`.
    this.pgDataHandler!(rest);
    socket.resume();
    this.push(null);
    return false;
  }

  /** Called by pg when the server reports an error (after finish handed it the ErrorResponse). */
  handleError(error: Error): void {
    this.destroy(error);
  }

  handleCommandComplete(message: { text?: string } | undefined): void {
    const match = /COPY (\d+)/.exec(message?.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {}
}

export function copyOut(text: string): CopyOutStream {
  return new CopyOutStream(text);
}
