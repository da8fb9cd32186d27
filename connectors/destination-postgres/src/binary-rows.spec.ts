import type { ChunkColumnType } from '@tributary/protocol';
import { binaryMetadataSuffix, binaryRowsGrowth, binaryTransforms, writeBinaryRows, type BinaryFieldTransform } from './binary-rows';

const type = (typeName: string, typeKind = 'b'): ChunkColumnType => ({ typeName, typmod: -1, typeKind });

/** One binary COPY tuple of the given fields (undefined: NULL). */
function tuple(...fields: (Buffer | undefined)[]): Buffer {
  const parts = [Buffer.from([fields.length >> 8, fields.length & 255])];
  for (const field of fields) {
    const length = Buffer.alloc(4);
    length.writeInt32BE(field ? field.length : -1);
    parts.push(length, ...(field ? [field] : []));
  }
  return Buffer.concat(parts);
}

const int2 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const int4 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int8 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b; };

/** The fields of each tuple of `data`, as buffers (undefined: NULL). */
function fieldsOf(data: Buffer): (Buffer | undefined)[][] {
  const rows: (Buffer | undefined)[][] = [];
  let p = 0;
  while (p < data.length) {
    const count = data.readInt16BE(p);
    p += 2;
    const row: (Buffer | undefined)[] = [];
    for (let f = 0; f < count; f++) {
      const length = data.readInt32BE(p);
      p += 4;
      row.push(length < 0 ? undefined : data.subarray(p, p + length));
      if (length > 0) p += length;
    }
    rows.push(row);
  }
  return rows;
}

function rewrite(data: Buffer, rows: number, transforms: BinaryFieldTransform[], suffix: Buffer): Buffer | undefined {
  const out = Buffer.alloc(data.length + binaryRowsGrowth(rows, transforms, suffix.length));
  const random = Buffer.alloc(rows * 16, 0xff);
  const written = writeBinaryRows(data, rows, transforms, suffix, random, out);
  return written === undefined ? undefined : out.subarray(0, written);
}

describe('binary rows', () => {
  it('sends values to columns of their own type as they are, widens integers and json, and refuses what would read differently', () => {
    expect(binaryTransforms([type('int4'), type('numeric'), type('varchar'), type('mood', 'e'), type('timestamptz'), type('_int4'), type('jsonb')], ['integer', 'numeric(12,2)', 'text', 'text', 'timestamp with time zone', 'integer[]', 'jsonb'])).toEqual({
      transforms: ['same', 'same', 'same', 'same', 'same', 'same', 'same'],
    });
    expect(binaryTransforms([type('int2'), type('int2'), type('int4'), type('json'), type('bpchar')], ['integer', 'bigint', 'bigint', 'jsonb', 'character varying(10)'])).toEqual({
      transforms: ['int2to4', 'int2to8', 'int4to8', 'jsonb', 'same'],
    });
    expect(binaryTransforms([type('float4')], ['double precision'])).toEqual({ mismatch: 'a float4 value goes into a double precision column' });
    expect(binaryTransforms([type('int8')], ['numeric'])).toEqual({ mismatch: 'a int8 value goes into a numeric column' });
    // An array names its element type: a varchar array does not read into a text array.
    expect(binaryTransforms([type('_varchar')], ['text[]'])).toEqual({ mismatch: 'a _varchar value goes into a text[] column' });
    expect(binaryTransforms([type('timestamp')], ['timestamp with time zone'])).toHaveProperty('mismatch');
  });

  it('appends the raw id and the metadata to every tuple, copying the values untouched', () => {
    const suffix = binaryMetadataSuffix(Date.UTC(2000, 0, 1, 0, 0, 1), 'sync-é', 7);
    const data = Buffer.concat([tuple(int4(1), Buffer.from('a'), undefined), tuple(int4(-2), Buffer.from(''), Buffer.from('{"x":1}'))]);
    const out = rewrite(data, 2, ['same', 'same', 'same'], suffix)!;
    const rows = fieldsOf(out);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toHaveLength(7);
      const id = row[3]!;
      expect(id).toHaveLength(16);
      expect(id[6]! >> 4).toBe(4); // version 4
      expect(id[8]! >> 6).toBe(2); // RFC 4122 variant
      expect(row[4]!.readBigInt64BE()).toBe(1_000_000n); // microseconds since 2000-01-01
      expect(row[5]!.toString('utf8')).toBe('sync-é');
      expect(row[6]!.readBigInt64BE()).toBe(7n);
    }
    expect(rows[0]!.slice(0, 3)).toEqual([int4(1), Buffer.from('a'), undefined]);
    expect(rows[1]!.slice(0, 3)).toEqual([int4(-2), Buffer.from(''), Buffer.from('{"x":1}')]);
  });

  it('widens smallint and integer values with their sign, prefixes json with the jsonb version, and keeps NULLs', () => {
    const suffix = binaryMetadataSuffix(Date.UTC(2024, 0, 1), 's', 1);
    const data = Buffer.concat([tuple(int2(-5), int2(300), int4(-2_000_000_000), Buffer.from('[1]')), tuple(undefined, undefined, undefined, undefined)]);
    const rows = fieldsOf(rewrite(data, 2, ['int2to4', 'int2to8', 'int4to8', 'jsonb'], suffix)!);
    expect(rows[0]!.slice(0, 4)).toEqual([int4(-5), int8(300n), int8(-2_000_000_000n), Buffer.from('\x01[1]', 'latin1')]);
    expect(rows[1]!.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('refuses data that is not exactly the announced tuples', () => {
    const suffix = binaryMetadataSuffix(Date.UTC(2024, 0, 1), 's', 1);
    const one = tuple(int4(1));
    expect(rewrite(one, 2, ['same'], suffix)).toBeUndefined();
    expect(rewrite(Buffer.concat([one, one]), 1, ['same'], suffix)).toBeUndefined();
    expect(rewrite(one.subarray(0, one.length - 1), 1, ['same'], suffix)).toBeUndefined();
    expect(rewrite(tuple(int4(1), int4(2)), 1, ['same'], suffix)).toBeUndefined();
    expect(rewrite(one, 1, ['int2to4'], suffix)).toBeUndefined();
  });
});
