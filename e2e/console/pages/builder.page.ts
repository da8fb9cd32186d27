// The Connector Builder: the manifest editor, its problem list, the stream test and publishing.
import { expect, type Locator, type Page } from '@playwright/test';

export class BuilderPage {
  constructor(private readonly page: Page) {}

  async openNew(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Builder' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Connector Builder' })).toBeVisible();
    await expect(this.editor()).toBeVisible();
  }

  editor(): Locator {
    return this.page.getByRole('textbox', { name: 'Manifest (YAML)' });
  }

  async writeManifest(yaml: string): Promise<void> {
    await this.editor().fill(yaml);
  }

  problems(): Locator {
    return this.page.getByRole('region', { name: 'Manifest problems' });
  }

  async testStream(stream: string, maxPages: number): Promise<void> {
    await this.page.getByLabel('Stream', { exact: true }).selectOption(stream);
    await this.page.getByLabel('Pages', { exact: true }).fill(String(maxPages));
    await this.page.getByRole('button', { name: 'Test stream' }).click();
  }

  summary(): Locator {
    return this.page.getByTestId('test-summary');
  }

  async showTab(name: RegExp | string): Promise<void> {
    await this.page.getByRole('tablist', { name: 'Test result' }).getByRole('tab', { name }).click();
  }

  async publish(): Promise<void> {
    await this.page.getByRole('button', { name: /^Publish/ }).click();
  }
}
