import type { Catalog } from '../api/api-types';
import { defaultRows, rowProblems, rowsFromConnection, toStreamConfigs } from './stream-choices';

const catalog: Catalog = {
  streams: [
    {
      name: 'users',
      namespace: 'public',
      json_schema: { type: 'object', properties: { id: { type: 'integer' }, email: { type: ['string', 'null'] }, updated_at: { type: ['string', 'null'], format: 'date-time' }, tags: { type: 'array' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      default_cursor_field: ['updated_at'],
      source_defined_primary_key: [['id']],
    },
    { name: 'events', json_schema: { type: 'object', properties: { payload: { type: 'object' }, at: { type: 'string' } } }, supported_sync_modes: ['full_refresh'] },
  ],
};

describe('stream choices', () => {
  it('offers only the modes both sides support and fields that can be cursor or key', () => {
    const [users, events] = defaultRows(catalog, ['overwrite', 'append', 'append_dedup']);
    expect(users).toMatchObject({ selected: true, syncMode: 'incremental_append_dedup', cursorField: 'updated_at', primaryKey: ['id'] });
    expect(users!.options.cursorCandidates).toEqual(['id', 'email', 'updated_at']);
    expect(users!.options.primaryKeyCandidates).toEqual(['id', 'email', 'updated_at']);
    expect(events!.options.syncModes).toEqual(['full_refresh_overwrite', 'full_refresh_append']);
    expect(defaultRows(catalog, ['overwrite', 'append'])[0]!.syncMode).toBe('incremental_append');
  });

  it('turns rows into the streams of a connection, keeping cursor and key among selected fields', () => {
    const rows = defaultRows(catalog, ['overwrite', 'append', 'append_dedup']);
    rows[0] = { ...rows[0]!, selectedFields: ['email'] };
    rows[1] = { ...rows[1]!, selected: false };
    expect(toStreamConfigs(rows)).toEqual([
      { name: 'users', namespace: 'public', selected: true, syncMode: 'incremental_append_dedup', cursorField: ['updated_at'], selectedFields: ['email', 'updated_at', 'id'] },
      { name: 'events', selected: false, syncMode: 'full_refresh_overwrite' },
    ]);
  });

  it('reports what is missing and reads back a connection', () => {
    const [users] = defaultRows(catalog, ['overwrite', 'append', 'append_dedup']);
    expect(rowProblems({ ...users!, cursorField: '' })).toEqual({ cursorField: 'choose a cursor field' });
    const rows = rowsFromConnection(catalog, ['overwrite', 'append', 'append_dedup'], [{ name: 'users', namespace: 'public', selected: true, syncMode: 'full_refresh_append' }]);
    expect(rows.map((r) => [r.name, r.selected, r.syncMode])).toEqual([
      ['users', true, 'full_refresh_append'],
      ['events', false, 'full_refresh_overwrite'],
    ]);
  });
});
