// `tributary db migrate` / `tributary db revert`: the schema of the metadata database at
// DATABASE_URL, or of the data dir's embedded PostgreSQL — the one a running `tributary up` has, or
// one started just for the command.
import { DataDirLayout } from '../config/data-dir.layout';
import { redactUrl, readStackConfig } from '../config/stack.config';
import { openMetadataDatabase, revertMigration, runMigrations } from './metadata-database';

export interface DbCommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  write?: (text: string) => void;
}

export function migrateCommand(options: DbCommandOptions = {}): Promise<void> {
  return withDatabase(options, async (url, say) => {
    const applied = await runMigrations(url);
    say(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.` : 'Nothing to migrate: the schema is up to date.');
  });
}

export function revertCommand(options: DbCommandOptions = {}): Promise<void> {
  return withDatabase(options, async (url, say) => {
    const reverted = await revertMigration(url);
    say(reverted ? `Reverted migration ${reverted}.` : 'Nothing to revert: no migration has been applied.');
  });
}

async function withDatabase(options: DbCommandOptions, work: (url: string, say: (line: string) => void) => Promise<void>): Promise<void> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const say = (line: string): void => write(`${line}\n`);
  const config = readStackConfig(options.env ?? process.env, options.cwd ?? process.cwd());
  const database = await openMetadataDatabase(config, new DataDirLayout(config.dataDir), { attachIfRunning: true });
  say(`Metadata database: ${redactUrl(database.url)} (${database.origin}${database.server ? ', started for this command' : ''})`);
  try {
    await work(database.url, say);
  } finally {
    await database.server?.stop();
  }
}
