import { splitSyncMode, SYNC_MODES, type DestinationSyncMode, type SourceSyncMode, type SyncMode } from './catalog';

describe('splitSyncMode', () => {
  const expected: Record<SyncMode, { source: SourceSyncMode; destination: DestinationSyncMode }> = {
    full_refresh_overwrite: { source: 'full_refresh', destination: 'overwrite' },
    full_refresh_append: { source: 'full_refresh', destination: 'append' },
    incremental_append: { source: 'incremental', destination: 'append' },
    incremental_append_dedup: { source: 'incremental', destination: 'append_dedup' },
    cdc: { source: 'incremental', destination: 'append_dedup' },
  };

  it.each(Object.entries(expected))('splits %s into its source and destination modes', (mode, modes) => {
    expect(splitSyncMode(mode as SyncMode)).toEqual(modes);
  });

  it('covers every sync mode users can pick', () => {
    expect([...SYNC_MODES].sort()).toEqual(Object.keys(expected).sort());
  });
});
