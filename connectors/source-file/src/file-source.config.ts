// The source's configuration, validated once where it enters (check, discover, read) against the
// spec in tributary.connector.json, the schema the console renders and the API validates.
import { join } from 'node:path';
import { ConfigError, readPackageSpec } from '@tributary/connector-sdk';
import { formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';

export type FileFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

export interface CsvOptions {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  encoding: string;
}

export interface FileStreamConfig {
  name: string;
  url: string;
  format: FileFormat;
  csv: CsvOptions;
  schema?: JsonObject;
  primary_key?: string[];
}

export interface S3AccessConfig {
  region?: string;
  endpoint?: string;
  force_path_style?: boolean;
  access_key_id?: string;
  secret_access_key?: string;
}

export interface FileSourceConfig {
  streams: FileStreamConfig[];
  s3: S3AccessConfig;
  schema_sample_rows: number;
  max_malformed_rows: number;
  max_malformed_percent: number;
}

export const FILE_SOURCE_SPEC = readPackageSpec(join(__dirname, '..'));

const DEFAULT_CSV: CsvOptions = { delimiter: ',', quote: '"', escape: '"', header: true, encoding: 'utf-8' };

export function parseFileSourceConfig(config: JsonObject): FileSourceConfig {
  const issues = validateAgainstSchema(FILE_SOURCE_SPEC.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid file source configuration: ${formatIssues(issues)}.`);
  const raw = config as unknown as Partial<FileSourceConfig> & { streams: (Omit<FileStreamConfig, 'csv'> & { csv?: Partial<CsvOptions> })[] };
  const names = new Set<string>();
  for (const stream of raw.streams) {
    if (names.has(stream.name)) throw new ConfigError(`Invalid file source configuration: two streams are named "${stream.name}"; stream names must be unique.`);
    names.add(stream.name);
    try {
      new TextDecoder(stream.csv?.encoding ?? 'utf-8');
    } catch {
      throw new ConfigError(`Invalid file source configuration: stream "${stream.name}" has the unknown encoding "${stream.csv?.encoding}".`);
    }
  }
  return {
    streams: raw.streams.map((stream) => ({ ...stream, csv: { ...DEFAULT_CSV, ...stream.csv } })),
    s3: raw.s3 ?? {},
    schema_sample_rows: raw.schema_sample_rows ?? 1000,
    max_malformed_rows: raw.max_malformed_rows ?? 100,
    max_malformed_percent: raw.max_malformed_percent ?? 10,
  };
}
