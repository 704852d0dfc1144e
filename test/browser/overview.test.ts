import {
  createGainsightSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  salesforceId,
} from '@synchub/sandbox';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness, until } from './harness.js';

// The Overview (landing page): a hub with real traffic — events ingested and delivered to the Gainsight
// simulator, a failure, connection checks (one answered 429) and a Salesforce → Gainsight pipeline run —
// shown as counts, two SVG charts, the budgets and the latest runs.

const ACCOUNTS = Array.from({ length: 8 }, (_, i) => salesforceId('001', i + 1));

let harness: Harness;
let servers: RunningServer[] = [];
let gainsight: ReturnType<typeof createGainsightSimulator>;
let salesforce: ReturnType<typeof createSalesforceSimulator>;
let context: BrowserContext;
let page: Page;

const api = <T>(method: string, url: string, body?: unknown) => harness.api<T>(method, url, body);

let writeKey = '';
const ingest = (batch: unknown[]) => harness.ingest(writeKey, batch);

type Counts = Record<'received' | 'retrying' | 'delivered' | 'failed', number>;
let counts: Counts;

/** Connections, a destination, a source, some events, connection checks and one pipeline run, all by API. */
async function makeTraffic(): Promise<void> {
  const [gsServer, sfServer] = servers as [RunningServer, RunningServer];
  const gs = await api<{ connection: { id: string } }>('POST', '/api/connections', {
    connectorId: 'gainsight',
    name: 'Gainsight sandbox',
    settings: { domain: gsServer.url, sandbox: true, tenantId: gainsight.credentials['tenantId'] },
    secrets: { accessKey: gainsight.credentials['accessKey'], sharedSecret: gainsight.credentials['sharedSecret'] },
  });
  expect(gs.status).toBe(201);
  const sf = await api<{ connection: { id: string } }>('POST', '/api/connections', {
    connectorId: 'salesforce',
    name: 'Salesforce sandbox',
    settings: { loginUrl: sfServer.url, clientId: salesforce.credentials['clientId'], sandbox: true },
    secrets: {
      clientSecret: salesforce.credentials['clientSecret'],
      refreshToken: salesforce.credentials['refreshToken'],
    },
  });
  expect(sf.status).toBe(201);
  const gsId = gs.body.connection.id;

  // Vendor calls: a check that passes, then one the simulator answers 429 (an error in the chart).
  expect((await api<{ ok: boolean }>('POST', `/api/connections/${gsId}/validate`)).body.ok).toBe(true);
  gainsight.control.faults.set('*', { rateLimitBurst: 1 });
  expect((await api<{ ok: boolean }>('POST', `/api/connections/${gsId}/validate`)).body.ok).toBe(false);
  gainsight.control.faults.clear();

  const dest = await api<{ destination: { id: string } }>('POST', '/api/destinations', {
    name: 'Gainsight events',
    kind: 'gainsight',
    connectionId: gsId,
    settings: {
      personFieldMap: [],
      companyFieldMap: [],
      topicName: 'product-usage',
      eventVersions: [
        { event: 'report_exported', eventName: 'Report Exported', version: 'v02' },
        { event: 'Not Registered', version: 'v01' },
      ],
      flushWindowMs: 200,
    },
  });
  expect(dest.status).toBe(201);
  const source = await api<{ writeKey: string }>('POST', '/api/sources', {
    name: 'Web app',
    destinationId: dest.body.destination.id,
  });
  const batch = [
    ...Array.from({ length: 6 }, (_, i) => ({
      type: 'identify',
      userId: `u${i}`,
      traits: { email: `user${i}@example.com`, name: `User ${i}` },
    })),
    ...Array.from({ length: 4 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'report_exported' })),
    // Gainsight refuses an unregistered event (1001): failed at once, with the vendor's answer kept.
    { type: 'track', userId: 'u1', event: 'Not Registered' },
  ];
  writeKey = source.body.writeKey;
  expect((await ingest(batch)).status).toBe(200);

  // A pipeline run, so the runs summary has a row and the calls chart a second connector.
  const pipeline = await api<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
    kind: 'salesforce.to_gainsight_usage',
    name: 'Account size to Gainsight',
    connectionId: sf.body.connection.id,
    settings: {
      targetConnectionId: gsId,
      companyIdField: 'GsCompanyId',
      fieldMap: [{ from: 'NumberOfEmployees', to: 'Employees__gc' }],
    },
  });
  expect(pipeline.status).toBe(201);
  const id = pipeline.body.pipeline.id;
  expect((await api('POST', `/api/pipelines/${id}/run`)).status).toBe(202);
  type Status = { pipeline: { lastRun: { status: string } | null } };
  const ran = await until(
    () => api<Status>('GET', `/api/pipelines/${id}`),
    (r) => r.body.pipeline.lastRun !== null && r.body.pipeline.lastRun.status !== 'running',
  );
  expect(ran.body.pipeline.lastRun?.status).toBe('completed');

  counts = (
    await until(
      () => api<{ counts: Counts }>('GET', '/api/events?limit=1'),
      (r) => r.body.counts.delivered === 10 && r.body.counts.failed === 1,
    )
  ).body.counts;
}

beforeAll(async () => {
  salesforce = createSalesforceSimulator({ accounts: ACCOUNTS.length });
  gainsight = createGainsightSimulator({
    companies: ACCOUNTS.length,
    people: 0,
    // No seeded usage rows: they would already cover today, and the run would skip every account.
    usageRows: 0,
    sfdcAccountIds: ACCOUNTS,
    extraFields: { product_usage__gc: [{ fieldName: 'Employees__gc', dataType: 'NUMBER', label: 'Employees' }] },
    registeredEvents: [{ eventName: 'Report Exported', eventVersion: 'v02', topicName: 'product-usage' }],
  });
  servers = [await listen(gainsight.app), await listen(salesforce.app)];
  harness = await startHarness('overview');
  await makeTraffic();
  ({ context, page } = await harness.newPage({ width: 1360, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await Promise.all(servers.map((s) => s.close()));
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'overview');
});

const shot = (name: string) => screenshot(page, name);
const chart = (name: string) => page.getByRole('region', { name }).getByRole('img');
const tableRows = (name: string) => page.getByRole('region', { name }).getByTestId('chart-table').locator('tbody tr');

describe('overview page', () => {
  it('is the landing page after sign-in, first in the navigation, with the counts by state', async () => {
    await harness.signIn(page);
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    expect(page.url()).toMatch(/#\/overview$/);
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(links[0]).toBe('Overview');

    // "Waiting" counts every event not delivered yet (never sent, or to be retried).
    expect(await page.getByTestId('count-waiting').textContent()).toBe(String(counts.received + counts.retrying));
    for (const state of ['retrying', 'delivered', 'failed'] as const) {
      expect(await page.getByTestId(`count-${state}`).textContent()).toBe(String(counts[state]));
    }
  });

  it('charts events and vendor calls, errors apart, with a text summary and a data table', async () => {
    const events = chart('Events');
    await events.waitFor();
    const eventsLabel = (await events.getAttribute('aria-label')) ?? '';
    expect(eventsLabel).toMatch(/^Events over the last 24 hours, in 30-minute buckets: /);
    expect(eventsLabel).toContain('11 received, 10 delivered, 1 failed');
    // One line per series, dots where something happened, round y ticks and time labels on the x axis.
    expect(await events.locator('.chart-lines path').count()).toBe(3);
    expect(await events.locator('.chart-lines circle').count()).toBeGreaterThanOrEqual(3);
    expect(await events.locator('.chart-grid text').count()).toBeGreaterThan(4);
    // The table lists the buckets with something in them (one, or two if the setup crossed a bucket edge).
    const rows = await tableRows('Events').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))),
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect([0, 1, 2].map((col) => rows.reduce((total, row) => total + (row[col] ?? 0), 0))).toEqual([11, 10, 1]);

    const calls = chart('Vendor calls');
    const callsLabel = (await calls.getAttribute('aria-label')) ?? '';
    expect(callsLabel).toMatch(/gainsight ok/);
    // The check answered 429 and the unregistered event's refusal.
    expect(callsLabel).toMatch(/\b2 gainsight errors\b/);
    expect(callsLabel).toMatch(/[1-9]\d* salesforce ok/);
    expect(await calls.locator('.chart-bars rect').count()).toBeGreaterThanOrEqual(3);
    const legend = await page
      .getByRole('region', { name: 'Vendor calls' })
      .locator('.chart-legend li')
      .allTextContents();
    expect(legend.map((l) => l.replace(/\s+\d+$/, '').trim())).toEqual([
      'gainsight OK',
      'gainsight errors',
      'salesforce OK',
    ]);
    const headers = await page
      .getByRole('region', { name: 'Vendor calls' })
      .getByTestId('chart-table')
      .locator('thead th')
      .allTextContents();
    expect(headers).toEqual(['Time', 'gainsight OK', 'gainsight errors', 'salesforce OK', 'Total']);
  });

  it('shows a tooltip for the bucket under the pointer', async () => {
    const events = chart('Events');
    const box = (await events.boundingBox())!;
    // The newest bucket is at the right end of the plot.
    await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
    const tip = page.getByRole('region', { name: 'Events' }).locator('.chart-tip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/Received: [1-9]\d*.*Delivered: \d+.*Failed: \d+/);
    await shot('overview-01-landing');
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'detached' });
  });

  it('summarises the budgets and the latest pipeline runs', async () => {
    const budgets = page.getByRole('region', { name: 'Rate-limit budgets' });
    expect(await budgets.textContent()).toMatch(/gainsight/);
    expect(await budgets.textContent()).toMatch(/This minute/);
    expect(await budgets.getByRole('link', { name: 'All limits' }).getAttribute('href')).toBe('#/limits');
    const runs = page.getByRole('region', { name: 'Latest pipeline runs' });
    const row = runs.getByRole('row', { name: /Account size to Gainsight/ });
    expect(await row.textContent()).toMatch(/completed/);
    // Read, written, skipped, failed: every account has an employee count, so each one became a usage row.
    const n = String(ACCOUNTS.length);
    expect(await row.locator('td.num').allTextContents()).toEqual([n, n, '0', '0']);
  });

  it('switches the range and keeps it in the address', async () => {
    await page.getByRole('button', { name: '1 h' }).click();
    await page.waitForURL(/#\/overview\?hours=1$/);
    // The address changes first; the buttons follow on the next render, so wait for them rather than read once.
    await page.getByRole('button', { name: '1 h', pressed: true }).waitFor();
    await page.getByRole('button', { name: '24 h', pressed: false }).waitFor();
    const events = chart('Events');
    await until(
      async () => (await events.getAttribute('aria-label')) ?? '',
      (l) => l.startsWith('Events over the last hour, in 5-minute buckets: 11 received'),
    );
    await shot('overview-02-hour');
    await page.getByRole('button', { name: '7 d' }).click();
    await until(
      async () => (await events.getAttribute('aria-label')) ?? '',
      (l) => l.startsWith('Events over the last 7 days, in 6-hour buckets: 11 received'),
    );
    await shot('overview-03-week');
  });

  it('fits a phone-sized screen: one column, charts drawn at the narrower width', async () => {
    await page.setViewportSize({ width: 400, height: 900 });
    const events = chart('Events');
    await until(
      async () => Number(await events.getAttribute('width')),
      (w) => w > 0 && w < 400,
    );
    const calls = (await chart('Vendor calls').boundingBox())!;
    const eventsBox = (await events.boundingBox())!;
    expect(calls.y).toBeGreaterThan(eventsBox.y + eventsBox.height);
    // Nothing inside the page's cards is wider than its card (the top bar is the shell's business).
    const overflowing = await page
      .locator('.overview .card')
      .evaluateAll((cards) => cards.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.id || c.className));
    expect(overflowing).toEqual([]);
    await shot('overview-04-narrow');
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('follows new events live, without a reload', async () => {
    await page.getByRole('button', { name: '24 h' }).click();
    await page.evaluate('window.__sameDocument = true');
    const res = await ingest([
      { type: 'identify', userId: 'u7', traits: { email: 'user7@example.com' } },
      { type: 'identify', userId: 'u8', traits: { email: 'user8@example.com' } },
    ]);
    expect(res.status).toBe(200);
    // The event stream triggers the refetch well before the 10-second timer would.
    await until(
      async () => (await page.getByTestId('count-delivered').textContent()) ?? '',
      (text) => text === '12',
      8_000,
    );
    const label = (await chart('Events').getAttribute('aria-label')) ?? '';
    expect(label).toContain('13 received, 12 delivered, 1 failed');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });
});
