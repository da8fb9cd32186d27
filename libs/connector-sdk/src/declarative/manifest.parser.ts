// Where a manifest enters: YAML text or an object is parsed, validated against the manifest schema
// and checked for what a schema cannot say (stream names unique, parents exist without cycles,
// the check stream exists). Problems come back as issues naming the field, for a 400 or a
// ConfigError; inside, the runtime trusts the DeclarativeManifest type.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { assertValidSchema, formatIssues, validateAgainstSchema, type ValidationIssue } from '@tributary/protocol';
import { ConfigError } from '../errors';
import { DECLARATIVE_MANIFEST_SCHEMA } from './manifest.schema';
import type { DeclarativeManifest, StreamDefinition } from './manifest.types';

/** A manifest that cannot run: every issue names its field (`streams[0].pagination.page_size`). */
export class ManifestError extends ConfigError {
  constructor(readonly issues: ValidationIssue[]) {
    super(`invalid manifest: ${formatIssues(issues)}`);
    this.name = 'ManifestError';
  }
}

/** Parses YAML (or JSON) text, or takes an object, and validates it; throws ManifestError. */
export function parseManifest(input: unknown): DeclarativeManifest {
  const issues = manifestIssues(input);
  if (issues.length) throw new ManifestError(issues);
  return (typeof input === 'string' ? parseYaml(input) : input) as DeclarativeManifest;
}

/** The problems of a manifest, [] when it is valid. */
export function manifestIssues(input: unknown): ValidationIssue[] {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = parseYaml(input);
    } catch (error) {
      const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
      return [{ field: '', message: `is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}` }];
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ field: '', message: 'must be a YAML mapping (an object) with version, spec, base_url and streams' }];
  const issues = validateAgainstSchema(DECLARATIVE_MANIFEST_SCHEMA, value);
  if (issues.length) return issues;
  return semanticIssues(value as DeclarativeManifest);
}

function semanticIssues(manifest: DeclarativeManifest): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  try {
    assertValidSchema(manifest.spec.connection_specification);
  } catch (error) {
    issues.push({ field: 'spec.connection_specification', message: (error as Error).message });
  }
  const byName = new Map<string, number>();
  manifest.streams.forEach((stream, index) => {
    if (byName.has(stream.name)) issues.push({ field: `streams[${index}].name`, message: `"${stream.name}" is already the name of streams[${byName.get(stream.name)}]` });
    else byName.set(stream.name, index);
  });
  manifest.streams.forEach((stream, index) => {
    const at = `streams[${index}]`;
    if (stream.parent) {
      if (stream.parent.stream === stream.name) issues.push({ field: `${at}.parent.stream`, message: 'a stream cannot be its own parent' });
      else if (!byName.has(stream.parent.stream)) issues.push({ field: `${at}.parent.stream`, message: `no stream is named "${stream.parent.stream}" (streams: ${[...byName.keys()].join(', ')})` });
      else if (ancestry(manifest.streams, stream).includes(stream.name)) issues.push({ field: `${at}.parent.stream`, message: `parents form a cycle: ${[stream.name, ...ancestry(manifest.streams, stream)].join(' → ')}` });
    }
    const pagination = stream.pagination;
    if (pagination?.type === 'cursor') {
      const sources = [pagination.cursor_path, pagination.cursor_header, pagination.cursor_record_field].filter((v) => v !== undefined);
      if (sources.length !== 1) issues.push({ field: `${at}.pagination`, message: 'a cursor paginator needs exactly one of cursor_path, cursor_header, cursor_record_field' });
    }
    if (stream.schema) {
      try {
        assertValidSchema(stream.schema);
      } catch (error) {
        issues.push({ field: `${at}.schema`, message: (error as Error).message });
      }
    }
  });
  if (manifest.check && !byName.has(manifest.check.stream)) issues.push({ field: 'check.stream', message: `no stream is named "${manifest.check.stream}"` });
  return issues;
}

/** Names of the stream's ancestors, nearest first; stops at a repeat (a cycle). */
function ancestry(streams: StreamDefinition[], stream: StreamDefinition): string[] {
  const names: string[] = [];
  let current: StreamDefinition | undefined = stream;
  while (current?.parent && !names.includes(current.parent.stream)) {
    names.push(current.parent.stream);
    current = streams.find((s) => s.name === current!.parent!.stream);
  }
  return names;
}
