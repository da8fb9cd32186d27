// The contracts a connector implements. Sources yield batches of protocol messages (records in
// bulk, states between them); destinations consume those batches and report what they have made
// durable, so the platform commits state only for data that is really written.
import type {
  AirbyteCatalog,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  ConnectionStatus,
  JsonObject,
  ProtocolMessage,
  StateMessage,
} from '@tributary/protocol';

export interface ConnectorLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectorContext {
  logger: ConnectorLogger;
  /** Aborted when the sync is cancelled or times out: stop promptly and release resources. */
  signal: AbortSignal;
}

/**
 * A batch of messages in emission order. Batches keep per-record overhead off the hot path.
 * Once yielded, a batch and its messages belong to the platform (the sync engine renames records
 * in place): a source builds fresh message objects and never touches them again.
 */
export type MessageBatch = ProtocolMessage[];

export interface Source<TConfig = JsonObject> {
  check(config: TConfig, context: ConnectorContext): Promise<ConnectionStatus>;
  discover(config: TConfig, context: ConnectorContext): Promise<AirbyteCatalog>;
  /**
   * Reads the configured streams, resuming from `state` (the last committed state message of each
   * stream, if any). Emits STATE messages at checkpoints: every record before a state message is
   * covered by it.
   */
  read(config: TConfig, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ConnectorContext): AsyncIterable<MessageBatch>;
}

export interface WriteContext extends ConnectorContext {
  /** Identifies the sync (stable across its attempts): name outputs after it for idempotency. */
  syncId: string;
  /**
   * The position this destination reported with the last checkpoint the platform committed for
   * this sync, when resuming after a failed attempt. Anything written after it must be discarded.
   */
  resumePosition?: JsonObject;
}

/** What a destination has made durable: the states it covers and where it stands. */
export interface DestinationCommit {
  states: StateMessage[];
  /** Opaque, JSON-serialisable position (file offsets, ...) handed back on resume. */
  position?: JsonObject;
  /** Records and bytes made durable since the previous commit, per stream key. */
  stats: Record<string, { records: number; bytes: number }>;
}

export interface Destination<TConfig = JsonObject> {
  check(config: TConfig, context: ConnectorContext): Promise<ConnectionStatus>;
  /**
   * Writes the batches and yields a commit each time the data before a state message is durable;
   * yields a final commit (possibly without states) once all input is durable.
   */
  write(config: TConfig, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, context: WriteContext): AsyncIterable<DestinationCommit>;
  /**
   * Removes everything this destination holds for these streams (data, generations, its own
   * checkpoint bookkeeping) so the next sync starts from nothing. Optional: without it a
   * connection cannot run clear jobs.
   */
  clear?(config: TConfig, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void>;
}

/** What a connector package's entry module exports as `connector`. */
export type ConnectorImplementation =
  | { kind: 'source'; create(): Source<JsonObject> }
  | { kind: 'destination'; create(): Destination<JsonObject> };
