// The new-connection wizard.
import { expect, type Page } from '@playwright/test';

export class ConnectionWizardPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/connections/new');
    await expect(this.page.getByRole('heading', { name: 'Choose a source' })).toBeVisible();
  }

  async next(): Promise<void> {
    await this.page.getByRole('button', { name: 'Next' }).click();
  }

  async chooseSource(name: string): Promise<void> {
    await this.page.getByRole('radiogroup', { name: 'Sources' }).getByLabel(new RegExp(name)).check();
    await this.next();
    await expect(this.page.getByRole('heading', { name: 'Choose a destination' })).toBeVisible();
  }

  async chooseDestination(name: string): Promise<void> {
    await this.page.getByRole('radiogroup', { name: 'Destinations' }).getByLabel(new RegExp(name)).check();
    await this.next();
    await expect(this.page.getByRole('table', { name: 'Streams' })).toBeVisible({ timeout: 60_000 });
  }
}
