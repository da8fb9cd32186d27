// Playwright: the console's end-to-end tests (e2e/console) in Debian's Chromium, against a full
// stack that the global setup starts (Temporal dev server, PostgreSQL, the built API and worker,
// the built console) and stops afterwards. Run with `npm run test:console` after `npm run build`.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e/console/tests',
  outputDir: 'e2e/console/test-results',
  globalSetup: './e2e/console/support/global-setup.ts',
  // One stack, one browser: the scenarios build on each other and the machine has two cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1366, height: 900 },
    actionTimeout: 20_000,
    navigationTimeout: 60_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    },
  },
});
