// The example manifests (examples/*.yaml) against the fake SaaS server speaking each API's dialect:
// GitHub-like issues and comments (Link header), Stripe-like customers and charges (cursor = last
// id, has_more, created[gt]) and a page-number helpdesk. Exact records, then an incremental run
// that gets only what changed.
import type { JsonObject } from '@tributary/protocol';
import { type FakeSaasServer, startFakeSaasServer } from '../../../tools/testing/fake-saas-server';
import { configuredCatalog, ids, loadManifest, readAll } from './declarative-read.support';

describe('example manifests', () => {
  let server: FakeSaasServer;
  afterEach(async () => {
    await server?.close();
  });

  it('github-issues.yaml reads issues by Link header and each issue’s comments, then only updated issues', async () => {
    server = await startFakeSaasServer({ users: 130, auth: { bearer: 'ghp_test' } });
    const manifest = loadManifest('../examples/github-issues.yaml');
    // The example paces requests for GitHub's hourly quota; the fake API has none.
    (manifest.requester as JsonObject).rate_limit = { max_requests: 200 };
    const config = { owner: 'octo', repository: 'demo', token: 'ghp_test', api_url: server.url };
    const first = await readAll(manifest, config, configuredCatalog(manifest, ['issues', 'issue_comments'], 'incremental'));
    const issues = first.records.get('issues')!;
    expect(issues.map((i) => i.number)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
    expect(issues[0]).toMatchObject({ id: 1_000_001, repository: 'octo/demo', user: { login: 'user1' }, labels: expect.any(Array) });
    const issueRequests = server.requests.filter((r) => r.path.endsWith('/issues'));
    // Read once as a stream, once more as the parent of issue_comments (parents are not cached).
    expect(issueRequests.map((r) => r.query.get('page'))).toEqual([null, '2', null, '2']);
    expect(issueRequests[0]!.headers['x-github-api-version']).toBe('2022-11-28');
    const comments = first.records.get('issue_comments')!;
    expect(comments).toHaveLength(server.users.reduce((n, u) => n + (u.id % 4), 0));
    expect(comments.filter((c) => c.issue_number === 7).map((c) => c.id)).toEqual([70, 71, 72]);

    server.touchUsers([12, 99]);
    server.requests.length = 0;
    const second = await readAll(manifest, config, configuredCatalog(manifest, ['issues'], 'incremental'), first.lastStates);
    expect(second.records.get('issues')!.map((i) => i.number)).toEqual([12, 99]);
    expect(server.requests[0]!.query.get('since')).toBe(issues.at(-1)!.updated_at);
  });

  it('stripe.yaml pages by the last id with has_more and reads new objects by created[gt]', async () => {
    server = await startFakeSaasServer({ users: 230, auth: { bearer: 'sk_test_123' } });
    const manifest = loadManifest('../examples/stripe.yaml');
    const config = { secret_key: 'sk_test_123', api_url: server.url };
    const first = await readAll(manifest, config, configuredCatalog(manifest, ['customers', 'charges'], 'incremental'));
    const customers = first.records.get('customers')!;
    expect(ids(customers)).toEqual(server.users.map((u) => `cus_${String(u.id).padStart(6, '0')}`));
    expect(customers[0]).not.toHaveProperty('object');
    expect(new Set(ids(first.records.get('charges'))).size).toBe(server.users.reduce((n, u) => n + (u.id % 4), 0));
    const customerPages = server.requests.filter((r) => r.path === '/v1/customers');
    expect(customerPages.map((r) => r.query.get('starting_after'))).toEqual([null, 'cus_000100', 'cus_000200']);
    expect(customerPages[0]!.query.get('created[gt]')).toBe('0');

    server.addUsers(2);
    server.requests.length = 0;
    const second = await readAll(manifest, config, configuredCatalog(manifest, ['customers'], 'incremental'), first.lastStates);
    expect(ids(second.records.get('customers'))).toEqual(['cus_000231', 'cus_000232']);
    expect(server.requests[0]!.query.get('created[gt]')).toBe(String(customers.at(-1)!.created));
  });

  it('helpdesk-tickets.yaml pages by number until the count, with basic auth, flattened', async () => {
    server = await startFakeSaasServer({ users: 200, auth: { basic: { username: 'agent@acme.test/token', password: 'tok-1' } } });
    const manifest = loadManifest('../examples/helpdesk-tickets.yaml');
    const config = { subdomain_url: server.url, email: 'agent@acme.test', api_token: 'tok-1' };
    const first = await readAll(manifest, config, configuredCatalog(manifest, ['tickets'], 'incremental'));
    const tickets = first.records.get('tickets')!;
    expect(ids(tickets)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // 200 tickets at 100 a page: the count stops the read without asking for an empty third page.
    expect(server.requests.map((r) => r.query.get('page'))).toEqual(['1', '2']);
    const user = server.users[4]!;
    expect(tickets[4]).toEqual({
      id: 5,
      subject: 'Ticket 5',
      status: 'open',
      requester_id: 5,
      requester_name: user.name,
      custom_fields_priority: 2,
      custom_fields_region: user.address.city,
      updated_at: user.updated_at,
    });

    server.touchUsers([150]);
    server.addUsers(1);
    server.requests.length = 0;
    const second = await readAll(manifest, config, configuredCatalog(manifest, ['tickets'], 'incremental'), first.lastStates);
    expect(ids(second.records.get('tickets'))).toEqual([150, 201]);
    expect(server.requests[0]!.query.get('updated_since')).toBe(tickets.at(-1)!.updated_at);
  });
});
