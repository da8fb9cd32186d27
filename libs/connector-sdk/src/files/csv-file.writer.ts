// CSV (RFC 4180): a header row with the column names, then one line per record, fields separated
// by commas and quoted when they hold a comma, quote, CR or LF (quotes doubled). null and missing
// values are empty fields; objects and arrays are JSON; bytes are base64; the rest is its text.
import type { Column } from './column-plan';
import { replaceBytes } from './jsonl-file.writer';
import { LineFileWriter } from './line-file.writer';
import type { ObjectSink } from './object-store';
import type { RecordFileWriter } from './record-file.writer';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  else if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value, replaceBytes);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function createCsvFileWriter(sink: ObjectSink, columns: Column[]): RecordFileWriter {
  const names = columns.map((c) => c.name);
  const wholeRecord = columns.map((c) => c.source === 'record');
  const encodeLine = (row: Record<string, unknown>): string => {
    let line = '';
    for (let i = 0; i < names.length; i++) {
      if (i > 0) line += ',';
      line += csvField(wholeRecord[i] ? dataOf(row) : row[names[i]!]);
    }
    return `${line}\r\n`;
  };
  return new LineFileWriter(sink, encodeLine, `${names.map(csvField).join(',')}\r\n`);
}

/** The record's own fields, without the metadata columns (for schemaless streams). */
export function dataOf(row: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key in row) if (!key.startsWith('_tributary_')) data[key] = row[key];
  return data;
}
