// Turns one file into rows: CSV (csv-parse, any text encoding), JSON Lines, a JSON array, or
// Parquet (a row group at a time, through the SDK's reader). `.gz` files are gunzipped on the fly.
// A row that cannot be parsed is yielded as malformed — with its line (CSV, JSON Lines), position
// (JSON array) or row number (Parquet) and the reason — instead of ending the file.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { readParquetFile } from '@tributary/connector-sdk/files';
import type { JsonObject } from '@tributary/protocol';
import type { CsvOptions, FileFormat } from './file-source.config';
import type { FileEntry } from './file.locator';

export type FileRow = { line: number; data: Record<string, unknown> } | { line: number; malformed: string; raw?: string };

export interface FileRows {
  /** The file's own schema (Parquet only). */
  schema?: JsonObject;
  /** Whether values are text to be typed by the schema (CSV) or typed already (JSON, Parquet). */
  textValues: boolean;
  rows: AsyncGenerator<FileRow>;
}

const MAX_RAW_CHARS = 2000;

export async function readFileRows(file: FileEntry, format: FileFormat, csv: CsvOptions): Promise<FileRows> {
  if (format === 'parquet') return readParquet(file);
  let bytes: Readable = await file.open();
  if (/\.gz$/i.test(file.uri)) bytes = bytes.pipe(createGunzip());
  const text = bytes.pipe(decoder(format === 'csv' ? csv.encoding : 'utf-8'));
  switch (format) {
    case 'csv':
      return { textValues: true, rows: csvRows(text, csv) };
    case 'jsonl':
      return { textValues: false, rows: jsonLines(text) };
    case 'json':
      return { textValues: false, rows: jsonArray(text) };
  }
}

/** Bytes in, text out, in any WHATWG encoding (Node's own encodings stop at utf-8/latin1/utf-16le). */
function decoder(encoding: string): Transform {
  const textDecoder = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    decodeStrings: false,
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, textDecoder.decode(chunk, { stream: true }));
    },
    flush(callback) {
      callback(null, textDecoder.decode());
    },
  });
}

async function* csvRows(text: Readable, options: CsvOptions): AsyncGenerator<FileRow> {
  const skipped: FileRow[] = [];
  const parser = parseCsv({
    delimiter: options.delimiter,
    quote: options.quote || false,
    escape: options.escape || options.quote || '"',
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: { message: string; lines?: number; raw?: string } | undefined, raw?: string) => {
      if (error) skipped.push({ line: error.lines ?? 0, malformed: error.message, raw: (raw ?? error.raw)?.slice(0, MAX_RAW_CHARS) });
    },
  } as never);
  text.pipe(parser);
  text.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length > 0) yield skipped.shift()!;
    if (!header) {
      if (options.header) {
        header = record.map((name, index) => name.trim() || `column_${index + 1}`);
        continue;
      }
      header = record.map((_, index) => `column_${index + 1}`);
    }
    if (record.length !== header.length) {
      yield { line: info.lines, malformed: `expected ${header.length} fields, found ${record.length}`, raw: record.join(options.delimiter).slice(0, MAX_RAW_CHARS) };
      continue;
    }
    const data: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) data[header[i]] = record[i];
    yield { line: info.lines, data };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}

async function* jsonLines(text: Readable): AsyncGenerator<FileRow> {
  let line = 0;
  for await (const content of createInterface({ input: text, crlfDelay: Infinity })) {
    line++;
    if (content.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      yield { line, malformed: `invalid JSON: ${(error as Error).message}`, raw: content.slice(0, MAX_RAW_CHARS) };
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) yield { line, malformed: 'not a JSON object', raw: content.slice(0, MAX_RAW_CHARS) };
    else yield { line, data: value as Record<string, unknown> };
  }
}

/** A JSON array is parsed whole (so its size is bounded by memory); `line` is the element's position. */
async function* jsonArray(text: Readable): AsyncGenerator<FileRow> {
  let content = '';
  for await (const chunk of text) content += chunk as string;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    yield { line: 0, malformed: `the file is not valid JSON: ${(error as Error).message}`, raw: content.slice(0, MAX_RAW_CHARS) };
    return;
  }
  if (!Array.isArray(value)) {
    yield { line: 0, malformed: 'the file is not a JSON array of objects', raw: content.slice(0, MAX_RAW_CHARS) };
    return;
  }
  for (let index = 0; index < value.length; index++) {
    const element: unknown = value[index];
    if (!element || typeof element !== 'object' || Array.isArray(element)) yield { line: index + 1, malformed: 'array element is not a JSON object', raw: JSON.stringify(element)?.slice(0, MAX_RAW_CHARS) };
    else yield { line: index + 1, data: element as Record<string, unknown> };
  }
}

/** Parquet needs random access: a remote file is copied to a temp file first, removed afterwards. */
async function readParquet(file: FileEntry): Promise<FileRows> {
  let path = file.localPath;
  let temporary: string | undefined;
  if (!path) {
    temporary = await mkdtemp(join(tmpdir(), 'tributary-source-file-'));
    path = join(temporary, 'file.parquet');
    await pipeline(await file.open(), createWriteStream(path));
  }
  try {
    const { schema, rows } = await readParquetFile(path);
    async function* numbered(): AsyncGenerator<FileRow> {
      try {
        let line = 0;
        for await (const data of rows) yield { line: ++line, data };
      } finally {
        if (temporary) await rm(temporary, { recursive: true, force: true });
      }
    }
    return { schema, textValues: false, rows: numbered() };
  } catch (error) {
    if (temporary) await rm(temporary, { recursive: true, force: true });
    async function* broken(): AsyncGenerator<FileRow> {
      yield { line: 0, malformed: `not a readable Parquet file: ${(error as Error).message ?? String(error)}` };
    }
    return { textValues: false, rows: broken() };
  }
}
