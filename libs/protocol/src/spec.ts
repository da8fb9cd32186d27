// Connector specs and manifests: the JSON Schema (draft 2020-12) of a connector's config, and
// the descriptive manifest every connector package ships.
import type { DestinationSyncMode } from './catalog';
import type { JsonObject } from './messages';

export interface ConnectorSpecification {
  documentationUrl?: string;
  connectionSpecification: JsonObject;
  supportsIncremental?: boolean;
  supported_destination_sync_modes?: DestinationSyncMode[];
}

export type ConnectorKind = 'source' | 'destination';

/** What the registry knows of a connector without running any of its code. */
export interface ConnectorManifest {
  /** Stable id, e.g. `source-faker`; also the definition id in the API. */
  id: string;
  name: string;
  kind: ConnectorKind;
  version: string;
  description?: string;
  /** An SVG document or a URL. */
  icon?: string;
  /** Markdown documentation or a URL to it. */
  documentationUrl?: string;
  spec: ConnectorSpecification;
}
