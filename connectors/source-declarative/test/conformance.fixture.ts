// The conformance suite runs source-declarative on a manifest of the fake SaaS API (users and their
// orders, page-number pagination, incremental), started for the run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';
import { startFakeSaasServer } from '../../../tools/testing/fake-saas-server';

const manifest = readFileSync(join(__dirname, 'manifests', 'users-orders.yaml'), 'utf8');

export const fixture: ConformanceFixture = {
  async setup() {
    const server = await startFakeSaasServer({ users: 40 });
    return {
      config: { manifest, config: { base_url: `${server.url}`, token: 'test-token' } },
      badConfig: { manifest, config: { base_url: `${server.url}`, token: 'wrong-token' } },
      teardown: () => server.close(),
    };
  },
};
