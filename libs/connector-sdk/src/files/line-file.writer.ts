// Text formats made of one line per row (JSON Lines, CSV): rows are encoded into strings as they
// arrive and handed to the sink in large UTF-8 chunks. The format is just its line encoder.
import type { ObjectSink } from './object-store';
import type { RecordFileWriter } from './record-file.writer';

export class LineFileWriter implements RecordFileWriter {
  private chunks: string[] = [];
  private chars = 0;
  rows = 0;

  constructor(
    private readonly sink: ObjectSink,
    private readonly encodeLine: (row: Record<string, unknown>) => string,
    header?: string,
  ) {
    if (header) {
      this.chunks.push(header);
      this.chars = header.length;
    }
  }

  get pendingBytes(): number {
    return this.chars;
  }

  get bytes(): number {
    return this.sink.bytes;
  }

  add(row: Record<string, unknown>): void {
    const line = this.encodeLine(row);
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
