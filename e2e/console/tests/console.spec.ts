// The console, driven in a real browser against a real stack: from an empty platform to rows in
// a PostgreSQL destination, and the flows around it (connector errors, pause/resume, schema drift).
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing';
import { ActorFormPage } from '../pages/actor-form.page';
import { ConnectionPage } from '../pages/connection.page';
import { ConnectionWizardPage } from '../pages/connection-wizard.page';
import { expect, signIn, test } from '../support/console-test';

let sourceDb: TestDatabase;
let destinationDb: TestDatabase;
let connectionId: string;

function connectionFields(db: TestDatabase): Record<string, string> {
  const url = new URL(db.url);
  return { Host: url.hostname, Port: url.port || '5432', Database: db.name, User: decodeURIComponent(url.username), Password: decodeURIComponent(url.password) };
}

async function sql<T = Record<string, unknown>>(db: TestDatabase, text: string): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sourceDb = await createTestDatabase('console_src');
  destinationDb = await createTestDatabase('console_dst');
  await sql(
    sourceDb,
    `CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, email text, updated_at timestamptz NOT NULL DEFAULT now());
     INSERT INTO customers (id, name, email) SELECT g, 'Customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 120) g;
     CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, amount numeric(10,2));
     INSERT INTO orders SELECT g, g % 120 + 1, g * 2.5 FROM generate_series(1, 300) g;`,
  );
});

test.afterAll(async () => {
  await sourceDb?.drop();
  await destinationDb?.drop();
});

test('sign-in refuses a wrong token, then keeps the session in an httpOnly cookie', async ({ page, shot, browserErrors }) => {
  await page.goto('/connections');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('API token').fill('trb_not_the_right_token_at_all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The API did not accept this token.')).toBeVisible();
  await shot('01-sign-in-error');
  await signIn(page);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'tributary_session')?.httpOnly).toBe(true);
  await expect(page.getByRole('heading', { name: 'No connections yet' })).toBeVisible();
  await shot('02-connections-empty');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect(browserErrors).toEqual([]);
});

test('the catalog lists connectors with icons and shows their docs', async ({ page, shot }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Connector catalog' }).click();
  await expect(page.getByRole('list', { name: 'Connectors' }).getByRole('listitem')).not.toHaveCount(0);
  await shot('03-catalog');
  await page.getByLabel('Search connectors').fill('postgres');
  await page.getByLabel('Kind').selectOption('destination');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=postgres/);
  await expect(page.getByRole('list', { name: 'Connectors' }).getByRole('listitem')).toHaveCount(1);
  await page.getByRole('link', { name: /PostgreSQL/ }).click();
  await expect(page.getByRole('heading', { name: 'Documentation' })).toBeVisible();
  await expect(page.locator('.docs table').first()).toBeVisible();
  await shot('04-catalog-connector-docs');
});

test('a source with a wrong database shows the connector error at once, and is fixed in place', async ({ page, shot }) => {
  await signIn(page);
  const form = new ActorFormPage(page);
  await form.openNew('source', 'source-postgres');
  await shot('05-source-new-form');
  // Client-side validation at the field, before anything is sent.
  await form.fill({ Name: 'Shop database', Port: 'not-a-port' });
  await form.submit();
  await expect(page.getByText('must be of type integer')).toBeVisible();
  await expect(page.getByText('is required').first()).toBeVisible();
  await shot('06-source-form-validation');
  const fields = connectionFields(sourceDb);
  await form.fill({ ...fields, Database: 'no_such_database' });
  await form.submit();
  await expect(form.checkFailure()).toContainText('no_such_database');
  await expect(form.checkFailure()).toContainText('does not exist');
  await expect(page).toHaveURL(/\/sources\/[0-9a-f-]{36}$/);
  await shot('07-source-check-failed');
  // The stored password comes back masked and is kept when the form is saved unchanged.
  await page.reload();
  await expect(form.field('Password')).toHaveValue('**********');
  await form.field('Database').fill(fields.Database!);
  await form.submit();
  await expect(page.getByText('Saved. The connection test succeeded.')).toBeVisible({ timeout: 60_000 });
  await shot('08-source-saved');
});

test('a destination is created through its form', async ({ page, shot }) => {
  await signIn(page);
  const form = new ActorFormPage(page);
  await form.openNew('destination', 'destination-postgres');
  await form.fill({ Name: 'Warehouse', ...connectionFields(destinationDb) });
  await form.submit();
  await expect(page.getByText('Saved. The connection test succeeded.')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Destinations' }).click();
  await expect(page.getByRole('link', { name: 'Warehouse' })).toBeVisible();
  await shot('09-destinations-list');
});

test('the wizard creates a connection whose first sync lands the rows in the destination', async ({ page, shot }) => {
  await signIn(page);
  const wizard = new ConnectionWizardPage(page);
  await wizard.open();
  await shot('10-wizard-source');
  await wizard.chooseSource('Shop database');
  await shot('11-wizard-destination');
  await wizard.chooseDestination('Warehouse');
  await expect(page).toHaveURL(/step=streams/);
  const streams = page.getByRole('table', { name: 'Streams' });
  await expect(streams.getByText('customers')).toBeVisible();
  // Select none, then only customers; search narrows the table.
  await page.getByRole('button', { name: 'Select none' }).click();
  await page.getByLabel('Sync stream public.customers').check();
  await expect(page.getByText('1 of 2 streams selected')).toBeVisible();
  await expect(page.getByLabel('Sync mode of public.customers')).toHaveValue('incremental_append_dedup');
  // The cursor picker offers only fields that can be cursors.
  await expect(page.getByLabel('Cursor field of public.customers').locator('option')).toHaveText(['Choose…', 'id', 'name', 'email', 'updated_at']);
  await page.getByLabel('Cursor field of public.customers').selectOption('updated_at');
  await page.getByRole('button', { name: 'All 4' }).first().click();
  await shot('12-wizard-streams');
  await page.getByLabel('Search streams').fill('ord');
  await expect(streams.getByText('customers')).toHaveCount(0);
  await page.getByLabel('Search streams').fill('');
  await wizard.next();
  await page.getByLabel('Cron expression').check();
  await page.getByRole('textbox', { name: 'Cron expression' }).fill('30 6 * * 1-5');
  await page.getByLabel('Time zone').selectOption('Europe/Paris');
  await expect(page.getByTestId('next-runs').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('next-runs')).toContainText('06:30 (Europe/Paris)');
  await shot('13-wizard-schedule');
  await page.getByLabel('Manually').check();
  await wizard.next();
  await page.getByLabel('Hold for approval').check();
  await shot('14-wizard-schema-policy');
  await wizard.next();
  await page.getByLabel('Connection name').fill('Shop to warehouse');
  await expect(page.getByLabel('Start a first sync now')).toBeChecked();
  await shot('15-wizard-review');
  await page.getByRole('button', { name: 'Create connection' }).click();

  await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}\/jobs\/[0-9a-f-]{36}$/);
  const connection = ConnectionPage.fromUrl(page);
  connectionId = connection.id;
  expect(await connection.waitForJobEnd()).toBe('succeeded');
  await expect(page.getByTestId('job-records')).toContainText('120 committed');
  await expect(page.getByLabel('Job logs')).toContainText('stream public.customers: complete');
  await shot('16-job-succeeded');

  const rows = await sql<{ count: string; emails: string }>(destinationDb, `SELECT count(*)::text AS count, count(email)::text AS emails FROM public.customers`);
  expect(rows[0]).toEqual({ count: '120', emails: '120' });
  const tables = await sql<{ table_name: string }>(destinationDb, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
  expect(tables.map((t) => t.table_name)).not.toContain('orders');

  await connection.open();
  await expect(page.getByRole('table', { name: 'Job history' }).getByText('Succeeded')).toBeVisible();
  await shot('17-connection-status');
  await page.goto('/connections');
  await expect(page.getByRole('table', { name: 'Connections' }).getByRole('link', { name: 'Shop to warehouse' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Connections' })).toContainText('Shop database → Warehouse');
  await shot('18-connections-list');
});

test('pause and resume a connection, and reload keeps the page', async ({ page, shot }) => {
  await signIn(page);
  const connection = new ConnectionPage(page, connectionId);
  await connection.open();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('heading', { level: 1 }).getByText('Paused')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 }).getByText('Paused')).toBeVisible();
  await shot('19-connection-paused');
  await page.getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByRole('heading', { level: 1 }).getByText('Active')).toBeVisible();
});

test('a schema change held for approval is approved from the schema tab', async ({ page, shot }) => {
  await signIn(page);
  await sql(sourceDb, `ALTER TABLE customers ADD COLUMN phone text`);
  const connection = new ConnectionPage(page, connectionId);
  await connection.open('schema');
  await expect(page.getByText('Nothing waits for approval.')).toBeVisible();
  await page.getByRole('button', { name: 'Check for schema changes now' }).click();
  const pending = page.getByRole('article', { name: /Schema change detected/ });
  await expect(pending).toContainText('column public.customers.phone added');
  await expect(page.getByRole('link', { name: 'Schema (1 pending)' })).toBeVisible();
  await shot('20-schema-change-pending');
  await pending.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByText('Nothing waits for approval.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Schema change log' })).toContainText('approved');
  await shot('21-schema-change-approved');
});

test('the settings tab edits what the wizard set', async ({ page, shot }) => {
  await signIn(page);
  const connection = new ConnectionPage(page, connectionId);
  await connection.open('settings');
  await expect(page.getByRole('table', { name: 'Streams' })).toBeVisible({ timeout: 60_000 });
  await page.getByLabel('Every N minutes').check();
  await page.getByLabel('Every (minutes)').fill('90');
  await shot('22-connection-settings');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await connection.open();
  await expect(page.getByText('Every 90 minutes')).toBeVisible();
});

test('deleting a source in use lists the connections that use it', async ({ page, shot }) => {
  await signIn(page);
  await page.goto('/sources');
  await page.getByRole('link', { name: 'Shop database' }).click();
  await page.getByRole('button', { name: 'Delete source…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('is used by 1 connection');
  await expect(page.getByRole('alertdialog').getByRole('link', { name: 'Shop to warehouse' })).toBeVisible();
  await shot('23-source-delete-warning');
});
