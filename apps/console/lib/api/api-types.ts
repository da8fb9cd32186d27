// Shorthands for the generated schema types, and the app's own shapes where the document is too
// loose (JSON Schema specs and catalogs are typed `object` by the API).
import type { components } from './openapi';

type Schemas = components['schemas'];

export type ConnectorKind = Schemas['ConnectorDefinitionDto']['kind'];
export type CheckResult = Schemas['CheckResultDto'];
export type SyncMode = Schemas['StreamConfigDto']['syncMode'];
export type StreamConfig = Schemas['StreamConfigDto'];
export type Schedule = Schemas['ScheduleDto'];
export type SchemaChangePolicy = Schemas['SchemaChangePolicyDto'];
export type Connection = Schemas['ConnectionDto'];
export type CreateConnectionInput = Schemas['CreateConnectionDto'];
export type UpdateConnectionInput = Partial<Schemas['UpdateConnectionDto']>;
export type Job = Schemas['JobDto'];
export type JobStatus = Job['status'];
export type JobType = Schemas['TriggerJobDto']['type'];
export type StreamStats = Schemas['StreamStatsDto'];
export type Attempt = Schemas['AttemptDto'];
export type SchemaChange = Schemas['SchemaChangeDto'];
export type SchemaChangeItem = Schemas['SchemaChangeItemDto'];
export type DetectionResult = Schemas['DetectionResultDto'];

/** A JSON Schema (draft 2020-12) as connectors write their specs; annotations included. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  order?: number;
  secret?: boolean;
  airbyte_secret?: boolean;
  airbyte_hidden?: boolean;
  multiline?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  [keyword: string]: unknown;
}

export interface ConnectorSpecification {
  connectionSpecification: JsonSchema;
  documentationUrl?: string;
  supportsIncremental?: boolean;
  supported_destination_sync_modes?: ('overwrite' | 'append' | 'append_dedup')[];
}

export interface ConnectorDefinition {
  id: string;
  name: string;
  kind: ConnectorKind;
  version: string;
  description: string | null;
  /** SVG text, shown through an <img> (a data URL) so that nothing in it can run. */
  icon: string | null;
  documentationUrl: string | null;
  origin: Schemas['ConnectorDefinitionDto']['origin'];
  available: boolean;
  /** A source made of a declarative manifest: editable in the Connector Builder. */
  declarative: boolean;
}

export interface ConnectorDefinitionDetail extends ConnectorDefinition {
  spec: ConnectorSpecification;
  /** Markdown. */
  docs: string | null;
}

/** A configured source or destination. Secret fields of `config` come back masked. */
export interface Actor {
  id: string;
  kind: ConnectorKind;
  name: string;
  definitionId: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** A discovered stream (Airbyte catalog vocabulary). */
export interface CatalogStream {
  name: string;
  namespace?: string;
  json_schema: JsonSchema;
  supported_sync_modes: ('full_refresh' | 'incremental')[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
}

export interface Catalog {
  streams: CatalogStream[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type JobLogLine = Schemas['JobLogLineDto'];

export interface JobLogs {
  items: JobLogLine[];
  /** The id to ask after for the following lines. */
  next: number;
}

export const MASKED_SECRET = '**********';
