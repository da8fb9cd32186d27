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
  maxConcurrentSyncs: number;
  autoPauseAfterFailures: number;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
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
    maxConcurrentSyncs: Number(env.TRIBUTARY_WORKER_MAX_CONCURRENT_SYNCS ?? 4),
    autoPauseAfterFailures: Number(env.TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES ?? 5),
  };
  if (!Number.isInteger(config.maxConcurrentSyncs) || config.maxConcurrentSyncs < 1) {
    problems.push('TRIBUTARY_WORKER_MAX_CONCURRENT_SYNCS must be a positive integer');
  }
  if (!Number.isInteger(config.autoPauseAfterFailures) || config.autoPauseAfterFailures < 0) {
    problems.push('TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES must be a whole number (0 never pauses)');
  }
  if (problems.length) throw new Error(`invalid worker configuration: ${problems.join('; ')}`);
  return config;
}
