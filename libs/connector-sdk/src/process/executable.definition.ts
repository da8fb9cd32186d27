// An out-of-process connector: any executable that speaks the Airbyte protocol as JSON lines on
// stdio (`spec`, `check --config`, `discover --config`, `read --config --catalog [--state]`,
// `write --config --catalog` with messages on stdin).
export interface ExecutableDefinition {
  /** The program: a name looked up on PATH (`source-faker`) or a path. */
  command: string;
  /** Arguments before the operation, e.g. `["run", "--rm", "-i", "airbyte/source-x"]` for docker. */
  args?: string[];
  /** Extra environment variables for the child (the parent's PATH and HOME are kept). */
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExecutableTimeouts {
  /** spec, check and discover (default 5 min: interpreters and containers start slowly). */
  operationMs?: number;
  /** read and write (default: none; cancellation stops them). */
  syncMs?: number;
  /** After SIGTERM, wait this long before SIGKILL (default 5 s). */
  killGraceMs?: number;
}

/** Validates a definition coming from config or the API; throws an Error naming the problem. */
export function assertExecutableDefinition(value: unknown): asserts value is ExecutableDefinition {
  const definition = value as Partial<ExecutableDefinition> | null;
  if (!definition || typeof definition !== 'object') throw new Error('an executable needs a "command"');
  if (typeof definition.command !== 'string' || !definition.command.trim()) throw new Error('"command" must be a non-empty string');
  if (definition.args !== undefined && (!Array.isArray(definition.args) || definition.args.some((a) => typeof a !== 'string'))) {
    throw new Error('"args" must be an array of strings');
  }
  if (definition.env !== undefined && (typeof definition.env !== 'object' || Object.values(definition.env).some((v) => typeof v !== 'string'))) {
    throw new Error('"env" must map names to strings');
  }
  if (definition.cwd !== undefined && typeof definition.cwd !== 'string') throw new Error('"cwd" must be a string');
}
