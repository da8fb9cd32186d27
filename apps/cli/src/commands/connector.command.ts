// `tributary connector spec|check|discover|read|test`: runs any connector — a package directory
// (in-process) or an executable (`--command`) — against a JSON or YAML config file and prints
// protocol messages as JSON lines on stdout; logs go to stderr. Exit codes: 0 success, 1 the
// connector failed (a FAILED check, a failed read, a failed conformance check), 2 usage error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type ConnectorImplementation, type ConnectorLogger, JsonLogger } from '@tributary/connector-sdk';
import { type ExecutableDefinition, ExecutableRunner, executableImplementation } from '@tributary/connector-sdk/process';
import { loadConnectorUnderTest, loadFixture, runConformanceSuite } from '@tributary/connector-sdk/testing';
import type { ConfiguredAirbyteCatalog, ConnectorKind, ConnectorSpecification, JsonObject, ProtocolMessage, StateMessage } from '@tributary/protocol';
import { CliException, CliExceptionCode } from '../cli.exception';

export interface ConnectorTarget {
  /** A connector package directory. */
  path?: string;
  /** Or an executable speaking the Airbyte protocol. */
  command?: string;
  args?: string[];
  kind?: ConnectorKind;
}

export interface ConnectorCommandIo {
  out: (line: string) => void;
  logger: ConnectorLogger;
  signal: AbortSignal;
}

export function defaultIo(): ConnectorCommandIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    logger: new JsonLogger({ level: JsonLogger.parseLevel(process.env.LOG_LEVEL), write: (line) => void process.stderr.write(`${line}\n`) }),
    signal: controller.signal,
  };
}

/** Reads a JSON or YAML file (by extension; JSON is YAML too) into an object. */
export function readDocument(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, `cannot read the ${what} file ${file}: ${(error as Error).message}`);
  }
  try {
    return /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, `the ${what} file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}

export function readObject(file: string, what: string): JsonObject {
  const value = readDocument(file, what);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CliException(CliExceptionCode.INVALID_CONFIG, `the ${what} file ${file} must hold an object`);
  return value as JsonObject;
}

export async function resolveTarget(target: ConnectorTarget): Promise<{ implementation: ConnectorImplementation; spec: () => Promise<ConnectorSpecification> }> {
  if (target.command) {
    const definition: ExecutableDefinition = { command: target.command, args: target.args ?? [] };
    const implementation = executableImplementation(target.kind ?? 'source', definition);
    return { implementation, spec: () => new ExecutableRunner(definition).spec({ logger: silent, signal: new AbortController().signal }) };
  }
  if (!target.path) throw new CliException(CliExceptionCode.INVALID_CONFIG, 'give a connector directory or --command');
  try {
    const loaded = await loadConnectorUnderTest(resolve(target.path));
    return { implementation: loaded.implementation, spec: async () => loaded.manifest.spec };
  } catch (error) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, (error as Error).message);
  }
}

const silent: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function specCommand(target: ConnectorTarget, io = defaultIo()): Promise<number> {
  const { spec } = await resolveTarget(target);
  io.out(JSON.stringify({ type: 'SPEC', spec: await spec() }));
  return 0;
}

export async function checkCommand(target: ConnectorTarget, configFile: string, io = defaultIo()): Promise<number> {
  const { implementation } = await resolveTarget(target);
  const status = await implementation.create().check(readObject(configFile, 'config'), io);
  io.out(JSON.stringify({ type: 'CONNECTION_STATUS', connectionStatus: status }));
  return status.status === 'SUCCEEDED' ? 0 : 1;
}

export async function discoverCommand(target: ConnectorTarget, configFile: string, io = defaultIo()): Promise<number> {
  const { implementation } = await resolveTarget(target);
  if (implementation.kind !== 'source') throw new CliException(CliExceptionCode.INVALID_CONFIG, 'discover needs a source');
  const catalog = await implementation.create().discover(readObject(configFile, 'config'), io);
  io.out(JSON.stringify({ type: 'CATALOG', catalog }));
  return 0;
}

export async function readCommand(target: ConnectorTarget, options: { config: string; catalog?: string; state?: string }, io = defaultIo()): Promise<number> {
  const { implementation } = await resolveTarget(target);
  if (implementation.kind !== 'source') throw new CliException(CliExceptionCode.INVALID_CONFIG, 'read needs a source');
  const source = implementation.create();
  const config = readObject(options.config, 'config');
  const catalog: ConfiguredAirbyteCatalog = options.catalog
    ? (readObject(options.catalog, 'catalog') as unknown as ConfiguredAirbyteCatalog)
    : {
        // Without a catalog: every stream, full refresh.
        streams: (await source.discover(config, io)).streams.map((stream) => ({ stream, sync_mode: 'full_refresh' as const, destination_sync_mode: 'overwrite' as const })),
      };
  const state = options.state ? (readDocument(options.state, 'state') as StateMessage[] | { state: StateMessage['state'] }[]) : [];
  const messages: StateMessage[] = (Array.isArray(state) ? state : [state]).map((s) => ('type' in s && s.type === 'STATE' ? (s as StateMessage) : { type: 'STATE', state: (s as { state?: StateMessage['state'] }).state ?? (s as StateMessage['state']) }));
  for await (const batch of source.read(config, catalog, messages, io)) for (const message of batch as ProtocolMessage[]) io.out(JSON.stringify(message));
  return 0;
}

export async function testCommand(path: string, io = defaultIo()): Promise<number> {
  registerTypeScriptFixtures();
  const directory = resolve(path);
  const target = await loadConnectorUnderTest(directory).catch((error: Error) => {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, error.message);
  });
  let fixture;
  try {
    fixture = loadFixture(directory);
  } catch (error) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, (error as Error).message);
  }
  io.out(`Conformance of ${target.manifest.id} (${target.manifest.kind}):`);
  // The leak checks wait on unref'd timers and expect the connector to have closed everything: with
  // nothing else holding the event loop, Node would exit in the middle of the suite (with code 0).
  const keepAlive = setInterval(() => undefined, 60_000);
  let results;
  try {
    results = await runConformanceSuite(target, fixture, (result) => {
      const mark = result.status === 'passed' ? 'ok  ' : result.status === 'skipped' ? 'skip' : 'FAIL';
      io.out(`  ${mark} ${result.check}${result.message ? ` — ${result.message}` : ''}`);
    });
  } finally {
    clearInterval(keepAlive);
  }
  const failed = results.filter((r) => r.status === 'failed').length;
  io.out(failed ? `${failed} of ${results.length} checks failed.` : `All ${results.length} checks passed.`);
  return failed ? 1 : 0;
}

/** Lets the CLI load `test/conformance.fixture.ts` by transpiling it with TypeScript, when installed. */
export function registerTypeScriptFixtures(): void {
  const extensions = require.extensions as NodeJS.RequireExtensions;
  if (extensions['.ts']) return;
  extensions['.ts'] = (module, filename) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const output = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: filename });
    (module as unknown as { _compile(code: string, file: string): void })._compile(output.outputText, filename);
  };
}
