// DuckDB as the independent reader of what file destinations write: tests check Parquet, CSV and
// JSON Lines output with a reader that shares no code with ours. Runs the DuckDB CLI
// (`pip install duckdb-cli`; `DUCKDB_BIN` overrides) on local files — its httpfs extension would
// have to be downloaded, so objects are fetched from the S3 server first.
import { execFile } from 'node:child_process';

export function duckdbBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env['DUCKDB_BIN'] || 'duckdb';
}

/** Runs `sql` in an in-memory DuckDB and returns the rows of the last statement as JSON objects. */
export function duckdbQuery<T = Record<string, unknown>>(sql: string, options: { cwd?: string } = {}): Promise<T[]> {
  return new Promise((resolve, reject) => {
    execFile(duckdbBinary(), ['-json', '-c', `SET TimeZone = 'UTC'; ${sql}`], { cwd: options.cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ' — is DuckDB installed ("pip install duckdb-cli", or set DUCKDB_BIN)?' : '';
        reject(new Error(`duckdb failed${hint}: ${stderr || error.message}\nSQL: ${sql}`));
        return;
      }
      // One JSON array per statement that returns rows; SET prints nothing. Take the last one.
      const text = stdout.trim();
      if (!text) return resolve([]);
      const start = text.lastIndexOf('\n[') >= 0 ? text.lastIndexOf('\n[') + 1 : 0;
      try {
        resolve(JSON.parse(text.slice(start)) as T[]);
      } catch (parseError) {
        reject(new Error(`duckdb printed something that is not JSON (${(parseError as Error).message}): ${text.slice(0, 500)}`));
      }
    });
  });
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL list of file paths, e.g. for read_parquet([...]). */
export function sqlFileList(paths: string[]): string {
  return `[${paths.map(sqlString).join(', ')}]`;
}
