// A declarative manifest as a connector definition: validated at the edge (issues name the field
// under `manifest.`), and its spec section turned into the definition's spec, so the catalog shows
// the form of the manifest's own config.
import { manifestIssues, parseManifest, type DeclarativeManifest } from '@tributary/connector-sdk/declarative';
import type { ConnectorSpecification, JsonObject } from '@tributary/protocol';
import { ApiException } from '../common/api.exception';

export interface ValidatedManifest {
  manifest: DeclarativeManifest;
  /** The YAML as written, when it came as text. */
  text: string | null;
}

/** Parses and validates a manifest given as YAML text or an object; 400 with field-named issues. */
export function validateManifest(input: unknown): ValidatedManifest {
  if (typeof input !== 'string' && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw ApiException.invalid([{ field: '', message: 'must be YAML text or an object' }], 'manifest');
  }
  const issues = manifestIssues(input);
  if (issues.length) throw ApiException.invalid(issues, 'manifest');
  return { manifest: parseManifest(input), text: typeof input === 'string' ? input : null };
}

export function specOfManifest(manifest: DeclarativeManifest): ConnectorSpecification {
  return {
    ...(manifest.spec.documentation_url ? { documentationUrl: manifest.spec.documentation_url } : {}),
    connectionSpecification: manifest.spec.connection_specification,
    supportsIncremental: manifest.streams.some((s) => s.incremental),
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
  };
}

export function asJson(manifest: DeclarativeManifest): JsonObject {
  return manifest as unknown as JsonObject;
}
