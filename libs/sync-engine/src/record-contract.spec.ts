import { ConnectorError } from '@tributary/connector-sdk';
import type { JsonObject } from '@tributary/protocol';
import { compileContract } from './record-contract';

const schema: JsonObject = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    score: { type: ['null', 'integer'] },
    seen_at: { type: ['null', 'string'], format: 'date-time' },
    name: { type: 'string' },
  },
};

describe('compileContract', () => {
  it('checks nothing when every column evolves', () => {
    expect(compileContract('items', schema, undefined)).toBeNull();
    expect(compileContract('items', schema, { default: 'evolve' })).toBeNull();
  });

  it('lets fitting rows through unchanged, including exact numbers carried as text and nulls where allowed', () => {
    const check = compileContract('items', schema, { default: 'discard_row' })!;
    const row = { id: '9007199254740993', score: null, seen_at: '2026-01-02T03:04:05.123+02:00', name: 'x' };
    expect(check(row)).toEqual({ data: row });
  });

  it('takes NaN and ±Infinity, which travel as text, as numbers', () => {
    const check = compileContract('items', { type: 'object', properties: { r: { type: ['null', 'number'], format: 'double' } } }, { default: 'freeze' })!;
    for (const r of ['NaN', 'Infinity', '-Infinity', '1e20', '-0.5']) expect(check({ r })).toEqual({ data: { r } });
    expect(() => check({ r: 'nan' })).toThrow('column r: "nan" is not of type number');
  });

  it('sends a whole row to quarantine under discard_row, naming the column and why', () => {
    const check = compileContract('items', schema, { default: 'evolve', columns: { score: 'discard_row' } })!;
    const row = { id: 1, score: 'high', name: 'x' };
    expect(check(row)).toEqual({ quarantined: { record: row, column: 'score', reason: 'column score: "high" is not of type integer', contract: 'discard_row' } });
  });

  it('nulls the value and quarantines the original under discard_value', () => {
    const check = compileContract('items', schema, { default: 'discard_value' })!;
    const row = { id: 1, score: 3, seen_at: 'yesterday', name: 'x' };
    const outcome = check(row);
    expect(outcome.data).toEqual({ id: 1, score: 3, seen_at: null, name: 'x' });
    expect(outcome.quarantined).toEqual({ record: row, column: 'seen_at', reason: 'column seen_at: "yesterday" is not a date-time', contract: 'discard_value' });
    expect(row.seen_at).toBe('yesterday');
  });

  it('fails the sync with a config error under freeze', () => {
    const check = compileContract('items', schema, { default: 'freeze' })!;
    expect(() => check({ id: 1.5, name: 'x' })).toThrow(ConnectorError);
    expect(() => check({ id: 1.5, name: 'x' })).toThrow('stream items, column id: 1.5 is not of type integer, and the column\'s contract is freeze');
  });

  it('treats null in a non-null column as a misfit', () => {
    const check = compileContract('items', schema, { default: 'discard_row' })!;
    expect(check({ id: 1, name: null }).quarantined?.reason).toBe('column name: null in a non-null column');
  });
});
