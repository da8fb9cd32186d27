// One COPY FROM STDIN kept open on the destination connection while rows of one target keep
// arriving, so loading overlaps reading: a write returns as soon as the socket takes the bytes
// (waiting only when it pushes back), and the COPY is ended — the server's answer awaited — only
// when the connection is needed for something else (another target, a merge, a commit).
//
// The COPY speaks the protocol itself (a "submittable" for pg's Client, as pg-copy-streams' `from`
// is) for one reason: to learn when the socket is done with each buffer (the write callback), so
// that buffers are reused instead of allocated per write. Memory allocated outside the JavaScript
// heap is what drives full garbage collections on the data path.
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Client, Connection, Submittable } from 'pg';

const COPY_DATA = 0x64; // d
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]); // c, length 4

/** What of pg's Connection the COPY uses (`query` is not in the published types). */
interface PgConnection {
  stream: Duplex;
  query(text: string): void;
}

/** `COPY ... FROM STDIN` as pg runs it: started by submit, fed with `send`, finished by `finish`. */
class CopyIn implements Submittable {
  private connection: PgConnection | undefined;
  private socket: Duplex | undefined;
  private failure: Error | undefined;
  private readonly ready: Promise<void>;
  private readonly done: Promise<void>;
  private settleReady!: (error?: Error) => void;
  private settleDone!: (error?: Error) => void;

  constructor(readonly text: string) {
    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = (error) => (error ? reject(error) : resolve())));
    this.done = new Promise<void>((resolve, reject) => (this.settleDone = (error) => (error ? reject(error) : resolve())));
    // Nobody may be waiting yet when the server fails: the failure is reported by the next call.
    this.ready.catch(() => undefined);
    this.done.catch(() => undefined);
  }

  submit(connection: Connection): void {
    this.connection = connection as unknown as PgConnection;
    this.connection.query(this.text);
  }

  /** pg: the server accepts rows. */
  handleCopyInResponse(connection: Connection): void {
    this.socket = (connection as unknown as PgConnection).stream;
    this.settleReady();
  }

  handleCommandComplete(): void {}

  /** pg: the COPY is over (after CopyDone, or after a failure once the server is ready again). */
  handleReadyForQuery(): void {
    this.settleDone(this.failure);
  }

  /**
   * pg: the server failed the COPY. For a simple-query COPY it discards the rest and is ready for
   * the next query at once (ReadyForQuery follows), so nothing more is sent.
   */
  handleError(error: Error): void {
    this.failure ??= error;
    this.settleReady(error);
    this.settleDone(error);
  }

  /** For pg's query_timeout mechanism. */
  callback(): void {}

  /** Sends one CopyData message; `sent` runs once the socket no longer needs `data`. */
  async send(data: Buffer, sent: () => void): Promise<void> {
    await this.ready;
    if (this.failure) throw this.failure;
    const socket = this.socket!;
    const header = Buffer.allocUnsafe(5);
    header[0] = COPY_DATA;
    header.writeUInt32BE(data.length + 4, 1);
    socket.write(header);
    if (!socket.write(data, () => sent())) await Promise.race([once(socket, 'drain'), this.done]);
    if (this.failure) throw this.failure;
  }

  /** Sends CopyDone and waits until the server has stored every row (or failed). */
  async finish(): Promise<void> {
    await this.ready;
    if (!this.failure) this.socket!.write(COPY_DONE);
    await this.done;
  }
}

export class CopySession {
  private copy: CopyIn | undefined;
  private sql: string | undefined;
  /** What the open COPY does, for error messages: "loading stream …". */
  private doing = '';

  constructor(
    private readonly client: Client,
    /** Turns a failure of the COPY described by `doing` into the error to throw. */
    private readonly wrap: (doing: string, error: unknown) => Error,
  ) {}

  /**
   * Sends `data` with `COPY ... FROM STDIN` statement `sql`, ending a COPY of another statement
   * first. `sent` runs once the bytes are out of the process (the buffer may then be reused).
   * `prologue` (the binary format's header) is sent first when this write starts a COPY.
   */
  async write(sql: string, data: Buffer, doing: string, sent: () => void = () => undefined, prologue?: Buffer): Promise<void> {
    let starting = false;
    if (this.sql !== sql) {
      await this.end();
      this.copy = this.client.query(new CopyIn(sql));
      this.sql = sql;
      this.doing = doing;
      starting = true;
    }
    try {
      if (starting && prologue) await this.copy!.send(prologue, () => undefined);
      await this.copy!.send(data, sent);
    } catch (error) {
      throw this.wrap(this.doing, error);
    }
  }

  /** Ends the open COPY (if any) and waits until the server has stored every row. */
  async end(): Promise<void> {
    const copy = this.copy;
    if (!copy) return;
    this.copy = undefined;
    this.sql = undefined;
    try {
      await copy.finish();
    } catch (error) {
      throw this.wrap(this.doing, error);
    }
  }
}
