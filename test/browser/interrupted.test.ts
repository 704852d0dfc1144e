import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness, until } from './harness.js';
import { type PendoSalesforce, startPendoSalesforce } from './pendo-salesforce.js';

// A run cut off by a stop of the hub: Pendo hangs, the hub stops mid-run and starts again on the same data.
// The run shows as Interrupted (a warning, not a failure), the hub retries it by itself (trigger `retry`),
// the retry completes, and Salesforce holds what the retry wrote.

let harness: Harness;
let vendors: PendoSalesforce;
let context: BrowserContext | undefined;
let page: Page | undefined;

beforeAll(async () => {
  vendors = await startPendoSalesforce(4);
  harness = await startHarness('interrupted');
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task);
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await vendors?.close();
});

type Run = { trigger: string; status: string; error: { code: string; message: string } | null };

describe('an interrupted run', () => {
  it('shows Interrupted with the reason, and its retry completes after the restart', async () => {
    const connections = await vendors.connect(harness);
    const id = await vendors.pipeline(harness, connections, {
      name: 'Pendo usage → Salesforce',
      from: 'activeVisitors',
      to: 'Pendo_numberofvisitors_last30d__c',
    });
    const runs = async () => (await harness.api<{ runs: Run[] }>('GET', `/api/pipelines/${id}/runs`)).body.runs;

    // Pendo answers after a minute: the run is inside a vendor call when the hub stops.
    vendors.pendo.control.faults.set('*', { delayMs: 60_000 });
    expect((await harness.api('POST', `/api/pipelines/${id}/run`)).status).toBe(202);
    await until(
      async () => ({ runs: await runs(), calls: vendors.pendo.control.requests.length }),
      (r) => r.runs[0]?.status === 'running' && r.calls > 0,
    );
    vendors.pendo.control.faults.clear();
    expect(vendors.salesforce.control.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    await harness.restartHub();

    const after = await until(runs, (r) => r.length === 2 && r[0]?.status === 'completed', 45_000);
    expect(after.map((r) => [r.trigger, r.status])).toEqual([
      ['retry', 'completed'],
      ['manual', 'interrupted'],
    ]);
    expect(after[1]?.error?.code).toBe('interrupted');
    // The stopping hub marks it itself, naming its process (host:pid:tag).
    expect(after[1]?.error?.message).toMatch(/^Hub process \S+ stopped while this run was in progress/);
    // What the retry wrote reached Salesforce, on every Account.
    for (const account of vendors.accounts) {
      expect(vendors.salesforce.record('Account', account)?.Pendo_numberofvisitors_last30d__c).toEqual(
        expect.any(Number),
      );
    }

    ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
    await harness.signIn(page, '/#/pipelines');
    await page.getByRole('button', { name: 'History of Pendo usage → Salesforce' }).click();
    const items = page.getByRole('list', { name: 'Run history' }).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(2);
    const [retry, cut] = [items.nth(0), items.nth(1)];
    await retry.getByText('Completed', { exact: true }).waitFor();
    expect(await retry.textContent()).toMatch(/Run 2 · retry/);
    await cut.getByText('Interrupted', { exact: true }).waitFor();
    expect(await cut.textContent()).toMatch(/Run 1 · manual/);
    // The reason once (no "Interrupted: interrupted: …"), as a warning: the hub retried it by itself.
    const notice = cut.locator('.notice');
    expect(await notice.textContent()).toMatch(
      /^interrupted: Hub process \S+ stopped while this run was in progress; it is retried from its last saved cursor$/,
    );
    expect(await notice.getAttribute('class')).toBe('notice warn');
    await screenshot(page, 'interrupted-1280');
    await page.setViewportSize({ width: 400, height: 900 });
    await cut.scrollIntoViewIfNeeded();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await screenshot(page, 'interrupted-400');
  });
});
