// JSON Lines (https://jsonlines.org): one JSON object per line. JSON.stringify escapes line breaks
// inside strings, so a newline always ends a row. Binary values (bytes) are written as base64.
import type { ObjectSink } from './object-store';
import { LineFileWriter } from './line-file.writer';
import type { RecordFileWriter } from './record-file.writer';

export function createJsonlFileWriter(sink: ObjectSink): RecordFileWriter {
  return new LineFileWriter(sink, (row) => `${JSON.stringify(row, replaceBytes)}\n`);
}

/** Bytes (Buffer, Uint8Array) become base64 text; Buffer's own toJSON would give an array of numbers. */
export function replaceBytes(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  return value;
}

