// `tributary up`: the whole stack on one machine with embedded defaults — PostgreSQL and the
// Temporal dev server under the data dir (unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere),
// migrations and the bootstrap token, then the API, a worker and the console as child processes.
// Children run in their own process groups so that Ctrl-C reaches only us and we stop them in
// reverse order (console, worker, API, Temporal, Postgres), each while what it needs still runs.
import { loadOrCreateKeyFile } from '@tributary/persistence';
import {
  ChildProcessSupervisor,
  EmbeddedPostgresServer,
  StackException,
  StackExceptionCode,
  TemporalDevServer,
  assertPortFree,
  describeExit,
  describeTemporalNamespace,
  httpOk,
  resolveTemporalCli,
  waitUntil,
  type ManagedProcess,
  type UnexpectedExit,
} from '../stack';
import { CliException, CliExceptionCode } from '../cli.exception';
import { DataDirLayout } from '../config/data-dir.layout';
import { reachableHost, readStackConfig, redactUrl, type StackConfig } from '../config/stack.config';
import { findWorkspaceRoot, resolveAppEntries, workerEnvironment, workerNodeFlags } from '../config/workspace';
import { ProcessOutputPrinter } from '../output/process-output.printer';
import { openMetadataDatabase, prepareMetadataStore } from './metadata-database';

export interface UpOptions {
  /** Forward every line of Postgres and Temporal, not just their warnings and errors. */
  verbose: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  write?: (text: string) => void;
}

const STARTUP_TIMEOUT_MS = 180_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs until stopped; resolves with the exit code (0 after a requested stop). */
export async function runUp(options: UpOptions): Promise<number> {
  const env = options.env ?? process.env;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const config = readStackConfig(env, options.cwd ?? process.cwd());
  const workerFlags = workerNodeFlags(env);
  const apps = resolveAppEntries(findWorkspaceRoot());
  const layout = new DataDirLayout(config.dataDir);
  const printer = new ProcessOutputPrinter(write, { color: Boolean(process.stdout.isTTY) && !env['NO_COLOR'] });

  // Everything that can be checked before starting anything is checked first.
  const runningPostgres = config.databaseUrl ? undefined : EmbeddedPostgresServer.runningPid(layout.postgresDir);
  if (runningPostgres !== undefined) {
    throw new StackException(
      StackExceptionCode.ALREADY_RUNNING,
      `The data directory ${config.dataDir} is in use: its PostgreSQL (pid ${runningPostgres}) is running. Is another "tributary up" running? Stop it, or set TRIBUTARY_DATA_DIR to another directory.`,
    );
  }
  const temporalCli = config.temporalAddress ? undefined : resolveTemporalCli(env);
  if (temporalCli) {
    await assertPortFree(config.temporalPort, 'the Temporal dev server', 'TEMPORAL_PORT');
    await assertPortFree(config.temporalUiPort, 'the Temporal web UI', 'TEMPORAL_UI_PORT');
  }
  await assertPortFree(config.apiPort, 'the API', 'API_PORT', config.apiHost);
  await assertPortFree(config.consolePort, 'the console', 'CONSOLE_PORT', config.consoleHost);

  const supervisor = new ChildProcessSupervisor({
    stopTimeoutMs: 30_000,
    onStopError: (name, error) => printer.note(`could not stop ${name}: ${(error as Error).message}`),
  });
  const stopRequest = new AbortController();
  const stopRequested = new Promise<void>((resolve) => stopRequest.signal.addEventListener('abort', () => resolve(), { once: true }));
  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalsSeen += 1;
    if (signalsSeen === 1) {
      printer.note(`${signal} received, stopping (press Ctrl-C again to kill everything at once)…`);
      stopRequest.abort();
    } else {
      printer.note('Killing everything.');
      process.exit(130); // the process machinery SIGKILLs every child still running on exit
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  // Startup waits end on a stop request or when startup failed elsewhere.
  const startupFailed = new AbortController();
  const startupSignal = AbortSignal.any([stopRequest.signal, startupFailed.signal]);
  const checkpoint = (): void => {
    if (startupSignal.aborted) throw new StackException(StackExceptionCode.ABORTED, 'Stopped during startup.');
  };
  const forward = (source: string, keep: (line: string) => boolean = () => true) => (line: string) => {
    if (options.verbose || keep(line)) printer.line(source, line);
  };
  // Postgres logs every checkpoint at LOG level; Temporal complains loudly while it shuts down.
  const postgresWorthShowing = (line: string): boolean => /\b(WARNING|ERROR|FATAL|PANIC):/.test(line);
  const temporalWorthShowing = (line: string): boolean => !supervisor.isStopping && /level=(WARN|ERROR)/.test(line);

  try {
    layout.ensureExists();
    printer.note(`data directory ${config.dataDir}`);

    const database = await openMetadataDatabase(config, layout, { detached: true, onLine: forward('postgres', postgresWorthShowing), signal: startupSignal });
    if (database.server) supervisor.add(database.server);
    printer.note(`metadata database: ${redactUrl(database.url)} (${database.origin})`);
    checkpoint();

    let temporalAddress = config.temporalAddress;
    let temporalUiUrl = config.temporalUiUrl;
    if (temporalCli) {
      const temporal = await TemporalDevServer.start({
        cliPath: temporalCli,
        port: config.temporalPort,
        uiPort: config.temporalUiPort,
        dbFilename: layout.temporalDbFile,
        namespaces: config.temporalNamespace === 'default' ? [] : [config.temporalNamespace],
        detached: true,
        onLine: forward('temporal', temporalWorthShowing),
        signal: startupSignal,
      });
      supervisor.add(temporal);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
      printer.note(`Temporal dev server on ${temporal.address} (history in ${layout.temporalDbFile})`);
    } else {
      await waitUntil(() => describeTemporalNamespace(config.temporalAddress as string, config.temporalNamespace), {
        description: `Temporal at ${config.temporalAddress} (TEMPORAL_ADDRESS) to describe namespace "${config.temporalNamespace}" (TEMPORAL_NAMESPACE)`,
        timeoutMs: 30_000,
        intervalMs: 1000,
        signal: startupSignal,
      });
      printer.note(`Temporal at ${temporalAddress} (TEMPORAL_ADDRESS)`);
    }
    checkpoint();

    const store = await prepareMetadataStore(database.url, config.apiToken);
    printer.note(store.appliedMigrations.length > 0 ? `applied migrations: ${store.appliedMigrations.join(', ')}` : 'database schema is up to date');
    // Created here, once, so the API and the worker never race to create it.
    if (!config.secretKey) loadOrCreateKeyFile(layout.secretKeyFile);
    checkpoint();

    const apiBase = `http://${reachableHost(config.apiHost)}:${config.apiPort}`;
    const consoleUrl = `http://${reachableHost(config.consoleHost)}:${config.consolePort}`;
    const serviceEnv: NodeJS.ProcessEnv = {
      ...env,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: config.temporalNamespace,
      TRIBUTARY_DATA_DIR: config.dataDir,
      API_HOST: config.apiHost,
      API_PORT: String(config.apiPort),
    };
    const { DATABASE_URL: _db, TRIBUTARY_SECRET_KEY: _key, ...consoleBaseEnv } = env;
    const consoleEnv: NodeJS.ProcessEnv = {
      ...consoleBaseEnv,
      TRIBUTARY_API_URL: apiBase,
      ...(temporalUiUrl ? { TEMPORAL_UI_URL: temporalUiUrl } : {}),
      NEXT_TELEMETRY_DISABLED: '1',
    };

    supervisor.spawn({ name: 'api', command: process.execPath, args: [apps.apiMain], cwd: apps.root, env: serviceEnv, detached: true, onLine: forward('api') });
    const worker = supervisor.spawn({ name: 'worker', command: process.execPath, args: [...workerFlags, apps.workerMain], cwd: apps.root, env: { ...workerEnvironment(serviceEnv), ...serviceEnv }, detached: true, onLine: forward('worker') });
    supervisor.spawn({
      name: 'console',
      command: process.execPath,
      args: [apps.nextBin, 'start', '--port', String(config.consolePort), '--hostname', config.consoleHost],
      cwd: apps.consoleDir,
      env: consoleEnv,
      detached: true,
      onLine: forward('console'),
    });

    const failFast = (): { message: string; output?: string } | undefined => {
      const died = supervisor.unexpectedExit;
      return died && { message: `${died.name} ${describeExit(died.exit)} during startup.`, output: died.output };
    };
    try {
      await Promise.all([
        waitUntil(httpOk(`${apiBase}/api/v1/health`), {
          description: `the API to answer ${apiBase}/api/v1/health`,
          timeoutMs: STARTUP_TIMEOUT_MS,
          signal: startupSignal,
          failFast,
        }),
        waitForWorkerReady(worker, startupSignal),
        waitUntil(httpOk(consoleUrl), {
          description: `the console to answer ${consoleUrl}`,
          timeoutMs: STARTUP_TIMEOUT_MS,
          signal: startupSignal,
          failFast,
        }),
      ]);
    } catch (error) {
      // Name the process that died rather than the wait that noticed it.
      const died = supervisor.unexpectedExit;
      if (died && !stopRequest.signal.aborted) throw processDied(died, printer);
      throw error;
    }

    write(banner(config, { consoleUrl, apiBase, temporalUiUrl, generatedToken: store.generatedToken }));

    const died = await Promise.race([supervisor.firstUnexpectedExit, stopRequested.then(() => undefined)]);
    if (died) {
      printer.note(`${died.name} ${describeExit(died.exit)}; stopping everything.`);
      await supervisor.stopAll();
      throw processDied(died, printer);
    }
    await supervisor.stopAll();
    printer.note('stopped.');
    return 0;
  } catch (error) {
    startupFailed.abort();
    await supervisor.stopAll();
    if (stopRequest.signal.aborted && !(error instanceof CliException)) {
      printer.note('stopped.');
      return 0;
    }
    throw error;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

function waitForWorkerReady(worker: ManagedProcess, signal: AbortSignal): Promise<string> {
  return worker.waitForLine((line) => /"message"\s*:\s*"worker ready"/.test(line), {
    timeoutMs: STARTUP_TIMEOUT_MS,
    signal,
    description: 'the worker to log "worker ready"',
  });
}

/** The error for a process that died on its own; output not already forwarded in full is shown. */
function processDied(died: UnexpectedExit, printer: ProcessOutputPrinter): CliException {
  const forwardedInFull = ['api', 'worker', 'console'].includes(died.name);
  if (!forwardedInFull && died.output) printer.note(`last output of ${died.name}:\n${died.output}`);
  return new CliException(CliExceptionCode.PROCESS_DIED, `${died.name} ${describeExit(died.exit)} (its output is above); everything else was stopped.`);
}

interface BannerUrls {
  consoleUrl: string;
  apiBase: string;
  temporalUiUrl?: string;
  generatedToken?: string;
}

export function banner(config: StackConfig, urls: BannerUrls): string {
  const token = urls.generatedToken
    ? `${urls.generatedToken}\n${' '.repeat(17)}(generated now and shown only this once: keep it somewhere safe)`
    : config.apiToken
      ? 'set via TRIBUTARY_API_TOKEN'
      : 'generated at the first start and shown then (set TRIBUTARY_API_TOKEN to use one of your own)';
  const rows: [string, string][] = [
    ['Console', urls.consoleUrl],
    ['API', `${urls.apiBase}/api/v1`],
    ['API docs', `${urls.apiBase}/api/docs`],
    ['Temporal UI', urls.temporalUiUrl ?? 'set TEMPORAL_UI_URL to show the UI of your Temporal here'],
    ['Data directory', config.dataDir],
    ['API token', token],
  ];
  const body = rows.map(([label, value]) => `  ${label.padEnd(15)}${value}`).join('\n');
  return `\n  Tributary is running.\n\n${body}\n\n  Press Ctrl-C to stop.\n\n`;
}
