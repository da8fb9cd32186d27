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
  RecordChunkFormat,
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
 * The bulk formats the destination takes for each stream, by source stream key (see
 * RecordChunkMessage). The platform fills it before the source's first batch is pulled, so a
 * source reads it when it starts a stream; a stream that is absent takes RECORD messages only.
 */
export interface RecordChunkOffer {
  formats(streamKey: string): readonly RecordChunkFormat[];
}

export interface ReadContext extends ConnectorContext {
  /** Present when the rows may travel as RECORD_CHUNK messages; sources may always send RECORDs. */
  recordChunks?: RecordChunkOffer;
  /**
   * Scale-out: read only this partition of the catalog's one stream, as planned by
   * `planPartitions` (possibly in another process). Its STATE messages describe the partition's
   * progress only, and `state` holds this partition's last committed one.
   */
  partition?: JsonObject;
}

/**
 * Scale-out: how a source splits its streams' full refreshes so that separate `read` calls, in any
 * worker process, each read one partition. Only small descriptors: they travel through Temporal.
 */
export interface SourcePartitionPlan {
  /** Partitions by source stream key; streams not listed are read whole. */
  streams: Record<string, JsonObject[]>;
  /**
   * Releases what keeps the partitions consistent (for PostgreSQL, the transaction holding the
   * exported snapshot the partitions import). Called once every partition has been read, or the
   * sync ends; a partition read after it still works, under a snapshot of its own.
   */
  release(): Promise<void>;
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
  read(config: TConfig, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ReadContext): AsyncIterable<MessageBatch>;
  /**
   * Optional (scale-out): splits the catalog's full-refresh streams into partitions that `read`
   * takes one at a time (ReadContext.partition). Returns no plan when nothing is worth splitting.
   */
  planPartitions?(config: TConfig, catalog: ConfiguredAirbyteCatalog, context: ConnectorContext): Promise<SourcePartitionPlan | undefined>;
}

export interface WriteContext extends ConnectorContext {
  /** Identifies the sync (stable across its attempts): name outputs after it for idempotency. */
  syncId: string;
  /**
   * The position this destination reported with the last checkpoint the platform committed for
   * this sync, when resuming after a failed attempt. Anything written after it must be discarded.
   */
  resumePosition?: JsonObject;
  /**
   * Says which bulk formats the destination takes for a stream (destination stream key), best
   * first. Call it before pulling the first input batch: the source decides when it starts the
   * stream. The platform may still send RECORD messages for any stream (it does whenever it has to
   * look at each record: column projections, data contracts), so both must be handled.
   */
  acceptRecordChunks?(streamKey: string, formats: readonly RecordChunkFormat[]): void;
  /**
   * Scale-out: this write is one partition of the catalog's streams, written beside the other
   * partitions' writes (possibly in other processes, at the same time). Its commits and
   * `resumePosition` are this partition's own; its data is made durable but not published (no
   * overwrite swap, no manifest listing): `publishPartitions` does that once every partition is
   * written.
   */
  partition?: WritePartition;
}

export interface WritePartition {
  /** 1-based, unique among the sync's partitions. */
  index: number;
  /** When the sync's partitioned phase started (ISO 8601): the same for every partition, for names with dates. */
  startedAt: string;
}

export interface PublishContext extends ConnectorContext {
  syncId: string;
  /** Every partition written for this sync, with the position of its last commit. */
  partitions: { index: number; position?: JsonObject }[];
  startedAt: string;
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
  /**
   * Optional (scale-out): whether `write` takes partitions (WriteContext.partition) with this
   * config. Without it, or when it says no, a sync's streams are written by one `write`.
   */
  writesPartitions?(config: TConfig): boolean;
  /**
   * Makes the partitions' data visible as one `write` would at its end: the overwrite swap, the
   * manifest listing every partition's files. Runs once every partition is durable; idempotent
   * (it may run again after it succeeded, and must then change nothing).
   */
  publishPartitions?(config: TConfig, catalog: ConfiguredAirbyteCatalog, context: PublishContext): Promise<void>;
}

/** What a connector package's entry module exports as `connector`. */
export type ConnectorImplementation =
  | { kind: 'source'; create(): Source<JsonObject> }
  | { kind: 'destination'; create(): Destination<JsonObject> };
