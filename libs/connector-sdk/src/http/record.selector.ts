// Where the records are in a response body: a path of field names (`data.items`), with `*` to
// descend into every element of an array (`results.*.rows`). An array at the path yields its
// elements; an object yields itself; nothing there yields no records.
export type RecordPath = string | readonly string[];

export function parseRecordPath(path: RecordPath | undefined): string[] {
  if (path === undefined) return [];
  if (typeof path !== 'string') return [...path];
  return path === '' ? [] : path.split('.');
}

export function selectRecords(body: unknown, path?: RecordPath): unknown[] {
  const out: unknown[] = [];
  collect(body, parseRecordPath(path), 0, out);
  return out;
}

/** The value at a path (no wildcards), or undefined: for cursors and next links in a body. */
export function valueAtPath(body: unknown, path: RecordPath): unknown {
  let current = body;
  for (const part of parseRecordPath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function collect(value: unknown, parts: readonly string[], index: number, out: unknown[]): void {
  if (value === undefined || value === null) return;
  if (index === parts.length) {
    if (Array.isArray(value)) out.push(...value.filter((item) => item !== null && item !== undefined));
    else out.push(value);
    return;
  }
  const part = parts[index]!;
  if (part === '*') {
    if (Array.isArray(value)) for (const item of value) collect(item, parts, index + 1, out);
    else if (typeof value === 'object') for (const item of Object.values(value)) collect(item, parts, index + 1, out);
    return;
  }
  if (typeof value === 'object' && !Array.isArray(value)) collect((value as Record<string, unknown>)[part], parts, index + 1, out);
}
