// `tributary connector init <name>`: scaffolds a connector package from a template and prints the
// next steps. Refuses to write into a non-empty directory; a bad name or template is exit 1 with
// the rule in words.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConnectorKind } from '@tributary/protocol';
import { findWorkspaceRoot } from '../config/workspace';
import { nextSteps, scaffoldConnector } from '../scaffold/connector.scaffolder';
import { ScaffoldException, ScaffoldExceptionCode } from '../scaffold/scaffold.exception';

export interface InitCommandOptions {
  kind?: string;
  template?: string;
  /** The parent directory (default: the checkout's connectors/ when run inside it, else the current directory). */
  dir?: string;
}

export function initCommand(name: string, options: InitCommandOptions, out: (line: string) => void = (line) => void process.stdout.write(`${line}\n`), cwd = process.cwd()): number {
  if (options.kind !== undefined && options.kind !== 'source' && options.kind !== 'destination') {
    throw new ScaffoldException(ScaffoldExceptionCode.INVALID_TEMPLATE, `--kind must be "source" or "destination", not "${options.kind}".`);
  }
  const workspaceRoot = tryWorkspaceRoot();
  const parentDirectory = options.dir ? resolve(cwd, options.dir) : defaultParent(workspaceRoot, cwd);
  const result = scaffoldConnector({ name, kind: options.kind as ConnectorKind | undefined, template: options.template, parentDirectory, workspaceRoot });
  for (const line of nextSteps(result, cwd)) out(line);
  return 0;
}

function tryWorkspaceRoot(): string | undefined {
  try {
    return findWorkspaceRoot(__dirname);
  } catch {
    return undefined;
  }
}

function defaultParent(workspaceRoot: string | undefined, cwd: string): string {
  if (workspaceRoot && resolve(cwd).startsWith(workspaceRoot) && existsSync(join(workspaceRoot, 'connectors'))) return join(workspaceRoot, 'connectors');
  return cwd;
}
