// Rows as file destinations write them: the record's data plus the metadata columns every
// destination table carries (DESIGN §4). This is the hot path, hence Object.assign (an object
// spread with extra keys is several times slower in V8) and one ISO string per emitted_at, which a
// whole batch shares.
import { randomUUID } from 'node:crypto';
import type { RecordMessage } from '@tributary/protocol';
import { SystemError } from '../errors';
import { EXTRACTED_AT_COLUMN, RAW_ID_COLUMN, SYNC_ID_COLUMN } from './column-plan';

export function rowBuilder(syncId: string): (message: RecordMessage) => Record<string, unknown> {
  let lastEmittedAt = Number.NaN;
  let extractedAt = '';
  return (message) => {
    const { data, emitted_at: emittedAt, stream } = message.record;
    if (emittedAt !== lastEmittedAt) {
      if (!Number.isFinite(emittedAt)) throw new SystemError(`A record of stream "${stream}" has no valid emitted_at (${String(emittedAt)}).`);
      extractedAt = new Date(emittedAt).toISOString();
      lastEmittedAt = emittedAt;
    }
    const row: Record<string, unknown> = Object.assign({}, data);
    row[RAW_ID_COLUMN] = randomUUID();
    row[EXTRACTED_AT_COLUMN] = extractedAt;
    row[SYNC_ID_COLUMN] = syncId;
    return row;
  };
}
