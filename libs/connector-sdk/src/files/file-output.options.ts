// The output settings every file destination shares (format, compression, layout, sizes), read
// from a connector config that its spec has already validated. Field names and defaults are the
// same in each connector's spec.
import type { JsonObject } from '@tributary/protocol';
import { ConfigError } from '../errors';
import { PathTemplate } from './path-template';
import { type FileCompression, type FileFormat, formatProblem } from './record-file.writer';

export interface FileOutputOptions {
  format: FileFormat;
  compression: FileCompression;
  pathTemplate: PathTemplate;
  /** A file is closed, and the next part started, once it holds this many bytes. */
  fileSizeBytes: number;
  rowGroupBytes: number;
  /** Checkpoints close the open files at most this often (0: at every state message). */
  commitIntervalMs: number;
}

export const DEFAULT_FILE_SIZE_MB = 128;
export const DEFAULT_ROW_GROUP_SIZE_MB = 32;
export const DEFAULT_COMMIT_INTERVAL_SECONDS = 60;
const MB = 1 << 20;

export function fileOutputOptions(config: JsonObject, defaultTemplate: string): FileOutputOptions {
  const format = (config.format ?? 'jsonl') as FileFormat;
  const compression = (config.compression ?? (format === 'parquet' ? 'snappy' : 'none')) as FileCompression;
  const problem = formatProblem({ format, compression });
  if (problem) throw new ConfigError(`Invalid configuration: ${problem}`);
  const number = (key: string, fallback: number) => (typeof config[key] === 'number' ? (config[key] as number) : fallback);
  return {
    format,
    compression,
    pathTemplate: new PathTemplate(typeof config.path_template === 'string' && config.path_template.trim() ? config.path_template : defaultTemplate),
    fileSizeBytes: Math.max(1, Math.round(number('file_size_mb', DEFAULT_FILE_SIZE_MB) * MB)),
    rowGroupBytes: Math.max(64 * 1024, Math.round(number('row_group_size_mb', DEFAULT_ROW_GROUP_SIZE_MB) * MB)),
    commitIntervalMs: Math.max(0, number('commit_interval_seconds', DEFAULT_COMMIT_INTERVAL_SECONDS) * 1000),
  };
}
