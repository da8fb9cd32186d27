// A connection's pages: status (jobs), schema, settings.
import { expect, type Page } from '@playwright/test';

export class ConnectionPage {
  constructor(
    private readonly page: Page,
    readonly id: string,
  ) {}

  static fromUrl(page: Page): ConnectionPage {
    const match = /\/connections\/([0-9a-f-]{36})/.exec(page.url());
    if (!match) throw new Error(`not on a connection page: ${page.url()}`);
    return new ConnectionPage(page, match[1]!);
  }

  async open(tab: '' | 'schema' | 'settings' = ''): Promise<void> {
    await this.page.goto(`/connections/${this.id}${tab ? `/${tab}` : ''}`);
  }

  /** Waits on the job page until the job has finished, and returns its final status. */
  async waitForJobEnd(timeoutMs = 120_000): Promise<string> {
    const badge = this.page.getByRole('heading', { name: /job/ }).locator('[data-job-status]');
    await expect(badge).toHaveAttribute('data-job-status', /succeeded|failed|cancelled/, { timeout: timeoutMs });
    return (await badge.getAttribute('data-job-status')) ?? '';
  }
}
