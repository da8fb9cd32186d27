// Where a file destination puts each part: a path template such as
// `{namespace}/{stream}/{yyyy}/{mm}/{dd}/{sync_id}-{part}.{ext}`, rendered per stream, sync and part.
// Names become single path segments (characters object stores and file systems treat specially,
// and `%`, are percent-encoded, as is a leading dot), so a stream called `../x` or `a/b` can
// neither escape the destination nor nest. A segment that renders empty (no namespace) is dropped.
//
// The leading segments that depend only on the stream (`{namespace}/{stream}`) are the stream's
// root: its manifest lives at `<root>/_tributary/manifest.json`.
import type { StreamDescriptor } from '@tributary/protocol';
import { ConfigError, SystemError } from '../errors';

export const PLACEHOLDERS = ['namespace', 'stream', 'yyyy', 'mm', 'dd', 'hh', 'date', 'sync_id', 'part', 'ext', 'format'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const STREAM_PLACEHOLDERS = new Set<Placeholder>(['namespace', 'stream']);
const UNSAFE_CHARACTERS = new Set([...'/\\:*?"<>|%#{}^[]`~']);
const PART_DIGITS = 5;

/** The manifest's location under a stream root. */
export const MANIFEST_DIRECTORY = '_tributary';
export const MANIFEST_NAME = 'manifest.json';

function encodeCharacter(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** One safe path segment for a name (stream, namespace, sync id). */
export function pathSegment(name: string): string {
  if (name.length === 0) throw new SystemError('A stream, namespace or sync id is empty and cannot name a file or directory.');
  let encoded = '';
  for (const c of name) encoded += UNSAFE_CHARACTERS.has(c) || c.charCodeAt(0) < 0x20 || c === '\u007f' ? encodeCharacter(c) : c;
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}

export interface PathValues {
  stream: StreamDescriptor;
  syncId: string;
  /** When the sync started writing the stream: fixes the date placeholders for every attempt. */
  startedAt: Date;
  part: number;
  extension: string;
  format: string;
}

type Token = { literal: string } | { placeholder: Placeholder };

/** A parsed, validated template; render() is cheap and pure. */
export class PathTemplate {
  private readonly segments: Token[][];
  /** How many leading segments make up the stream root. */
  private readonly rootSegments: number;

  constructor(readonly source: string) {
    const text = source.trim().replace(/^\/+/, '');
    if (text.length === 0) throw new ConfigError('path_template is empty.');
    this.segments = text.split('/').map((segment, index) => {
      if (segment.length === 0 || segment === '.' || segment === '..') {
        throw new ConfigError(`path_template "${source}" has an empty, "." or ".." segment at position ${index + 1}.`);
      }
      return tokenize(segment, source);
    });
    const used = new Set(this.segments.flat().flatMap((t) => ('placeholder' in t ? [t.placeholder] : [])));
    for (const required of ['stream', 'sync_id', 'part'] as const) {
      if (!used.has(required)) {
        throw new ConfigError(`path_template "${source}" must contain {${required}}: every stream, sync and part needs its own file name.`);
      }
    }
    let root = 0;
    while (root < this.segments.length - 1 && this.segments[root].every((t) => 'literal' in t || STREAM_PLACEHOLDERS.has(t.placeholder))) root++;
    if (!this.segments.slice(0, root).flat().some((t) => 'placeholder' in t && t.placeholder === 'stream')) {
      throw new ConfigError(
        `path_template "${source}" must start with the stream's directory (e.g. "{namespace}/{stream}/…"): each stream keeps its manifest there.`,
      );
    }
    this.rootSegments = root;
  }

  /** The part's path, relative to the destination root, with `/` separators. */
  render(values: PathValues): string {
    return this.renderSegments(this.segments, values);
  }

  /** The stream's root directory (relative), where `_tributary/manifest.json` lives. */
  streamRoot(stream: StreamDescriptor): string {
    return this.renderSegments(this.segments.slice(0, this.rootSegments), { stream, syncId: '-', startedAt: new Date(0), part: 0, extension: '', format: '' });
  }

  manifestPath(stream: StreamDescriptor): string {
    return `${this.streamRoot(stream)}/${MANIFEST_DIRECTORY}/${MANIFEST_NAME}`;
  }

  private renderSegments(segments: Token[][], values: PathValues): string {
    const out: string[] = [];
    for (const segment of segments) {
      let text = '';
      for (const token of segment) text += 'literal' in token ? token.literal : placeholderValue(token.placeholder, values);
      if (text.length > 0) out.push(text);
    }
    return out.join('/');
  }
}

function tokenize(segment: string, source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let last = 0;
  for (let match = pattern.exec(segment); match; match = pattern.exec(segment)) {
    if (match.index > last) tokens.push({ literal: literal(segment.slice(last, match.index), source) });
    const name = match[1] as Placeholder;
    if (!PLACEHOLDERS.includes(name)) {
      throw new ConfigError(`path_template "${source}" uses the unknown placeholder {${match[1]}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`);
    }
    tokens.push({ placeholder: name });
    last = match.index + match[0].length;
  }
  if (last < segment.length) tokens.push({ literal: literal(segment.slice(last), source) });
  return tokens;
}

function literal(text: string, source: string): string {
  if (/[{}\\]/.test(text)) throw new ConfigError(`path_template "${source}" has a stray brace or backslash in "${text}".`);
  return text;
}

const pad = (value: number, digits = 2) => String(value).padStart(digits, '0');

function placeholderValue(placeholder: Placeholder, values: PathValues): string {
  const at = values.startedAt;
  switch (placeholder) {
    case 'namespace':
      return values.stream.namespace ? pathSegment(values.stream.namespace) : '';
    case 'stream':
      return pathSegment(values.stream.name);
    case 'yyyy':
      return pad(at.getUTCFullYear(), 4);
    case 'mm':
      return pad(at.getUTCMonth() + 1);
    case 'dd':
      return pad(at.getUTCDate());
    case 'hh':
      return pad(at.getUTCHours());
    case 'date':
      return `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
    case 'sync_id':
      return pathSegment(values.syncId);
    case 'part':
      return pad(values.part, PART_DIGITS);
    case 'ext':
      return values.extension;
    case 'format':
      return values.format;
  }
}
