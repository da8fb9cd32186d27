// The API's environment, validated once at start; nothing else reads process.env.
import { resolve } from 'node:path';
import { JsonLogger, type LogLevelName } from '@tributary/connector-sdk';
import { DEFAULT_TASK_QUEUE } from '@tributary/workflows';

export interface ApiConfig {
  host: string;
  port: number;
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  dataDir: string;
  secretKey?: string;
  apiToken?: string;
  connectorDirectories: string[];
  plugins: string[];
  logLevel: LogLevelName;
  /** Seconds without a heartbeat after which a sync attempt is handed to another worker. */
  syncHeartbeatTimeoutSeconds: number;
  syncMaxAttempts: number;
  /** Whether POST /connector-definitions may register executables (they run on the workers). */
  allowExecutableDefinitions: boolean;
}

export const API_CONFIG = Symbol('API_CONFIG');

export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    return value;
  };
  const config: ApiConfig = {
    host: env.API_HOST?.trim() || '127.0.0.1',
    port: integer('API_PORT', 8080, 1, 65535),
    databaseUrl: required('DATABASE_URL'),
    temporalAddress: required('TEMPORAL_ADDRESS'),
    temporalNamespace: env.TEMPORAL_NAMESPACE?.trim() || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE?.trim() || DEFAULT_TASK_QUEUE,
    dataDir: resolve(env.TRIBUTARY_DATA_DIR?.trim() || '.tributary'),
    secretKey: env.TRIBUTARY_SECRET_KEY?.trim() || undefined,
    apiToken: env.TRIBUTARY_API_TOKEN?.trim() || undefined,
    connectorDirectories: [env.TRIBUTARY_CONNECTORS_DIR?.trim() || resolve(__dirname, '../../../connectors')],
    plugins: (env.TRIBUTARY_PLUGINS ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    logLevel: JsonLogger.parseLevel(env.LOG_LEVEL),
    syncHeartbeatTimeoutSeconds: integer('TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS', 30, 2, 3600),
    syncMaxAttempts: integer('TRIBUTARY_SYNC_MAX_ATTEMPTS', 5, 1, 100),
    allowExecutableDefinitions: ['1', 'true', 'yes'].includes((env.TRIBUTARY_ALLOW_EXECUTABLE_DEFINITIONS ?? '').trim().toLowerCase()),
  };
  if (config.apiToken && config.apiToken.length < 16) problems.push('TRIBUTARY_API_TOKEN must be at least 16 characters');
  if (problems.length) throw new Error(`invalid API configuration: ${problems.join('; ')}`);
  return config;
}
