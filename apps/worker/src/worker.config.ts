// The worker's environment, validated once at start; nothing else reads process.env.
import { resolve } from 'node:path';
import { DEFAULT_TASK_QUEUE } from '@tributary/workflows';
import { JsonLogger, type LogLevelName } from '@tributary/connector-sdk';

export interface WorkerConfig {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  secretKey?: string;
  connectorDirectories: string[];
  plugins: string[];
  logLevel: LogLevelName;
  /** Syncs (replicate activities) run at once; the worker's memory grows with it. */
  maxConcurrentSyncs: number;
  /**
   * Partitions of scaled-out syncs (replicatePartition activities, polled from their own task
   * queue) run at once; each is a data path like a sync, so memory grows with it too.
   */
  maxConcurrentPartitions: number;
  /**
   * Workflow executions Temporal keeps in memory between their tasks (`maxCachedWorkflows`). Its
   * default is derived from the V8 heap limit (about 2,300 for a 4 GB heap); ours are short
   * histories (< 30 events), so an evicted one replays in milliseconds.
   */
  maxCachedWorkflows: number;
  autoPauseAfterFailures: number;
}

export const DEFAULT_MAX_CONCURRENT_SYNCS = 4;
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;
export const DEFAULT_MAX_CONCURRENT_PARTITIONS = 1;

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  /** A whole number of at least `min`, or `fallback` when the variable is unset or blank. */
  const wholeNumber = (name: string, fallback: number, min: number, rule: string): number => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be ${rule} (got "${text}")`);
    return value;
  };
  const config: WorkerConfig = {
    databaseUrl: required('DATABASE_URL'),
    temporalAddress: required('TEMPORAL_ADDRESS'),
    temporalNamespace: env.TEMPORAL_NAMESPACE?.trim() || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE?.trim() || DEFAULT_TASK_QUEUE,
    dataDir: resolve(env.TRIBUTARY_DATA_DIR?.trim() || '.tributary'),
    secretKey: env.TRIBUTARY_SECRET_KEY?.trim() || undefined,
    connectorDirectories: [env.TRIBUTARY_CONNECTORS_DIR?.trim() || resolve(__dirname, '../../../connectors')],
    plugins: (env.TRIBUTARY_PLUGINS ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    logLevel: JsonLogger.parseLevel(env.LOG_LEVEL),
    maxConcurrentSyncs: wholeNumber('TRIBUTARY_WORKER_MAX_CONCURRENT_SYNCS', DEFAULT_MAX_CONCURRENT_SYNCS, 1, 'a positive integer'),
    maxConcurrentPartitions: wholeNumber('TRIBUTARY_WORKER_MAX_CONCURRENT_PARTITIONS', DEFAULT_MAX_CONCURRENT_PARTITIONS, 0, 'a whole number (0 takes no partitions)'),
    maxCachedWorkflows: wholeNumber('TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS', DEFAULT_MAX_CACHED_WORKFLOWS, 0, 'a whole number (0 caches none)'),
    autoPauseAfterFailures: wholeNumber('TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES', 5, 0, 'a whole number (0 never pauses)'),
  };
  if (problems.length) throw new Error(`invalid worker configuration: ${problems.join('; ')}`);
  return config;
}
