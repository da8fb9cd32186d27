// The Builder's "test stream" against the fake SaaS API: a read cut at the page limit reports the
// state after the pages it shows, so "test the next read from this state" misses nothing.
import type { JsonObject } from '@tributary/protocol';
import { testDeclarativeStream } from '@tributary/connector-sdk/declarative';
import { startFakeSaasServer, type FakeSaasServer } from '../../../tools/testing/fake-saas-server';
import { loadManifest } from './declarative-read.support';

describe('testDeclarativeStream', () => {
  let server: FakeSaasServer;

  afterEach(async () => {
    await server?.close();
  });

  it('stops at the page limit with the state of the last page it shows, and the next test continues from there', async () => {
    server = await startFakeSaasServer({ users: 25 });
    const manifest = loadManifest('manifests/users-orders.yaml');
    (manifest.streams as JsonObject[])[0]!.pagination = { type: 'page_number', page_size: 10 };
    const config = { base_url: server.url, token: 'test-token' };

    const first = await testDeclarativeStream({ manifest, config }, { stream: 'users', maxPages: 2 });
    expect(first.error).toBeNull();
    expect(first.records.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(first.more).toBe(true);
    expect(first.state).toEqual({ updated_at: server.users[19]!.updated_at });

    const next = await testDeclarativeStream({ manifest, config }, { stream: 'users', maxPages: 5, state: first.state as JsonObject });
    expect(next.records.map((r) => r.id)).toEqual([21, 22, 23, 24, 25]);
    expect(next.more).toBe(false);
  });
});
