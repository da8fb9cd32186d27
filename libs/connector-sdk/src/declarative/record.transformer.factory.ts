// transformations → one function applied to each record, in the manifest's order: add, remove and
// rename fields (dotted paths reach into nested objects), flatten nested objects to a depth. Without
// a flatten step nested JSON is kept as is.
import { flattenRecord } from '../http/record.flattener';
import { type InterpolationContext, interpolateDeep } from './interpolation';
import type { TransformationDefinition } from './manifest.types';

export type RecordTransformer = (record: Record<string, unknown>, parent?: Record<string, unknown>) => Record<string, unknown>;

export function createRecordTransformer(definitions: TransformationDefinition[] | undefined, config: Record<string, unknown>): RecordTransformer {
  const steps = (definitions ?? []).map((definition) => createStep(definition, config));
  return (record, parent) => steps.reduce((current, step) => step(current, parent), record);
}

function createStep(definition: TransformationDefinition, config: Record<string, unknown>): RecordTransformer {
  switch (definition.type) {
    case 'add_fields':
      return (record, parent) => {
        const context: InterpolationContext = { config, parent, record };
        const out = structuredClone(record);
        for (const [path, value] of Object.entries(definition.fields)) setPath(out, path, interpolateDeep(value, context));
        return out;
      };
    case 'remove_fields':
      return (record) => {
        const out = structuredClone(record);
        for (const path of definition.fields) removePath(out, path);
        return out;
      };
    case 'rename_fields':
      return (record) => {
        const out = structuredClone(record);
        for (const [from, to] of Object.entries(definition.fields)) {
          const value = getPath(out, from);
          if (value === undefined) continue;
          removePath(out, from);
          setPath(out, to, value);
        }
        return out;
      };
    case 'flatten':
      return (record) => flattenRecord(record, { maxDepth: definition.depth ?? Number.POSITIVE_INFINITY, separator: definition.separator });
  }
}

function segments(path: string): string[] {
  return path.split('.');
}

function getPath(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const part of segments(path)) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const parts = segments(path);
  let current = record;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts.at(-1)!] = value;
}

function removePath(record: Record<string, unknown>, path: string): void {
  const parts = segments(path);
  const holder = parts.length === 1 ? record : getPath(record, parts.slice(0, -1).join('.'));
  if (holder && typeof holder === 'object' && !Array.isArray(holder)) delete (holder as Record<string, unknown>)[parts.at(-1)!];
}
