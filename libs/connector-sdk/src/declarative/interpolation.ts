// `{{ config.api_key }}`, `{{ parent.id }}`, `{{ record.owner.login }}`: manifest strings refer to
// the user's config, the parent record of a partition and (in transformations) the record itself.
// Only paths are allowed — no expressions, so a manifest can never run code on a worker. A string
// that is a single `{{ ... }}` keeps the value's type (a number stays a number; a missing value is
// undefined, so an optional parameter is simply not sent); inside a longer string a missing value
// is empty.
import { ConfigError } from '../errors';

export interface InterpolationContext {
  config: Record<string, unknown>;
  parent?: Record<string, unknown>;
  record?: Record<string, unknown>;
}

const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const ROOTS = new Set(['config', 'parent', 'record']);

export function interpolate(template: unknown, context: InterpolationContext, encode?: (value: string) => string): unknown {
  if (typeof template !== 'string' || !template.includes('{{')) return template;
  const whole = WHOLE.exec(template);
  if (whole) return lookup(whole[1]!, context, template);
  return template.replace(EXPRESSION, (_, expression: string) => {
    const value = lookup(expression, context, template);
    if (value === undefined || value === null) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return encode ? encode(text) : text;
  });
}

/** Interpolates a string that must produce text (a URL, a header). */
export function interpolateString(template: string, context: InterpolationContext, encode?: (value: string) => string): string {
  const value = interpolate(template, context, encode);
  return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Interpolates every string of a map; entries that come out undefined or empty are dropped. */
export function interpolateMap<T>(map: Record<string, T> | undefined, context: InterpolationContext): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, raw] of Object.entries(map ?? {})) {
    const value = interpolate(raw, context);
    if (value === undefined || value === null || value === '') continue;
    out[key] = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
  }
  return out;
}

/** Interpolates every string inside a JSON value (a request body, add_fields values). */
export function interpolateDeep(value: unknown, context: InterpolationContext): unknown {
  if (typeof value === 'string') return interpolate(value, context);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, context));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, context)]));
  return value;
}

function lookup(expression: string, context: InterpolationContext, template: string): unknown {
  const parts = parsePath(expression);
  if (!parts || !ROOTS.has(parts[0]!)) {
    throw new ConfigError(`cannot interpolate "${template}": only paths under config, parent or record are allowed (e.g. {{ config.api_key }})`);
  }
  let current: unknown = context[parts[0] as keyof InterpolationContext];
  for (const part of parts.slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** `a.b['c d'].e` → ['a', 'b', 'c d', 'e'], or undefined when it is not a path. */
function parsePath(expression: string): string[] | undefined {
  const parts: string[] = [];
  const pattern = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*(\d+)\s*\]/y;
  let index = 0;
  while (index < expression.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) return undefined;
    parts.push(match[1] ?? match[2] ?? match[3] ?? match[4]!);
    index = pattern.lastIndex;
  }
  return parts.length ? parts : undefined;
}
