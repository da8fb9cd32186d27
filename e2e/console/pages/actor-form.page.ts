// The source/destination form generated from a connector spec.
import { expect, type Locator, type Page } from '@playwright/test';

export class ActorFormPage {
  constructor(private readonly page: Page) {}

  async openNew(kind: 'source' | 'destination', definitionId: string): Promise<void> {
    await this.page.goto(`/${kind === 'source' ? 'sources' : 'destinations'}/new`);
    await this.page.getByRole('link', { name: new RegExp(definitionId === 'source-postgres' || definitionId === 'destination-postgres' ? 'PostgreSQL' : definitionId, 'i') }).first().click();
    await expect(this.page.getByRole('heading', { level: 1, name: /^New / })).toBeVisible();
  }

  /** The input labelled `label` (a required field's label ends with a "*" marker). */
  field(label: string): Locator {
    return this.page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*?$`));
  }

  async fill(values: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(values)) await this.field(label).fill(value);
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: /(Create|Save) and test/ }).click();
  }

  checkFailure(): Locator {
    return this.page.getByTestId('check-failure');
  }
}
