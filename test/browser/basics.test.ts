import { createSalesforceSimulator, listen, type RunningServer } from '@synchub/sandbox';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';

// Everyday basics: a login that survives a new tab and a sign-out that ends it everywhere, a wrong token
// that says how to get a new one, budgets named by their connections, a check's API usage as fields, and a
// pipeline form that shows every problem of a save at once.

let harness: Harness;
let server: RunningServer;
let salesforce: ReturnType<typeof createSalesforceSimulator>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  salesforce = createSalesforceSimulator({ accounts: 3 });
  server = await listen(salesforce.app);
  harness = await startHarness('basics');
  const created = await harness.api('POST', '/api/connections', {
    connectorId: 'salesforce',
    name: 'Salesforce production',
    settings: { loginUrl: server.url, clientId: salesforce.credentials.clientId, sandbox: true },
    secrets: { clientSecret: salesforce.credentials.clientSecret, refreshToken: salesforce.credentials.refreshToken },
  });
  expect(created.status).toBe(201);
  ({ context, page } = await harness.newPage({ width: 1280, height: 860 }));
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'basics');
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await server?.close();
});

const shot = (name: string) => screenshot(page, name);
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

describe('signing in', () => {
  it('says how to get a token when the one given is wrong', async () => {
    await harness.signIn(page, '', 'not-the-admin-token');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/not accepted.*Run synchub token where the hub runs/);
    expect(await alert.locator('code').allTextContents()).toContain('synchub token');
    await shot('basics-01-wrong-token');
  });

  it('stays signed in in a new tab, and signing out in one signs out every tab', async () => {
    await harness.signIn(page);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const other = await context.newPage();
    await other.goto(harness.hub.url);
    // No login screen: the token is shared by the browser's tabs.
    await other.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await other.getByLabel('Admin token').count()).toBe(0);

    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.getByLabel('Admin token').waitFor();
    // The first tab follows at once, and nothing of the token is left in the browser.
    await page.getByText('You are signed out.').waitFor();
    expect(await page.evaluate('localStorage.getItem("synchub.adminToken")')).toBeNull();
    await other.close();
  });
});

describe('once signed in', () => {
  it('names budgets by their connections, on Limits and Overview', async () => {
    await harness.signIn(page);
    await nav('Limits').click();
    const card = page.getByRole('region', { name: /Salesforce production/ });
    await card.waitFor();
    expect(await card.getByRole('heading', { level: 2 }).textContent()).toMatch(/^salesforce\s*Salesforce production$/);
    // The vendor account is still there, as the detail it is.
    expect(await card.textContent()).toContain(`vendor account ${new URL(server.url).host}`);
    await shot('basics-02-limits');

    await nav('Overview').click();
    const budgets = page.getByRole('region', { name: 'Rate-limit budgets' });
    await budgets.getByText('Salesforce production').first().waitFor();
    expect(await budgets.locator('.budget-account').allTextContents()).not.toContain(
      expect.stringContaining('127.0.0.1'),
    );
  });

  it("shows a connection check's API usage as fields, not JSON", async () => {
    await nav('Connections').click();
    const row = page.getByRole('row', { name: /Salesforce production/ });
    await row.getByRole('button', { name: 'Validate Salesforce production' }).click();
    const usage = row.locator('div', { has: page.locator('dt', { hasText: /^API usage$/ }) }).last();
    await usage.waitFor();
    const text = (await usage.textContent()) ?? '';
    // "API usage: Used: 1 Max: 15,000" (the colons are the list's CSS).
    expect(text).toMatch(/^API usageUsed\d+Max15,000$/);
    expect(await row.textContent()).not.toContain('{"');
    await shot('basics-03-check-fields');
  });

  it('reports every problem of a pipeline form at once', async () => {
    await nav('Pipelines').click();
    await page.getByRole('link', { name: 'New pipeline' }).click();
    await page.getByLabel('Pipeline kind').selectOption({ label: 'Pendo → Salesforce' });
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByRole('alert').first().waitFor();
    // The name, the pipeline's connection and the target connection in its settings: one answer, every field marked.
    for (const label of ['Name', 'Pendo connection', 'Salesforce connection']) {
      expect(await page.getByLabel(label, { exact: true }).getAttribute('aria-invalid'), label).toBe('true');
    }
    await shot('basics-04-pipeline-errors');
    await page.setViewportSize({ width: 400, height: 860 });
    await shot('basics-05-pipeline-errors-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});
