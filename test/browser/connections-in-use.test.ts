import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';
import { type PendoSalesforce, startPendoSalesforce } from './pendo-salesforce.js';

// A connection a pipeline uses: the Connections page says what uses it instead of offering to delete it,
// the pipeline's form moves it to another connection, and only then can the old one be deleted.

let harness: Harness;
let vendors: PendoSalesforce;
let context: BrowserContext;
let page: Page;
const ids = { old: '', replacement: '', pendo: '', pipeline: '' };

beforeAll(async () => {
  vendors = await startPendoSalesforce(6);
  harness = await startHarness('connections-in-use');
  ids.old = await vendors.connectSalesforce(harness, 'Salesforce (old token)');
  ids.replacement = await vendors.connectSalesforce(harness, 'Salesforce production');
  ids.pendo = await vendors.connectPendo(harness, 'Pendo');
  const created = await harness.api<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
    kind: 'salesforce.to_pendo',
    name: 'Account tier to Pendo',
    connectionId: ids.old,
    settings: { targetConnectionId: ids.pendo, fieldMap: [{ from: 'Customer_Tier__c', to: 'tier' }] },
  });
  expect(created.status).toBe(201);
  ids.pipeline = created.body.pipeline.id;
  ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'in-use');
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await vendors?.close();
});

const shot = (name: string) => screenshot(page, name);

describe('a connection in use', () => {
  it('Delete shows what uses it, with links, and offers no delete', async () => {
    await harness.signIn(page, '#/connections');
    const row = page.getByRole('row', { name: /Salesforce \(old token\)/ });
    await row.getByRole('button', { name: 'Delete Salesforce (old token)' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'is in use' });
    await notice.waitFor();
    expect(await notice.getByRole('heading').textContent()).toBe(
      '“Salesforce (old token)” is in use and can’t be deleted',
    );
    const item = notice.getByRole('listitem');
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toMatch(/Pipeline\s*Account tier to Pendo\s*· uses it as its connection/);
    expect(await notice.getByRole('link', { name: 'Edit pipeline' }).getAttribute('href')).toBe(
      `#/pipelines/${ids.pipeline}/edit`,
    );
    // No way to delete it from here.
    expect(await page.getByRole('button', { name: 'Yes, delete' }).count()).toBe(0);
    expect((await harness.api('GET', `/api/connections/${ids.old}`)).status).toBe(200);
    await shot('50-connection-in-use-1280');
    await page.setViewportSize({ width: 400, height: 860 });
    await notice.scrollIntoViewIfNeeded();
    await shot('50-connection-in-use-400');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });

    // The Pendo connection is in use through the leg's target setting.
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('row', { name: /Pendo/ }).getByRole('button', { name: 'Delete Pendo' }).click();
    const pendoNotice = page.getByRole('alert').filter({ hasText: '“Pendo” is in use' });
    await pendoNotice.waitFor();
    expect(await pendoNotice.getByRole('listitem').textContent()).toMatch(
      /Pipeline\s*Account tier to Pendo\s*· uses it as its target connection/,
    );
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it("the pipeline's form moves it to another connection; then the old one can be deleted", async () => {
    await page.goto(`${harness.hub.url}/#/connections`);
    await page
      .getByRole('row', { name: /Salesforce \(old token\)/ })
      .getByRole('button', { name: 'Delete Salesforce (old token)' })
      .click();
    await page.getByRole('link', { name: 'Edit pipeline' }).click();
    await page.getByRole('heading', { name: 'Edit Account tier to Pendo' }).waitFor();
    const picker = page.getByLabel('Salesforce connection');
    expect(await picker.inputValue()).toBe(ids.old);
    await picker.selectOption({ label: 'Salesforce production' });
    const startOver = page.getByLabel('Start from the beginning on the new connection');
    expect(await startOver.isChecked()).toBe(false);
    await shot('51-pipeline-connection-picker');
    await page.setViewportSize({ width: 400, height: 860 });
    await shot('51-pipeline-connection-picker-400');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: /Save/ }).click();
    await page.getByText('Saved “Account tier to Pendo”.').waitFor();
    const saved = await harness.api<{ pipeline: { connectionId: string; enabled: boolean } }>(
      'GET',
      `/api/pipelines/${ids.pipeline}`,
    );
    expect(saved.body.pipeline).toMatchObject({ connectionId: ids.replacement, enabled: true });

    // It runs on the new connection: Salesforce was read, Pendo written.
    const before = vendors.salesforce.control.requests.length;
    const pipelineRow = page.getByRole('row', { name: /Account tier to Pendo/ });
    await pipelineRow.getByRole('button', { name: 'Run Account tier to Pendo' }).click();
    await pipelineRow.getByText('Completed', { exact: true }).waitFor();
    expect(vendors.salesforce.control.requests.length).toBeGreaterThan(before);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    const row = page.getByRole('row', { name: /Salesforce \(old token\)/ });
    await row.getByRole('button', { name: 'Delete Salesforce (old token)' }).click();
    await row.getByText('Delete “Salesforce (old token)”? Nothing uses it.').waitFor();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('Deleted “Salesforce (old token)”.').waitFor();
    expect((await harness.api('GET', `/api/connections/${ids.old}`)).status).toBe(404);
    await shot('52-connection-deleted');
  });
});
