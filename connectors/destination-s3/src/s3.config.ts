// The destination's configuration, validated once where it enters (check, write) against the spec
// in tributary.connector.json — the schema the console renders and the API validates — and turned
// into the bucket location and the shared file-output options.
import { join } from 'node:path';
import { ConfigError, readPackageSpec } from '@tributary/connector-sdk';
import { type FileOutputOptions, fileOutputOptions, normalizeS3Prefix, type S3Location } from '@tributary/connector-sdk/files';
import { formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';

export interface S3DestinationConfig {
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  force_path_style?: boolean;
  access_key_id?: string;
  secret_access_key?: string;
  format?: 'jsonl' | 'csv' | 'parquet';
  compression?: 'none' | 'gzip' | 'snappy' | 'zstd';
  path_template?: string;
  file_size_mb?: number;
  row_group_size_mb?: number;
  commit_interval_seconds?: number;
}

export const DEFAULT_FORMAT = 'parquet';
export const DEFAULT_PATH_TEMPLATE = '{namespace}/{stream}/{yyyy}/{mm}/{dd}/{sync_id}-{part}.{ext}';

/** Read from the manifest, which sits beside both src/ and dist/, so the spec is written once. */
export const S3_SPEC = readPackageSpec(join(__dirname, '..'));

export interface S3Settings {
  location: S3Location;
  output: FileOutputOptions;
}

/** Validates the config; throws a ConfigError naming every invalid field. */
export function parseS3Config(config: JsonObject): S3Settings {
  const issues = validateAgainstSchema(S3_SPEC.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid S3 destination configuration: ${formatIssues(issues)}.`);
  const settings = config as unknown as S3DestinationConfig;
  const endpoint = settings.endpoint?.trim() || undefined;
  const location: S3Location = {
    bucket: settings.bucket,
    prefix: normalizeS3Prefix(settings.prefix),
    region: settings.region?.trim() || undefined,
    endpoint,
    forcePathStyle: settings.force_path_style ?? Boolean(endpoint),
    accessKeyId: settings.access_key_id || undefined,
    secretAccessKey: settings.secret_access_key || undefined,
  };
  const output = fileOutputOptions({ ...config, format: settings.format ?? DEFAULT_FORMAT }, DEFAULT_PATH_TEMPLATE);
  return { location, output };
}
