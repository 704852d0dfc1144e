import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';
import { type PendoSalesforce, startPendoSalesforce } from './pendo-salesforce.js';

// The Pipelines page: configure the Pendo → Salesforce leg of the bridge from the dashboard, against the
// Pendo and Salesforce simulators, run it, follow the run to Completed, and check what Salesforce received.

let harness: Harness;
let vendors: PendoSalesforce;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // 12 accounts in both, plus one Pendo trial account that Salesforce does not have.
  vendors = await startPendoSalesforce(12, ['acct-trial-0001']);
  harness = await startHarness('pipelines');
  await vendors.connect(harness);
  ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task);
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await vendors?.close();
});

const shot = (name: string) => screenshot(page, name);

describe('pipelines page', () => {
  it('configures the Pendo → Salesforce leg, refusing a non-Pendo_ target by name', async () => {
    await harness.signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor();
    await page.getByText('No pipelines yet').waitFor();
    await shot('pipelines-01-empty');

    await page.getByRole('link', { name: 'New pipeline' }).click();
    await page.getByLabel('Pipeline kind').selectOption({ label: 'Pendo → Salesforce' });
    await page.getByLabel('Name', { exact: true }).fill('Pendo usage → Salesforce');
    await page.getByLabel('Pendo connection').selectOption({ label: 'Pendo sandbox' });
    // The target connection select offers only Salesforce connections.
    const target = page.getByLabel('Salesforce connection');
    expect(await target.locator('option').allTextContents()).toEqual(['Choose a connection…', 'Salesforce sandbox']);
    await target.selectOption({ label: 'Salesforce sandbox' });
    expect(await page.getByLabel('Window (days)').inputValue()).toBe('30');
    expect(await page.getByLabel('Schedule', { exact: true }).inputValue()).toBe('daily');

    const from = (n: number) => page.getByLabel(`Pendo measure or report column, row ${n}`);
    const to = (n: number) => page.getByLabel(`Salesforce Account field (Pendo_…), row ${n}`);
    await from(1).fill('activeVisitors');
    await to(1).fill('Health_Score__c');
    await page.getByRole('button', { name: 'Add row' }).click();
    await from(2).fill('minutes');
    await to(2).fill('Pendo_timeonsite_last30d__c');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    // The hub's refusal lands on the offending cell and names the field.
    await page.getByRole('alert').first().waitFor();
    expect(await to(1).getAttribute('aria-invalid')).toBe('true');
    const cellError = page.locator(`[id="${await to(1).getAttribute('aria-describedby')}"]`);
    expect(await cellError.textContent()).toMatch(/Health_Score__c.*does not start with Pendo_/);
    await shot('pipelines-02-refused');

    await to(1).fill('Pendo_numberofvisitors_last30d__c');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByText('Saved “Pendo usage → Salesforce”.').waitFor();
    await page.getByRole('heading', { name: 'Pendo ↔ Salesforce ↔ Gainsight' }).waitFor();
    const row = page.getByRole('row', { name: /Pendo usage → Salesforce/ });
    await row.getByText('Never run').waitFor();
    expect(await row.getByText('daily').isVisible()).toBe(true);
    // The next run with its date and zone (the relative time is its hint).
    expect(await row.textContent()).toMatch(/[A-Z][a-z]{2} \d{1,2}(, \d{4})?, \d{1,2}:\d{2} [AP]M [A-Z]/);
    await shot('pipelines-03-listed');
  });

  it('runs it, shows the run Completed with counts, and Salesforce holds the Pendo_ fields', async () => {
    const row = page.getByRole('row', { name: /Pendo usage → Salesforce/ });
    await row.getByRole('button', { name: 'Run Pendo usage → Salesforce' }).click();
    await row.getByText('Completed', { exact: true }).waitFor();
    // 12 lined-up accounts written; the trial account has no Salesforce Account.
    expect(await row.textContent()).toMatch(/Completed [A-Z][a-z]{2} \d{1,2}(, \d{4})?, \d{1,2}:\d{2} [AP]M/);
    expect(await row.textContent()).toContain('13 read · 12 written · 1 skipped');
    // The history refetches after the row's refresh: it can still show the run as Running for a moment.
    const history = page.getByRole('list', { name: 'Run history' });
    await history.getByText('Completed', { exact: true }).waitFor();
    expect(await history.textContent()).toMatch(/Read13Written12Skipped1Failed0/);
    expect(await history.textContent()).toContain('1 × no Salesforce Account with Id = Pendo accountId');
    await shot('pipelines-04-completed');

    // What the Salesforce simulator received: composite updates of the two Pendo_ fields on every Account.
    const writes = vendors.salesforce.control.requests.filter((r) => r.method === 'PATCH');
    expect(writes.map((r) => r.path)).toEqual(['/services/data/v60.0/composite/sobjects']);
    const sent = (writes[0]?.body as { records?: Array<Record<string, unknown>> } | undefined)?.records ?? [];
    expect(sent.map((r) => r.id).sort()).toEqual([...vendors.accounts].sort());
    for (const record of sent) {
      expect(Object.keys(record).sort()).toEqual([
        'Pendo_numberofvisitors_last30d__c',
        'Pendo_timeonsite_last30d__c',
        'attributes',
        'id',
      ]);
      const stored = vendors.salesforce.record('Account', String(record.id));
      expect(stored?.Pendo_numberofvisitors_last30d__c).toBe(record.Pendo_numberofvisitors_last30d__c);
      expect(stored?.Pendo_timeonsite_last30d__c).toBe(record.Pendo_timeonsite_last30d__c);
    }
    expect(sent.some((r) => (r.Pendo_numberofvisitors_last30d__c as number) > 0)).toBe(true);

    // The run is in the hub's history too, as the dashboard showed it.
    const { pipelines } = (
      await harness.api<{
        pipelines: Array<{ lastRun: { status: string; counts: { written: number } } }>;
      }>('GET', '/api/pipelines')
    ).body;
    expect(pipelines[0]?.lastRun).toMatchObject({ status: 'completed', counts: { written: 12 } });
  });

  it('edits the pipeline: the saved settings come back into the form', async () => {
    await page.getByRole('link', { name: 'Edit Pendo usage → Salesforce' }).click();
    await page.getByRole('button', { name: 'Save changes' }).waitFor();
    expect(await page.getByLabel('Pendo measure or report column, row 2').inputValue()).toBe('minutes');
    expect(await page.getByLabel('Salesforce connection').inputValue()).not.toBe('');
    await page.getByLabel('Schedule', { exact: true }).selectOption({ label: 'Custom cron expression…' });
    await page.getByLabel('Cron expression (UTC)').fill('30 6 * * 1-5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const row = page.getByRole('row', { name: /Pendo usage → Salesforce/ });
    await row.getByText('30 6 * * 1-5').waitFor();
    await shot('pipelines-05-edited');
  });

  it('a failed run shows its error code, message and the vendor’s body', async () => {
    // The integration user's refresh token is revoked in Salesforce: the next run cannot write.
    vendors.salesforce.credentials.refreshToken = 'revoked-by-an-admin';
    vendors.salesforce.expireSessions();
    const row = page.getByRole('row', { name: /Pendo usage → Salesforce/ });
    await row.getByRole('button', { name: 'Run Pendo usage → Salesforce' }).click();
    await row.getByText('Failed', { exact: true }).waitFor();
    const history = page.getByRole('list', { name: 'Run history' });
    const latest = history.getByRole('listitem').first();
    await latest.getByText(/^auth/).waitFor();
    expect(await latest.textContent()).toMatch(/Run 2 · manual/);
    expect(await latest.locator('pre').first().textContent()).toMatch(/invalid_grant/);
    await shot('pipelines-06-failed');
  });
});
