// JSON Lines (https://jsonlines.org): one JSON object per line. JSON.stringify escapes line breaks
// inside strings, so a newline always ends a row. Binary values (bytes) are written as base64.
import type { ObjectSink } from './object-store';
import type { RecordFileWriter } from './record-file.writer';


export class JsonlFileWriter implements RecordFileWriter {
  private chunks: string[] = [];
  private chars = 0;
  rows = 0;

  constructor(private readonly sink: ObjectSink) {}

  get pendingBytes(): number {
    return this.chars;
  }

  get bytes(): number {
    return this.sink.bytes;
  }

  add(row: Record<string, unknown>): void {
    const line = `${JSON.stringify(row, replaceBytes)}\n`;
    this.chunks.push(line);
    this.chars += line.length;
    this.rows++;
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const data = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.chars = 0;
    await this.sink.write(data);
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.sink.close();
  }

  abort(): Promise<void> {
    this.chunks = [];
    return this.sink.abort();
  }
}

/** Bytes (Buffer, Uint8Array) become base64 text; Buffer's own toJSON would give an array of numbers. */
export function replaceBytes(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  return value;
}

