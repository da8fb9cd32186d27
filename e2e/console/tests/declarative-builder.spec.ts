// The Connector Builder, in a real browser against the real stack: a manifest written in the
// editor (checked as it is typed), tested against a fake SaaS API served by this test, published
// as a custom source, then used through the UI in a connection to local files whose first sync
// lands every record. (Named to run after console.spec.ts, whose first test expects an empty
// platform: the suite shares one stack.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSaasServer, type FakeSaasServer } from '../../../tools/testing/fake-saas-server';
import { readJsonl } from '../../support/jobs';
import { ActorFormPage } from '../pages/actor-form.page';
import { BuilderPage } from '../pages/builder.page';
import { ConnectionPage } from '../pages/connection.page';
import { ConnectionWizardPage } from '../pages/connection-wizard.page';
import { expect, signIn, test } from '../support/console-test';

const USERS = 25;

const MANIFEST = `version: "1"
name: Builder users
spec:
  connection_specification:
    type: object
    required: [base_url, token]
    properties:
      base_url: { type: string, title: Base URL }
      token: { type: string, title: API token, secret: true }
base_url: "{{ config.base_url }}"
auth:
  type: bearer
  token: "{{ config.token }}"
streams:
  - name: users
    path: /page/users
    record_selector: { path: data }
    primary_key: id
    pagination: { type: page_number, page_size: 10 }
    incremental:
      cursor_field: updated_at
      request_param: updated_after
  - name: orders
    path: /page/users/{{ parent.id }}/orders
    record_selector: { path: data }
    primary_key: id
    parent: { stream: users, key: id }
`;

let api: FakeSaasServer;
let outputDir: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  api = await startFakeSaasServer({ users: USERS });
  outputDir = mkdtempSync(join(tmpdir(), 'tributary-builder-e2e-'));
});

test.afterAll(async () => {
  await api?.close();
  if (outputDir) rmSync(outputDir, { recursive: true, force: true });
});

test('builder: a manifest written in the Builder is tested, published and synced through a connection', async ({ page, shot, browserErrors }) => {
  await signIn(page);
  const builder = new BuilderPage(page);
  await builder.openNew();
  await shot('30-builder-new');

  // Problems while typing: YAML syntax (with its line), then the manifest schema (with the field).
  await builder.writeManifest('version: "1"\nstreams:\n  - name: users\n   path: [oops\n');
  await expect(builder.problems()).toContainText('YAML');
  await expect(builder.problems().getByRole('button', { name: /^Line \d+$/ }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test stream' })).toBeDisabled();
  await builder.writeManifest(MANIFEST.replace('page_size: 10', 'page_size: -3'));
  await expect(builder.problems()).toContainText('streams[0].pagination');
  await shot('31-builder-manifest-problems');

  // The config form comes from the manifest's spec; the test reads two pages of users.
  await builder.writeManifest(MANIFEST);
  await expect(page.getByText('No problems found in the manifest.')).toBeVisible();
  const form = new ActorFormPage(page);
  await form.fill({ 'Base URL': api.url, 'API token': 'test-token' });
  await builder.testStream('users', 2);
  await expect(builder.summary()).toContainText('20 records from 2 pages — more pages to read');
  const records = page.getByRole('table', { name: 'Records' });
  await expect(records.getByRole('row')).toHaveCount(21);
  await expect(records.getByRole('columnheader', { name: 'updated_at' })).toBeVisible();
  await expect(records).toContainText(api.users[0]!.updated_at);
  await shot('32-builder-test-records');

  await builder.showTab(/^Requests/);
  const requests = page.getByRole('list', { name: 'Requests' });
  await expect(requests.getByRole('listitem')).toHaveCount(2);
  await expect(requests).toContainText(`GET ${api.url}/page/users?page=1&per_page=10`);
  await expect(requests).toContainText('authorization: **********');
  await expect(page.locator('body')).not.toContainText('test-token');
  await shot('33-builder-test-requests');

  await builder.showTab('Inferred schema');
  await expect(page.getByRole('tabpanel', { name: 'Inferred schema' })).toContainText('"updated_at"');
  // The whole stream, then the next incremental read from the state it leaves: nothing new.
  await builder.testStream('users', 5);
  await expect(builder.summary()).toContainText(`${USERS} records from 3 pages — the stream ended`);
  await builder.showTab('State');
  await expect(page.getByRole('tabpanel', { name: 'State' })).toContainText(api.users[USERS - 1]!.updated_at);
  await shot('34-builder-test-state');
  await page.getByRole('button', { name: 'Test next read from this state' }).click();
  await expect(builder.summary()).toContainText('0 records from 1 page — the stream ended');
  await builder.showTab(/^Requests/);
  await expect(page.getByRole('list', { name: 'Requests' })).toContainText(`updated_after=${encodeURIComponent(api.users[USERS - 1]!.updated_at)}`);

  // A wrong token: the API's refusal is shown as a config error, with the page it answered.
  await form.fill({ 'API token': 'wrong-token' });
  await builder.testStream('users', 1);
  await expect(page.getByRole('alert').filter({ hasText: 'The read stopped: config error.' })).toBeVisible();
  await form.fill({ 'API token': 'test-token' });

  // Publish: the definition gets its own Builder URL, which survives a reload.
  await builder.publish();
  await expect(page).toHaveURL(/\/builder\/builder-users$/);
  await expect(page.getByRole('status').filter({ hasText: 'Published Builder users' })).toBeVisible();
  await shot('35-builder-published');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Builder users' })).toBeVisible();
  await expect(builder.editor()).toHaveValue(MANIFEST);
  // Publishing again from /builder/<id> makes a new version of the same definition.
  await builder.publish();
  await expect(page.getByRole('status').filter({ hasText: 'Published a new version of Builder users' })).toBeVisible();
  await expect(page).toHaveURL(/\/builder\/builder-users$/);

  // It is in the catalog, and a source is set up from it through the generated form.
  await page.getByRole('link', { name: 'View in catalog' }).click();
  await expect(page.getByRole('link', { name: 'Edit in Builder' })).toBeVisible();
  await shot('36-builder-catalog-entry');
  await page.getByRole('link', { name: 'Set up this source' }).click();
  await form.fill({ Name: 'Builder users API', 'Base URL': api.url, 'API token': 'test-token' });
  await form.submit();
  await expect(page.getByText('Saved. The connection test succeeded.')).toBeVisible({ timeout: 60_000 });

  await page.goto('/destinations/new?definition=destination-local-files');
  await form.fill({ Name: 'Builder files', 'Destination directory': outputDir });
  await form.submit();
  await expect(page.getByText('Saved. The connection test succeeded.')).toBeVisible({ timeout: 60_000 });

  // A connection of the users stream, synced now.
  const wizard = new ConnectionWizardPage(page);
  await wizard.open();
  await wizard.chooseSource('Builder users API');
  await wizard.chooseDestination('Builder files');
  await page.getByRole('button', { name: 'Select none' }).click();
  await page.getByLabel('Sync stream users').check();
  await wizard.next();
  await page.getByLabel('Manually').check();
  await wizard.next();
  await wizard.next();
  await page.getByLabel('Connection name').fill('Builder users to files');
  await expect(page.getByLabel('Start a first sync now')).toBeChecked();
  await page.getByRole('button', { name: 'Create connection' }).click();
  await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}\/jobs\/[0-9a-f-]{36}$/);
  const connection = ConnectionPage.fromUrl(page);
  expect(await connection.waitForJobEnd()).toBe('succeeded');
  await shot('37-builder-connection-synced');

  const jobId = /\/jobs\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  const synced = readJsonl(join(outputDir, 'users', `${jobId}.jsonl`));
  expect(synced.map((r) => r['id'])).toEqual(Array.from({ length: USERS }, (_, i) => i + 1));
  expect(synced.map((r) => r['updated_at'])).toEqual(api.users.map((u) => u.updated_at));
  expect(browserErrors).toEqual([]);
});
