// Catalogs: what a source offers (AirbyteCatalog) and what a connection asks of it
// (ConfiguredAirbyteCatalog), plus Tributary's combined sync modes.
import type { JsonObject } from './messages';

export type SourceSyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'overwrite' | 'append' | 'append_dedup';

/** The sync modes users pick per stream; each is a pair of source and destination modes. */
export const SYNC_MODES = [
  'full_refresh_overwrite',
  'full_refresh_append',
  'incremental_append',
  'incremental_append_dedup',
  'cdc',
] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export interface AirbyteStream {
  name: string;
  namespace?: string;
  json_schema: JsonObject;
  supported_sync_modes: SourceSyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SourceSyncMode;
  destination_sync_mode: DestinationSyncMode;
  cursor_field?: string[];
  primary_key?: string[][];
  /** Identifies the sync generation for destinations that keep one (set by the platform). */
  generation_id?: number;
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export function splitSyncMode(mode: SyncMode): { source: SourceSyncMode; destination: DestinationSyncMode } {
  switch (mode) {
    case 'full_refresh_overwrite':
      return { source: 'full_refresh', destination: 'overwrite' };
    case 'full_refresh_append':
      return { source: 'full_refresh', destination: 'append' };
    case 'incremental_append':
      return { source: 'incremental', destination: 'append' };
    case 'incremental_append_dedup':
    case 'cdc':
      return { source: 'incremental', destination: 'append_dedup' };
  }
}
