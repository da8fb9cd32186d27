// The destination's configuration, validated once where it enters (check, write) against the spec
// in tributary.connector.json, the same schema the console renders and the API validates.
import { join, resolve } from 'node:path';
import { ConfigError, readPackageSpec } from '@tributary/connector-sdk';
import { formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';

export interface LocalFilesConfig {
  /** Absolute, or relative to the working directory. */
  destination_path: string;
  format?: 'jsonl' | 'csv' | 'parquet';
  compression?: 'none' | 'gzip' | 'snappy' | 'zstd';
  path_template?: string;
  file_size_mb?: number;
  row_group_size_mb?: number;
  commit_interval_seconds?: number;
}

/** Where parts go when a format or layout option asks for parts but no template is given. */
export const DEFAULT_PATH_TEMPLATE = '{namespace}/{stream}/{sync_id}-{part}.{ext}';

/**
 * The classic layout (one appendable JSON Lines file per stream and sync, cut back to the committed
 * length on resume, no manifest) serves a config that sets only the directory and JSON Lines
 * without compression; any other output option switches to parts and manifests.
 */
export function usesClassicLayout(config: JsonObject): boolean {
  const { format, compression, path_template: template } = config as unknown as LocalFilesConfig;
  return (format ?? 'jsonl') === 'jsonl' && (compression ?? 'none') === 'none' && !template;
}

/** Read from the manifest, which sits beside both src/ and dist/, so the spec is written once. */
export const LOCAL_FILES_SPEC = readPackageSpec(join(__dirname, '..'));

/** The absolute directory everything is written under. Throws ConfigError naming every invalid field. */
export function destinationRoot(config: JsonObject): string {
  const issues = validateAgainstSchema(LOCAL_FILES_SPEC.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid local-files configuration: ${formatIssues(issues)}.`);
  return resolve((config as unknown as LocalFilesConfig).destination_path);
}
