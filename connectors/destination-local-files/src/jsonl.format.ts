// JSON Lines (https://jsonlines.org): one JSON object per line. JSON.stringify escapes line breaks
// inside strings, so a newline always ends a row and a file cut at a row boundary stays valid.
import type { RecordFormat } from './record.format';

export const JSONL_FORMAT: RecordFormat = {
  extension: 'jsonl',
  encode: (row) => `${JSON.stringify(row)}\n`,
};
