import type { AirbyteCatalog, AirbyteStream, DestinationSyncMode } from './catalog';
import { configureCatalog, defaultSelection, type StreamSelection } from './configured-catalog';

const users: AirbyteStream = {
  name: 'users',
  namespace: 'public',
  json_schema: { type: 'object', properties: { id: { type: 'integer' }, email: { type: 'string' }, updated_at: { type: 'string' } } },
  supported_sync_modes: ['full_refresh', 'incremental'],
  default_cursor_field: ['updated_at'],
  source_defined_primary_key: [['id']],
};
const events: AirbyteStream = {
  name: 'events',
  json_schema: { type: 'object', properties: { event_id: { type: 'string' }, at: { type: 'string' }, payload: { type: 'object' } } },
  supported_sync_modes: ['full_refresh', 'incremental'],
};
const countries: AirbyteStream = {
  name: 'countries',
  json_schema: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
  supported_sync_modes: ['full_refresh'],
};
const orders: AirbyteStream = {
  name: 'orders',
  json_schema: { type: 'object', properties: { order_id: { type: 'integer' }, modified: { type: 'string' }, created: { type: 'string' } } },
  supported_sync_modes: ['incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['modified'],
  source_defined_primary_key: [['order_id']],
};
const catalog: AirbyteCatalog = { streams: [users, events, countries, orders] };
const ALL_MODES: DestinationSyncMode[] = ['overwrite', 'append', 'append_dedup'];

function selection(name: string, overrides: Partial<StreamSelection> = {}): StreamSelection {
  return { name, selected: true, syncMode: 'full_refresh_overwrite', ...overrides };
}

describe('configureCatalog', () => {
  it('turns valid choices into configured streams', () => {
    const result = configureCatalog(
      catalog,
      [
        selection('users', { namespace: 'public', syncMode: 'incremental_append_dedup' }),
        selection('events', { syncMode: 'incremental_append', cursorField: ['at'] }),
        selection('countries', { syncMode: 'full_refresh_append' }),
      ],
      ALL_MODES,
    );
    expect(result.issues).toEqual([]);
    expect(result.catalog.streams).toEqual([
      { stream: users, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: ['updated_at'], primary_key: [['id']] },
      { stream: events, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['at'] },
      { stream: countries, sync_mode: 'full_refresh', destination_sync_mode: 'append' },
    ]);
  });

  it('leaves unselected streams out without complaint', () => {
    const result = configureCatalog(catalog, [selection('countries'), selection('events', { selected: false, syncMode: 'incremental_append' })], ALL_MODES);
    expect(result.issues).toEqual([]);
    expect(result.catalog.streams.map((s) => s.stream.name)).toEqual(['countries']);
  });

  it('rejects a stream the source does not have, listing the known ones', () => {
    const result = configureCatalog(catalog, [selection('countries'), selection('nope')], ALL_MODES);
    expect(result.issues).toEqual([{ field: 'streams[1].name', message: 'the source has no stream "nope" (known: public.users, events, countries, orders)' }]);
    expect(result.catalog.streams.map((s) => s.stream.name)).toEqual(['countries']);
  });

  it('tells a namespaced stream from one of the same name without namespace', () => {
    const result = configureCatalog(catalog, [selection('users')], ALL_MODES);
    expect(result.issues).toEqual([{ field: 'streams[0].name', message: expect.stringContaining('the source has no stream "users"') }]);
  });

  it('rejects a stream listed twice', () => {
    const result = configureCatalog(catalog, [selection('countries'), selection('countries', { syncMode: 'full_refresh_append' })], ALL_MODES);
    expect(result.issues).toEqual([{ field: 'streams[1].name', message: 'stream "countries" is listed twice' }]);
    expect(result.catalog.streams).toHaveLength(1);
    expect(result.catalog.streams[0]!.destination_sync_mode).toBe('overwrite');
  });

  it('rejects a read mode the stream does not support', () => {
    expect(configureCatalog(catalog, [selection('countries', { syncMode: 'incremental_append', cursorField: ['code'] })], ALL_MODES).issues).toEqual([
      { field: 'streams[0].syncMode', message: 'stream "countries" does not support incremental reads' },
    ]);
    expect(configureCatalog(catalog, [selection('orders', { syncMode: 'full_refresh_overwrite' })], ALL_MODES).issues).toEqual([
      { field: 'streams[0].syncMode', message: 'stream "orders" does not support full refresh reads' },
    ]);
  });

  it('rejects a write mode the destination does not support, listing the supported ones', () => {
    const result = configureCatalog(catalog, [selection('countries'), selection('users', { namespace: 'public', syncMode: 'cdc' })], ['append']);
    expect(result.issues).toEqual([
      { field: 'streams[0].syncMode', message: 'the destination does not support overwrite (supported: append)' },
      { field: 'streams[1].syncMode', message: 'the destination does not support append dedup (supported: append)' },
    ]);
    expect(result.catalog.streams).toEqual([]);
  });

  it('asks for a cursor when an incremental stream has none', () => {
    expect(configureCatalog(catalog, [selection('events', { syncMode: 'incremental_append' })], ALL_MODES).issues).toEqual([
      { field: 'streams[0].cursorField', message: 'incremental sync of "events" needs a cursor field' },
    ]);
  });

  it('rejects a cursor that is not a field of the stream', () => {
    expect(configureCatalog(catalog, [selection('events', { syncMode: 'incremental_append', cursorField: ['seen_at'] })], ALL_MODES).issues).toEqual([
      { field: 'streams[0].cursorField', message: '"seen_at" is not a field of stream "events"' },
    ]);
  });

  it('needs a primary key to deduplicate, and one made of known fields', () => {
    expect(configureCatalog(catalog, [selection('events', { syncMode: 'incremental_append_dedup', cursorField: ['at'] })], ALL_MODES).issues).toEqual([
      { field: 'streams[0].primaryKey', message: 'deduplication of "events" needs a primary key' },
    ]);
    expect(
      configureCatalog(catalog, [selection('events', { syncMode: 'incremental_append_dedup', cursorField: ['at'], primaryKey: [['event_id'], ['uuid']] })], ALL_MODES).issues,
    ).toEqual([{ field: 'streams[0].primaryKey', message: '"uuid" is not a field of stream "events"' }]);
  });

  it('accepts a user-chosen primary key when the source defines none', () => {
    const result = configureCatalog(catalog, [selection('events', { syncMode: 'incremental_append_dedup', cursorField: ['at'], primaryKey: [['event_id']] })], ALL_MODES);
    expect(result.issues).toEqual([]);
    expect(result.catalog.streams[0]).toMatchObject({ cursor_field: ['at'], primary_key: [['event_id']] });
  });

  it('lets the user pick a cursor when the source does not define one', () => {
    const result = configureCatalog(catalog, [selection('users', { namespace: 'public', syncMode: 'incremental_append', cursorField: ['email'] })], ALL_MODES);
    expect(result.catalog.streams[0]!.cursor_field).toEqual(['email']);
  });

  it('keeps the source-defined primary key over the user choice', () => {
    const result = configureCatalog(
      catalog,
      [
        selection('orders', { syncMode: 'incremental_append_dedup', primaryKey: [['created']] }),
        selection('users', { namespace: 'public', syncMode: 'incremental_append_dedup', primaryKey: [['email']] }),
      ],
      ALL_MODES,
    );
    expect(result.issues).toEqual([]);
    expect(result.catalog.streams.map((s) => [s.stream.name, s.cursor_field, s.primary_key])).toEqual([
      ['orders', ['modified'], [['order_id']]],
      ['users', ['updated_at'], [['id']]],
    ]);
  });

  it('refuses a cursor other than the one the source defines, and accepts that one', () => {
    const refused = configureCatalog(catalog, [selection('orders', { syncMode: 'incremental_append', cursorField: ['created'] })], ALL_MODES);
    expect(refused.issues).toEqual([{ field: 'streams[0].cursorField', message: 'stream "orders" has a cursor defined by the source (modified); it cannot be changed' }]);
    const same = configureCatalog(catalog, [selection('orders', { syncMode: 'incremental_append', cursorField: ['modified'] })], ALL_MODES);
    expect(same.issues).toEqual([]);
  });

  it('gives a full refresh no cursor', () => {
    const result = configureCatalog(catalog, [selection('users', { namespace: 'public', syncMode: 'full_refresh_overwrite', cursorField: ['email'] })], ALL_MODES);
    expect(result.catalog.streams[0]).not.toHaveProperty('cursor_field');
  });
});

describe('defaultSelection', () => {
  it('picks incremental dedup when the stream has a cursor and a primary key and the destination can dedup', () => {
    expect(defaultSelection(users, ALL_MODES)).toEqual({
      name: 'users',
      namespace: 'public',
      selected: true,
      syncMode: 'incremental_append_dedup',
      cursorField: ['updated_at'],
      primaryKey: [['id']],
    });
  });

  it('falls back to incremental append when the destination cannot dedup', () => {
    expect(defaultSelection(users, ['overwrite', 'append'])).toMatchObject({ syncMode: 'incremental_append', cursorField: ['updated_at'] });
  });

  it('falls back to incremental append when the stream has no primary key', () => {
    const noKey: AirbyteStream = { ...users, source_defined_primary_key: undefined };
    const chosen = defaultSelection(noKey, ALL_MODES);
    expect(chosen).toMatchObject({ syncMode: 'incremental_append', cursorField: ['updated_at'] });
    expect(chosen).not.toHaveProperty('primaryKey');
  });

  it('picks full refresh overwrite when the destination can only overwrite', () => {
    const chosen = defaultSelection(users, ['overwrite']);
    expect(chosen).toMatchObject({ syncMode: 'full_refresh_overwrite', primaryKey: [['id']] });
    expect(chosen).not.toHaveProperty('cursorField');
  });

  it('picks full refresh overwrite for a stream without a default cursor or without incremental reads', () => {
    expect(defaultSelection(events, ALL_MODES)).toEqual({ name: 'events', selected: true, syncMode: 'full_refresh_overwrite' });
    expect(defaultSelection(countries, ALL_MODES)).toEqual({ name: 'countries', selected: true, syncMode: 'full_refresh_overwrite' });
  });

  it('produces choices that configureCatalog accepts', () => {
    const selections = catalog.streams.map((s) => defaultSelection(s, ALL_MODES));
    const result = configureCatalog(catalog, selections, ALL_MODES);
    expect(result.issues).toEqual([]);
    expect(result.catalog.streams.map((s) => [s.stream.name, s.sync_mode, s.destination_sync_mode])).toEqual([
      ['users', 'incremental', 'append_dedup'],
      ['events', 'full_refresh', 'overwrite'],
      ['countries', 'full_refresh', 'overwrite'],
      ['orders', 'incremental', 'append_dedup'],
    ]);
  });
});
