// The worker process: polls the sync task queue and runs workflows and activities. Workflow code
// is bundled from @tributary/workflows; activities get their dependencies from here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { ConnectorRegistry, JsonLogger } from '@tributary/connector-sdk';
import { createDataSource, JobRepository, resolveSecretCipher, SchemaDriftRepository } from '@tributary/persistence';
import { ActorLoader } from './actor-loader';
import { createConnectorActivities } from './activities/connector.activities';
import { createDeclarativeActivities } from './activities/declarative.activities';
import { partitionTaskQueue, WORKFLOWS_PATH } from '@tributary/workflows';
import { createSyncActivities, type SyncActivityDependencies } from './activities/sync.activities';
import { createPartitionedSyncActivities } from './activities/partitioned-sync.activities';
import { createWebhookActivities } from './activities/webhook.activities';
import { WORKFLOW_BUNDLE_FILE } from './build-workflow-bundle';
import { loadWorkerConfig } from './worker.config';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = new JsonLogger({ level: config.logLevel, bindings: { service: 'worker' } });
  // The SDK's own chatter (bundler output, state changes) is debug detail; warnings and errors stay.
  Runtime.install({
    logger: {
      log: (level, message, meta) => logger.log(level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'debug', message, meta),
      trace: () => undefined,
      debug: (message, meta) => logger.debug(message, meta),
      info: (message, meta) => logger.debug(message, meta),
      warn: (message, meta) => logger.warn(message, meta),
      error: (message, meta) => logger.error(message, meta),
    },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    shutdownSignals: [],
  });

  const registry = ConnectorRegistry.load({ connectorDirectories: config.connectorDirectories, plugins: config.plugins });
  for (const problem of registry.problems) logger.warn(`connector not registered: ${problem.location}: ${problem.message}`);
  const dataSource = createDataSource({ url: config.databaseUrl, applicationName: 'tributary-worker', poolSize: 10 });
  await dataSource.initialize();
  const cipher = resolveSecretCipher({ secretKey: config.secretKey, dataDir: config.dataDir });
  const actors = new ActorLoader(dataSource, registry, cipher);
  const jobs = new JobRepository(dataSource);

  const syncDependencies: SyncActivityDependencies = { dataSource, jobs, drift: new SchemaDriftRepository(dataSource), actors, registry, logger, cipher, autoPauseAfterFailures: config.autoPauseAfterFailures };
  const { planPartitions, replicatePartition, publishPartitions } = createPartitionedSyncActivities(syncDependencies);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    // The bundle built with the worker (see build-workflow-bundle.ts); bundling at start is the fallback.
    ...(existsSync(join(__dirname, WORKFLOW_BUNDLE_FILE))
      ? { workflowBundle: { codePath: join(__dirname, WORKFLOW_BUNDLE_FILE) } }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities: {
      ...createSyncActivities(syncDependencies),
      planPartitions,
      publishPartitions,
      ...createConnectorActivities({ dataSource, actors, logger }),
      ...createWebhookActivities({ dataSource, cipher, logger }),
      ...createDeclarativeActivities({ dataSource, cipher, logger }),
    },
    // Memory (docs/worker-memory.md): a sync's replicate activity holds its data path's buffers, so
    // concurrency is what multiplies them; every sync also runs a few small bookkeeping activities.
    maxConcurrentActivityTaskExecutions: config.maxConcurrentSyncs * 2,
    // Workflows share one V8 context on one thread (the SDK's defaults, stated): each cached
    // execution costs little there, and the cache is bounded explicitly rather than from the heap
    // limit, which a capped old generation (workerNodeFlags in apps/cli) would shrink.
    reuseV8Context: true,
    workflowThreadPoolSize: 1,
    maxCachedWorkflows: config.maxCachedWorkflows,
    shutdownGraceTime: '10 seconds',
  });
  // Partitions of scaled-out syncs come from a task queue of their own, so that this bound (each
  // is a data path like a sync) is the worker's own; 0 leaves partitions to other workers.
  const partitionWorker =
    config.maxConcurrentPartitions > 0
      ? await Worker.create({
          connection,
          namespace: config.temporalNamespace,
          taskQueue: partitionTaskQueue(config.taskQueue),
          activities: { replicatePartition },
          maxConcurrentActivityTaskExecutions: config.maxConcurrentPartitions,
          shutdownGraceTime: '10 seconds',
        })
      : undefined;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}: finishing running tasks, then stopping`);
    for (const w of [worker, partitionWorker]) {
      // A worker that has stopped already (its run failed) has nothing to shut down.
      if (w && w.getState() === 'RUNNING') w.shutdown();
    }
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info('worker ready', {
    taskQueue: config.taskQueue,
    namespace: config.temporalNamespace,
    partitionSlots: config.maxConcurrentPartitions,
    connectors: registry.list().map((c) => c.manifest.id),
    // Whether the worker got its memory flags (docs/worker-memory.md): V8's limit without them is several GB.
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  });
  try {
    const runs = [worker.run(), ...(partitionWorker ? [partitionWorker.run()] : [])];
    try {
      await Promise.all(runs);
    } catch (error) {
      // One of the two failed: the other stops too, and the process reports the failure.
      stop('a failure');
      await Promise.allSettled(runs);
      throw error;
    }
  } finally {
    await connection.close();
    await dataSource.destroy();
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', service: 'worker', message: `worker failed: ${(error as Error).message}` })}\n`);
  process.exit(1);
});
