// The Builder's view of a manifest being written: the YAML parsed with line positions, what the
// page needs out of it (stream names, the config spec) and every problem placed on a line — YAML
// syntax errors from the parser, schema errors from the manifest JSON Schema (checked in the
// browser with the same validator as the config forms) and the API's `manifest.…` issues. Pure:
// the editor component renders what this decides.
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { JsonSchema } from '../api/api-types';
import { issuesByField, validateConfig, type Path } from '../spec-form/spec-form.model';

export type ManifestProblemSource = 'yaml' | 'schema' | 'api';

export interface ManifestProblem {
  source: ManifestProblemSource;
  /** 1-based line, when the problem can be placed. */
  line?: number;
  /** The field in the API's notation (`streams[0].pagination.page_size`); '' for the whole manifest. */
  field?: string;
  message: string;
}

export interface ManifestDocument {
  /** The parsed manifest, when the YAML is well-formed and holds a mapping. */
  manifest?: Record<string, unknown>;
  /** YAML syntax problems (the manifest cannot be used while there are any). */
  syntaxProblems: ManifestProblem[];
  /** Finds the line of a field key (`streams[0].path`), or of its closest existing parent. */
  lineOf(key: string): number | undefined;
}

/** `streams[0].pagination.page_size` → ['streams', 0, 'pagination', 'page_size']. */
export function keyToPath(key: string): Path {
  const path: Path = [];
  for (const match of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return path;
}

function lineFinder(document: Document, counter: LineCounter): (key: string) => number | undefined {
  return (key: string) => {
    const path = keyToPath(key);
    // A missing field (a `required` error) is placed on its parent: walk up until a node exists.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    }
    return undefined;
  };
}

export function parseManifestDocument(text: string): ManifestDocument {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const syntaxProblems: ManifestProblem[] = document.errors.map((error) => ({
    source: 'yaml',
    line: error.linePos?.[0]?.line ?? counter.linePos(error.pos[0]).line,
    message: error.message.split('\n')[0]!,
  }));
  const lineOf = lineFinder(document, counter);
  if (syntaxProblems.length) return { syntaxProblems, lineOf };
  if (!text.trim()) return { syntaxProblems: [{ source: 'yaml', line: 1, message: 'The manifest is empty.' }], lineOf };
  if (!isMap(document.contents)) return { syntaxProblems: [{ source: 'yaml', line: 1, message: 'A manifest is a YAML mapping (version, spec, base_url, streams…).' }], lineOf };
  return { manifest: document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>, syntaxProblems, lineOf };
}

/** Problems of the parsed manifest against the manifest JSON Schema, each on its line. */
export function schemaProblems(document: ManifestDocument, manifestSchema: JsonSchema | undefined): ManifestProblem[] {
  if (!document.manifest || !manifestSchema) return [];
  let messages: Record<string, string>;
  try {
    messages = validateConfig(manifestSchema, document.manifest);
  } catch {
    // A schema this browser's validator cannot compile: the API still checks on test and publish.
    return [];
  }
  return Object.entries(messages).map(([field, message]) => ({ source: 'schema', field, line: document.lineOf(field), message }));
}

/** The API's issues about the manifest (`manifest.streams[0].path: …`), each on its line. */
export function apiManifestProblems(document: ManifestDocument, issues: { field: string; message: string }[]): ManifestProblem[] {
  return Object.entries(issuesByField(issues, 'manifest')).map(([field, message]) => ({ source: 'api', field, line: document.lineOf(field), message }));
}

/** The names of the manifest's streams, in order. */
export function streamNames(manifest: Record<string, unknown> | undefined): string[] {
  const streams = manifest?.['streams'];
  if (!Array.isArray(streams)) return [];
  return streams.map((s) => (s && typeof s === 'object' ? (s as { name?: unknown }).name : undefined)).filter((name): name is string => typeof name === 'string' && name.length > 0);
}

/** The config spec the manifest declares (`spec.connection_specification`), when it is an object schema. */
export function connectionSpecification(manifest: Record<string, unknown> | undefined): JsonSchema | undefined {
  const spec = manifest?.['spec'];
  const schema = spec && typeof spec === 'object' ? (spec as { connection_specification?: unknown }).connection_specification : undefined;
  return schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as JsonSchema) : undefined;
}

/** Problems sorted by line (unplaced last), duplicates (same line and message) dropped. */
export function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line ?? ''}|${p.field ?? ''}|${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}
