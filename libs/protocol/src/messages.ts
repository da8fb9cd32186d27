// The message vocabulary connectors speak (DESIGN §3). It follows the Airbyte protocol's names and
// shapes so that existing connectors and knowledge carry over unchanged.
import type { AirbyteCatalog } from './catalog';
import type { ConnectorSpecification } from './spec';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface RecordMessage {
  type: 'RECORD';
  record: {
    stream: string;
    namespace?: string;
    data: Record<string, unknown>;
    emitted_at: number;
  };
}

export interface StreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: JsonObject;
}

export interface StateMessage {
  type: 'STATE';
  state: {
    type?: 'STREAM' | 'GLOBAL' | 'LEGACY';
    stream?: StreamState;
    global?: { shared_state?: JsonObject; stream_states: StreamState[] };
    data?: JsonObject;
    sourceStats?: { recordCount: number };
    destinationStats?: { recordCount: number };
  };
}

/** Bulk encodings rows can travel in between a source and a destination running in one process. */
export type RecordChunkFormat = 'postgres_copy_text' | 'postgres_copy_binary';

/** The PostgreSQL type of one column of a chunk, as the source database knows it. */
export interface ChunkColumnType {
  /** pg_type.typname of the base type (domains resolved): int8, numeric, timestamptz, _text, ... */
  typeName: string;
  /** The type's typmod (-1 when none), e.g. precision and scale of a numeric. */
  typmod: number;
  /** 'e' for enum labels, 'b' for base types, ... (pg_type.typtype). */
  typeKind: string;
}

/**
 * Many rows of one stream in a bulk encoding the destination said it takes for that stream
 * (`WriteContext.acceptRecordChunks`), so neither side builds an object per row. In-process only:
 * never serialised to JSON, never sent to or by an executable connector. It counts as `rows`
 * records everywhere a RECORD counts as one.
 *
 * - `postgres_copy_text`: whole rows of `COPY ... TO STDOUT` text output (each ending in a newline),
 *   printed under the settings of a canonical session: UTC, ISO dates, ISO 8601 intervals, hex
 *   bytea, extra_float_digits 1.
 * - `postgres_copy_binary`: whole tuples of `COPY ... TO STDOUT (FORMAT binary)`, without the
 *   file header and trailer, client encoding UTF-8.
 */
export interface RecordChunkMessage {
  type: 'RECORD_CHUNK';
  chunk: {
    stream: string;
    namespace?: string;
    format: RecordChunkFormat;
    /** The record fields the columns hold, in column order (a subset of the stream's properties). */
    fields: string[];
    /** Each column's type in the source database. */
    types: ChunkColumnType[];
    rows: number;
    data: Uint8Array;
    emitted_at: number;
  };
}

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

export interface LogMessage {
  type: 'LOG';
  log: { level: LogLevel; message: string; stack_trace?: string };
}

/** How an error should be treated: config errors are the user's to fix, transient ones are retried. */
export type FailureType = 'config_error' | 'transient_error' | 'system_error';

export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export interface TraceMessage {
  type: 'TRACE';
  trace: {
    type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS';
    emitted_at: number;
    error?: { message: string; internal_message?: string; stack_trace?: string; failure_type?: FailureType; stream_descriptor?: StreamDescriptor };
    estimate?: { name: string; namespace?: string; type: 'STREAM' | 'SYNC'; row_estimate?: number; byte_estimate?: number };
    stream_status?: { stream_descriptor: StreamDescriptor; status: StreamStatus };
  };
}

export interface CatalogMessage {
  type: 'CATALOG';
  catalog: AirbyteCatalog;
}

export interface SpecMessage {
  type: 'SPEC';
  spec: ConnectorSpecification;
}

export interface ConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export interface ConnectionStatusMessage {
  type: 'CONNECTION_STATUS';
  connectionStatus: ConnectionStatus;
}

/**
 * A connector asking the platform to change its stored config — e.g. an OAuth2 refresh token the
 * API rotated, which must be kept or the next sync cannot authenticate.
 */
export interface ControlMessage {
  type: 'CONTROL';
  control: {
    type: 'CONNECTOR_CONFIG';
    emitted_at: number;
    connectorConfig: { config: JsonObject };
  };
}

export type ProtocolMessage =
  | ControlMessage
  | RecordMessage
  | RecordChunkMessage
  | StateMessage
  | LogMessage
  | TraceMessage
  | CatalogMessage
  | SpecMessage
  | ConnectionStatusMessage;

/** A stable key for a stream: `namespace.name`, or `name` when there is no namespace. */
export function streamKey(descriptor: StreamDescriptor): string {
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}

/** The stream a state message speaks for, or undefined for a global state. */
export function stateStreamDescriptor(message: StateMessage): StreamDescriptor | undefined {
  return message.state.stream?.stream_descriptor;
}
