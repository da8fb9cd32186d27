import { columnKind, columnTypeFor, widenedType } from './column.type';

describe('columnTypeFor', () => {
  it.each([
    [{ type: 'integer' }, 'bigint'],
    [{ type: ['integer', 'null'], format: 'int16' }, 'smallint'],
    [{ type: 'integer', format: 'int32' }, 'integer'],
    [{ type: ['string', 'null'], format: 'decimal', precision: 12, scale: 2 }, 'numeric(12,2)'],
    [{ type: 'string', format: 'decimal' }, 'numeric'],
    [{ type: 'number' }, 'double precision'],
    [{ type: 'number', format: 'float' }, 'real'],
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'string' }, 'text'],
    [{ type: 'string', maxLength: 20 }, 'character varying(20)'],
    [{ type: 'string', format: 'uuid' }, 'uuid'],
    [{ type: 'string', format: 'date' }, 'date'],
    [{ type: 'string', format: 'time' }, 'time without time zone'],
    [{ type: 'string', format: 'time', airbyte_type: 'time_with_timezone' }, 'time with time zone'],
    [{ type: 'string', format: 'date-time' }, 'timestamp with time zone'],
    [{ type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' }, 'timestamp without time zone'],
    [{ type: 'string', format: 'duration' }, 'interval'],
    [{ type: 'string', contentEncoding: 'base64' }, 'bytea'],
    [{ type: 'object' }, 'jsonb'],
    [{ format: 'json' }, 'jsonb'],
    [{}, 'jsonb'],
    [{ type: ['string', 'integer'] }, 'jsonb'],
    [{ type: ['integer', 'string', 'null'], format: 'int64' }, 'bigint'],
    [{ type: 'array', items: { type: 'integer', format: 'int32' } }, 'integer[]'],
    [{ type: 'array', items: { type: 'array', items: { type: 'integer' } } }, 'jsonb'],
    [{ type: 'array' }, 'jsonb'],
  ])('%j → %s', (schema, expected) => {
    expect(columnTypeFor(schema as never)).toBe(expected);
  });
});

describe('widenedType', () => {
  it.each([
    ['integer', 'integer', undefined],
    ['integer', 'bigint', 'bigint'],
    ['bigint', 'integer', undefined],
    ['bigint', 'numeric', 'numeric'],
    ['bigint', 'double precision', 'numeric'],
    ['numeric', 'bigint', undefined],
    ['numeric(10,2)', 'numeric(12,4)', 'numeric(12,4)'],
    ['numeric(10,2)', 'numeric(5,2)', undefined],
    ['numeric(10,2)', 'bigint', 'numeric'],
    ['real', 'double precision', 'double precision'],
    ['character varying(10)', 'character varying(20)', 'character varying(20)'],
    ['character varying(20)', 'character varying(10)', undefined],
    ['character varying(20)', 'text', 'text'],
    ['text', 'integer', undefined],
    ['date', 'timestamp with time zone', 'timestamp with time zone'],
    ['boolean', 'bigint', 'text'],
    ['jsonb', 'text', undefined],
    ['integer[]', 'jsonb', 'jsonb'],
  ])('%s with %s → %s', (existing, wanted, expected) => {
    expect(widenedType(existing, wanted)).toBe(expected);
  });

  it('knows how each column type is encoded', () => {
    expect(columnKind('jsonb')).toBe('json');
    expect(columnKind('bytea')).toBe('bytea');
    expect(columnKind('text[]')).toBe('array');
    expect(columnKind('numeric(3,1)')).toBe('scalar');
  });
});
