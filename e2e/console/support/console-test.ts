// The `test` of the console suite: every page it opens fails the test on a browser console error
// or an uncaught exception, and `shot(name)` saves a full-page screenshot into
// e2e/console/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import { consoleEnv } from './console-env';

export const SCREENSHOTS_DIR = join(__dirname, '..', 'screenshots');

interface Fixtures {
  browserErrors: string[];
  shot: (name: string) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright's signature for a fixture with no dependencies
  baseURL: async ({}, use) => {
    await use(consoleEnv().consoleUrl);
  },
  browserErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`uncaught exception on ${page.url()}: ${error.message}`));
    await use(errors);
    expect(errors, 'the browser console stayed free of errors').toEqual([]);
  },
  shot: async ({ page }, use) => {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    await use(async (name: string) => {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
    });
  },
});

export { expect };

/** Signs in through the form (the cookie is httpOnly: there is no other way in). */
export async function signIn(page: Page, token = consoleEnv().apiToken): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Connections', level: 1 })).toBeVisible();
}
