// The connector registry: finds connector packages (a directory of packages such as
// `connectors/`, and plugin packages or directories), reads their manifests without running their
// code, and loads an implementation only when a sync needs it. A broken plugin is reported and
// skipped; the others keep working. A manifest with an `executable` ({ command, args }) instead of
// a JavaScript entry registers an out-of-process connector; definitions created through the API
// are added with `registerExecutable`, or — for declarative manifests — with `registerDeclarative`,
// which runs the manifest with the source-declarative connector, the manifest bound to it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { assertValidSchema, type ConnectorKind, type ConnectorManifest, type JsonObject } from '@tributary/protocol';
import type { ConnectorImplementation, MessageBatch, Source } from './connector';
import { assertExecutableDefinition, type ExecutableDefinition } from './process/executable.definition';
import { executableImplementation } from './process/executable.implementation';

export const MANIFEST_FILE = 'tributary.connector.json';

export interface RegisteredConnector {
  manifest: ConnectorManifest;
  /** The package directory. */
  directory: string;
  /** Markdown documentation (the package README), when present. */
  docs?: string;
  origin: 'builtin' | 'plugin' | 'custom';
  /** Set for out-of-process connectors: the program speaking the protocol on stdio. */
  executable?: ExecutableDefinition;
  /** Set for definitions made of a declarative manifest: run by the `runner` connector with the manifest bound. */
  declarative?: { manifest: JsonObject; runner: string };
}

/** The connector that runs declarative manifests. */
export const DECLARATIVE_RUNNER_ID = 'source-declarative';

export interface RegistryProblem {
  /** The directory or package name that could not be registered. */
  location: string;
  message: string;
}

export interface RegistryOptions {
  /** Directories whose sub-directories are connector packages (e.g. the repository's `connectors/`). */
  connectorDirectories: string[];
  /** Plugin npm package names or directories (e.g. from `TRIBUTARY_PLUGINS`). */
  plugins?: string[];
  /** Where plugin package names are resolved from. */
  resolveFrom?: string;
}

export class ConnectorRegistry {
  private readonly byId = new Map<string, RegisteredConnector>();
  private readonly loaded = new Map<string, Promise<ConnectorImplementation>>();
  readonly problems: RegistryProblem[] = [];

  static load(options: RegistryOptions): ConnectorRegistry {
    const registry = new ConnectorRegistry();
    for (const root of options.connectorDirectories) {
      if (!existsSync(root)) continue;
      for (const entry of readdirSync(root).sort()) {
        const directory = join(root, entry);
        if (statSync(directory).isDirectory() && existsSync(join(directory, MANIFEST_FILE))) {
          registry.register(directory, 'builtin');
        }
      }
    }
    const requireFrom = createRequire(join(resolve(options.resolveFrom ?? process.cwd()), 'noop.js'));
    for (const plugin of options.plugins ?? []) {
      try {
        const directory = plugin.startsWith('.') || plugin.startsWith('/') ? resolve(plugin) : resolve(requireFrom.resolve(`${plugin}/package.json`), '..');
        registry.register(directory, 'plugin', plugin);
      } catch (error) {
        registry.problems.push({ location: plugin, message: `cannot find plugin package: ${(error as Error).message.split('\n')[0]}` });
      }
    }
    return registry;
  }

  list(kind?: ConnectorKind): RegisteredConnector[] {
    return [...this.byId.values()].filter((c) => !kind || c.manifest.kind === kind).sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }

  get(id: string): RegisteredConnector | undefined {
    return this.byId.get(id);
  }

  /**
   * Adds an executable connector defined outside any package (through the API): it is run, never
   * loaded. Throws when the id is taken by a connector of another origin.
   */
  registerExecutable(manifest: ConnectorManifest, executable: ExecutableDefinition, docs?: string): RegisteredConnector {
    assertExecutableDefinition(executable);
    const existing = this.byId.get(manifest.id);
    if (existing && existing.origin !== 'custom') throw new Error(`connector id "${manifest.id}" is already registered from ${existing.directory}`);
    const registered: RegisteredConnector = { manifest, directory: '', origin: 'custom', executable, docs };
    this.byId.set(manifest.id, registered);
    this.loaded.delete(manifest.id);
    return registered;
  }

  /**
   * Adds a source defined by a declarative manifest (through the API): it runs on the
   * source-declarative connector with the manifest bound, so its config is only what the
   * manifest's spec asks for. Re-registering an id replaces the manifest (a new version).
   */
  registerDeclarative(manifest: ConnectorManifest, declarativeManifest: JsonObject, runner: string = DECLARATIVE_RUNNER_ID): RegisteredConnector {
    if (manifest.kind !== 'source') throw new Error(`a declarative manifest defines a source, not a ${manifest.kind}`);
    const existing = this.byId.get(manifest.id);
    if (existing && existing.origin !== 'custom') throw new Error(`connector id "${manifest.id}" is already registered from ${existing.directory}`);
    const registered: RegisteredConnector = { manifest, directory: '', origin: 'custom', declarative: { manifest: declarativeManifest, runner } };
    this.byId.set(manifest.id, registered);
    this.loaded.delete(manifest.id);
    return registered;
  }

  /** Loads (once) and returns the connector's implementation; throws with the cause in words. */
  implementation(id: string): Promise<ConnectorImplementation> {
    const connector = this.byId.get(id);
    if (!connector) return Promise.reject(new Error(`unknown connector "${id}"`));
    let pending = this.loaded.get(id);
    if (!pending) {
      const declarative = connector.declarative;
      pending = declarative
        ? this.implementation(declarative.runner).then(
            (runner) => bindManifest(runner, declarative.manifest),
            (error: unknown) => {
              throw new Error(`connector "${id}" needs the ${declarative.runner} connector to run its manifest: ${(error as Error).message}`);
            },
          )
        : loadImplementation(connector);
      this.loaded.set(id, pending);
    }
    return pending;
  }

  private register(directory: string, origin: RegisteredConnector['origin'], location = directory): void {
    try {
      const { manifest, executable } = readManifest(directory);
      const existing = this.byId.get(manifest.id);
      if (existing) {
        throw new Error(`connector id "${manifest.id}" is already registered from ${existing.directory}`);
      }
      const readme = join(directory, 'README.md');
      this.byId.set(manifest.id, { manifest, directory, origin, docs: existsSync(readme) ? readFileSync(readme, 'utf8') : undefined, ...(executable ? { executable } : {}) });
    } catch (error) {
      this.problems.push({ location, message: (error as Error).message });
    }
  }
}

function readManifest(directory: string): { manifest: ConnectorManifest; executable?: ExecutableDefinition } {
  const file = join(directory, MANIFEST_FILE);
  if (!existsSync(file)) throw new Error(`no ${MANIFEST_FILE} in ${directory}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const pkg = existsSync(join(directory, 'package.json')) ? (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { version?: string }) : {};
  const missing = ['id', 'name', 'kind', 'spec'].filter((key) => raw[key] === undefined);
  if (missing.length) throw new Error(`${file} lacks ${missing.join(', ')}`);
  if (raw.kind !== 'source' && raw.kind !== 'destination') throw new Error(`${file}: kind must be "source" or "destination"`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(String(raw.id))) throw new Error(`${file}: id must be lower-case letters, digits and dashes`);
  const spec = raw.spec as ConnectorManifest['spec'];
  if (!spec || typeof spec.connectionSpecification !== 'object') throw new Error(`${file}: spec.connectionSpecification must be a JSON Schema object`);
  assertValidSchema(spec.connectionSpecification);
  let icon = raw.icon as string | undefined;
  if (icon && !icon.startsWith('<') && !/^https?:/.test(icon) && existsSync(join(directory, icon))) {
    icon = readFileSync(join(directory, icon), 'utf8');
  }
  let executable: ExecutableDefinition | undefined;
  if (raw.executable !== undefined) {
    try {
      assertExecutableDefinition(raw.executable);
    } catch (error) {
      throw new Error(`${file}: executable: ${(error as Error).message}`);
    }
    // A relative command or working directory is relative to the package (`./bin/source-x`).
    const { command, cwd } = raw.executable;
    executable = { ...raw.executable, command: command.startsWith('.') ? resolve(directory, command) : command, cwd: cwd ? resolve(directory, cwd) : directory };
  }
  const manifest: ConnectorManifest = {
    id: String(raw.id),
    name: String(raw.name),
    kind: raw.kind,
    version: String(raw.version ?? pkg.version ?? '0.0.0'),
    description: raw.description as string | undefined,
    icon,
    documentationUrl: raw.documentationUrl as string | undefined,
    spec,
  };
  return { manifest, executable };
}

/** A declarative runner with one manifest bound: its config becomes `{ manifest, config }`. */
function bindManifest(runner: ConnectorImplementation, manifest: JsonObject): ConnectorImplementation {
  if (runner.kind !== 'source') throw new Error('the declarative runner must be a source');
  return {
    kind: 'source',
    create(): Source<JsonObject> {
      const source = runner.create();
      const bound = (config: JsonObject): JsonObject => ({ manifest, config });
      return {
        check: (config, context) => source.check(bound(config), context),
        discover: (config, context) => source.discover(bound(config), context),
        read: (config, catalog, state, context) => unbindControls(source.read(bound(config), catalog, state, context)),
      };
    },
  };
}

/** Config updates of a bound manifest's runner carry `{manifest, config}`: hand back only the user's config. */
async function* unbindControls(batches: AsyncIterable<MessageBatch>): AsyncGenerator<MessageBatch> {
  for await (const batch of batches) {
    yield batch.map((message) =>
      message.type === 'CONTROL' ? { ...message, control: { ...message.control, connectorConfig: { config: (message.control.connectorConfig.config.config ?? {}) as JsonObject } } } : message,
    );
  }
}

async function loadImplementation(connector: RegisteredConnector): Promise<ConnectorImplementation> {
  if (connector.executable) return executableImplementation(connector.manifest.kind, connector.executable);
  const requireFrom = createRequire(join(connector.directory, 'package.json'));
  let mod: { connector?: ConnectorImplementation };
  try {
    mod = requireFrom(connector.directory) as { connector?: ConnectorImplementation };
  } catch (error) {
    throw new Error(`connector "${connector.manifest.id}" failed to load from ${connector.directory}: ${(error as Error).message}`);
  }
  const implementation = mod.connector;
  if (!implementation || typeof implementation.create !== 'function') {
    throw new Error(`connector "${connector.manifest.id}" does not export \`connector\` with a create() function`);
  }
  if (implementation.kind !== connector.manifest.kind) {
    throw new Error(`connector "${connector.manifest.id}" is declared a ${connector.manifest.kind} but exports a ${implementation.kind}`);
  }
  return implementation;
}
