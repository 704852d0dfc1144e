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

// Operating day to day, as a customer-success operations person reads the dashboard: what waits for
// delivery and for how long, times with their date and zone, and a run log one can read.

let harness: Harness;
let gainsight: RunningServer;
let salesforce: RunningServer;
let sim: ReturnType<typeof createGainsightSimulator>;
let sf: ReturnType<typeof createSalesforceSimulator>;
let gainsightId = '';
let salesforceConnectionId = '';
const ACCOUNTS = 8;
let context: BrowserContext;
let page: Page;
let writeKey = '';

const api = <T>(method: string, url: string, body?: unknown) => harness.api<T>(method, url, body);
const shot = (name: string) => screenshot(page, name);

interface Backlog {
  backlog: Array<{ destinationName: string | null; waiting: number; retrying: number }>;
}

beforeAll(async () => {
  // Companies linked to Salesforce Accounts by their SfdcAccountId, except the last two (unmatched).
  const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => salesforceId('001', i + 1));
  sim = createGainsightSimulator({ companies: ACCOUNTS, people: 0, activities: 0, sfdcAccountIds: accountIds });
  for (const company of sim.state.rows('company').slice(-2)) company.SfdcAccountId = null;
  sf = createSalesforceSimulator({ accounts: ACCOUNTS });
  gainsight = await listen(sim.app);
  salesforce = await listen(sf.app);
  harness = await startHarness('operations');
  // A browser in New York, so its zone and UTC differ on every time shown.
  context = await harness.browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'America/New_York',
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);

  const gs = await api<{ connection: { id: string } }>('POST', '/api/connections', {
    connectorId: 'gainsight',
    name: 'Gainsight',
    settings: { domain: gainsight.url, sandbox: true, tenantId: sim.credentials['tenantId'] },
    secrets: { accessKey: sim.credentials['accessKey'], sharedSecret: sim.credentials['sharedSecret'] },
  });
  expect(gs.status).toBe(201);
  gainsightId = gs.body.connection.id;
  const sfc = await api<{ connection: { id: string } }>('POST', '/api/connections', {
    connectorId: 'salesforce',
    name: 'Salesforce',
    settings: { loginUrl: salesforce.url, clientId: sf.credentials['clientId'], sandbox: true },
    secrets: { clientSecret: sf.credentials['clientSecret'], refreshToken: sf.credentials['refreshToken'] },
  });
  expect(sfc.status).toBe(201);
  salesforceConnectionId = sfc.body.connection.id;
  const dest = await api<{ destination: { id: string } }>('POST', '/api/destinations', {
    name: 'Gainsight people',
    kind: 'gainsight',
    connectionId: gs.body.connection.id,
    settings: { personFieldMap: [], companyFieldMap: [], flushWindowMs: 200 },
  });
  expect(dest.status).toBe(201);
  const source = await api<{ writeKey: string }>('POST', '/api/sources', {
    name: 'Web app',
    destinationId: dest.body.destination.id,
  });
  writeKey = source.body.writeKey;
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await gainsight?.close();
  await salesforce?.close();
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'operations');
});

describe('counts that say what they mean', () => {
  it('shows what waits, since when, and how long the Gainsight budget makes it wait, on Overview', async () => {
    // Gainsight is down: every call answers 5xx, so the events wait to be retried.
    sim.control.faults.set('*', { errorRate: 1 });
    const batch = Array.from({ length: 30 }, (_, i) => ({
      type: 'identify',
      messageId: `op-${i}`,
      userId: `user-${i}`,
      traits: { email: `user${i}@example.com` },
    }));
    expect((await harness.ingest(writeKey, batch)).status).toBe(200);
    await until(
      () => api<Backlog>('GET', '/api/backlog'),
      (r) => r.body.backlog[0]?.waiting === 30 && r.body.backlog[0]?.retrying === 30,
    );

    await harness.signIn(page, '/#/overview');
    const card = page.getByRole('region', { name: 'Waiting for delivery' });
    const line = card.getByTestId('backlog-line').filter({ hasText: 'Gainsight people' });
    await expect
      .poll(() => line.textContent())
      .toMatch(
        /30 waiting \(30 to retry\) · oldest (under a minute|\d+ min) old · Gainsight budget 100\/min · (about|under)/,
      );
    // How the estimate was made is said, not left to guess.
    expect(await line.textContent()).toMatch(/calls at (1 event per call assumed|[\d.]+ events? per call, measured)/);
    // The tile that counted waiting events as "Received" says what it counts.
    const tiles = page.getByRole('list', { name: 'Events by state' });
    // The tile that counted only events never sent, as "Received", now counts every event not delivered
    // yet, as the backlog does, and says how many of them wait for a retry.
    expect(await tiles.getByRole('link').allTextContents()).toEqual([
      'Waiting300 not sent yet · 30 to retry',
      'Retrying30',
      'Delivered0',
      'Failed0',
    ]);
    expect(await card.getByTestId('backlog-total').textContent()).toBe('30 in all');
    // The age carries the full date and time as its hint.
    const age = line.locator('time');
    expect(await age.getAttribute('title')).toMatch(/^Received [A-Z][a-z]{2} \d{1,2}, \d{4}, .* E[SD]T$/);
    await shot('ops-01-overview-backlog-1280');
    await page.setViewportSize({ width: 400, height: 900 });
    await card.scrollIntoViewIfNeeded();
    await shot('ops-02-overview-backlog-400');
    // Nothing sticks out of the page at 400 px.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the same backlog on Events', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events', exact: true }).click();
    const line = page.getByRole('region', { name: 'Waiting for delivery' }).getByTestId('backlog-line');
    await expect.poll(() => line.first().textContent()).toMatch(/Gainsight people30 waiting \(30 to retry\)/);
    // The state filter has the tiles' words; the Waiting tile filters on every event not delivered yet.
    expect(await page.getByLabel('State', { exact: true }).locator('option').allTextContents()).toEqual([
      'All states',
      'Waiting (not delivered yet)',
      'Not sent yet',
      'Retrying',
      'Delivered',
      'Failed',
    ]);
    await page.getByRole('link', { name: /^Waiting/ }).click();
    await expect.poll(() => page.getByLabel('State', { exact: true }).inputValue()).toBe('waiting');
    await expect.poll(() => page.locator('.events-table tbody tr').count()).toBe(30);
    await shot('ops-03-events-backlog-1280');

    // Gainsight is back: the backlog drains and the card says nothing waits.
    sim.control.faults.clear();
    await until(
      () => api<Backlog>('GET', '/api/backlog'),
      (r) => r.body.backlog[0]?.waiting === 0,
      60_000,
    );
    await expect.poll(() => line.first().textContent(), { timeout: 10_000 }).toBe('Gainsight peopleNothing waiting');
  });
});

// "Mar 5, 9:03:07 AM EST": date, time and zone (the year only when it is not this year's).
const DATE_TIME = (zone: string) =>
  new RegExp(`^[A-Z][a-z]{2} \\d{1,2}(, \\d{4})?, \\d{1,2}:\\d{2}(:\\d{2})? [AP]M ${zone}$`);

describe('times with dates and zones', () => {
  it('shows event times with date and zone, the relative time and UTC as the hint', async () => {
    await page.getByRole('link', { name: 'All events' }).click();
    const cell = page.locator('.events-table tbody tr').first().locator('time');
    expect(await cell.textContent()).toMatch(DATE_TIME('E[SD]T'));
    expect(await cell.getAttribute('title')).toMatch(/^(just now|\d+ min ago) · [A-Z][a-z]{2} \d{1,2}, \d{4}, .* UTC$/);
    expect(await page.getByLabel('Show times in').inputValue()).toBe('local');
    expect(await page.getByLabel('Show times in').locator('option').allTextContents()).toEqual([
      expect.stringMatching(/^Local · E[SD]T$/),
      'UTC',
    ]);
    // The switch fits in the top bar: nothing is wider than the window.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
  });

  it('switches every time to UTC from the top bar and remembers it', async () => {
    const cell = page.locator('.events-table tbody tr').first().locator('time');
    await page.getByLabel('Show times in').selectOption('utc');
    await expect.poll(() => cell.textContent()).toMatch(DATE_TIME('UTC'));
    expect(await cell.getAttribute('title')).toMatch(/ E[SD]T$/);
    // The event's detail too.
    await page.locator('.events-table tbody tr').first().getByRole('button').first().click();
    const detail = page.getByRole('complementary');
    await detail.getByText('Received', { exact: true }).waitFor();
    expect(await detail.locator('time').first().textContent()).toMatch(DATE_TIME('UTC'));
    await shot('ops-04-events-utc-1280');

    // A new visit keeps the choice; the Overview's chart says its zone.
    await page.reload();
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    expect(await page.getByLabel('Show times in').inputValue()).toBe('utc');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByText(/times in UTC\./).waitFor();
    await page.setViewportSize({ width: 400, height: 900 });
    await shot('ops-05-overview-utc-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('Show times in').selectOption('local');
    await page.getByText(/times in America\/New_York\./).waitFor();
  });
});

interface RunAnswer {
  run: { id: number; number: number; status: string; counts: { skipped: number } };
}

/** A Gainsight → Salesforce pipeline (the Pendo bridge's "Load to SFDC"), run once through the API. */
async function loadToSfdc(name: string): Promise<string> {
  const created = await api<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
    kind: 'gainsight.to_salesforce',
    name,
    connectionId: gainsightId,
    settings: {
      targetConnectionId: salesforceConnectionId,
      fieldMap: [{ from: 'HealthScore__gc', to: 'Health_Score__c' }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.pipeline.id;
}

async function runOnce(id: string): Promise<RunAnswer['run']> {
  const started = await api<{ runId: number }>('POST', `/api/pipelines/${id}/run`);
  expect(started.status).toBe(202);
  return (
    await until(
      () => api<RunAnswer>('GET', `/api/runs/${started.body.runId}`),
      (r) => r.body.run.status !== 'running',
    )
  ).body.run;
}

describe('a readable run log', () => {
  it('numbers runs per pipeline, explains the cursor in words and shows unmatched records as a table', async () => {
    // Another pipeline ran first: the new pipeline's first run is still its run 1.
    const other = await loadToSfdc('Health to Salesforce (old)');
    expect((await runOnce(other)).number).toBe(1);
    const id = await loadToSfdc('Health to Salesforce');
    const first = await runOnce(id);
    expect(first).toMatchObject({ number: 1, status: 'completed', counts: { skipped: 2 } });
    expect(first.id).toBeGreaterThan(1);
    expect((await runOnce(id)).number).toBe(2);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines', exact: true }).click();
    await page.getByRole('button', { name: 'History of Health to Salesforce', exact: true }).click();
    const history = page.getByRole('list', { name: 'Run history' });
    const runs = history.locator(':scope > li');
    await expect.poll(() => runs.count()).toBe(2);
    expect(await runs.first().textContent()).toMatch(/Run 2 · manual · started /);
    expect(await runs.nth(1).textContent()).toMatch(/Run 1 · manual · started /);
    // The cursor in words: the first run read everything, the second found nothing newer.
    expect(await runs.nth(1).textContent()).toMatch(
      /Read everything changed up to [A-Z][a-z]{2} \d{1,2}, \d{4}, .*\. The next run reads only what changed after that\./,
    );
    expect(await runs.first().textContent()).toMatch(/Nothing changed after .*, so the position stayed\./);
    expect(await runs.first().textContent()).toContain('changing them starts over');
    // Unmatched companies: a table with a column per field, not a JSON blob.
    const table = runs.nth(1).getByRole('table', { name: /^Unmatched \(2\)/ });
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Gsid↕', 'Name↕']);
    expect(await table.locator('tbody tr').count()).toBe(2);
    expect(await runs.nth(1).locator('pre.json').count()).toBe(0);
    // The table's cells are the companies' values.
    const unmatched = sim.state.rows('company').slice(-2);
    expect((await table.locator('tbody td:first-child').allTextContents()).sort()).toEqual(
      unmatched.map((c) => String(c.Gsid)).sort(),
    );
    // Sorting by Name: ascending, then descending.
    const names = () => table.locator('tbody tr td:nth-child(2)').allTextContents();
    const unsorted = await names();
    await table.getByRole('button', { name: 'Name' }).click();
    expect(await names()).toEqual([...unsorted].sort((a, b) => a.localeCompare(b)));
    expect(await table.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('ascending');
    await table.getByRole('button', { name: 'Name' }).click();
    expect(await names()).toEqual([...unsorted].sort((a, b) => b.localeCompare(a)));
    // The next run's date, not only "in 5 h".
    const row = page
      .locator('.pipeline-group tbody tr')
      .filter({ hasText: 'Health to Salesforce' })
      .filter({ hasNotText: '(old)' })
      .first();
    expect(await row.locator('td').nth(1).textContent()).toMatch(DATE_TIME('E[SD]T'));
    await shot('ops-06-run-log-1280');
    await page.setViewportSize({ width: 400, height: 900 });
    await runs.first().scrollIntoViewIfNeeded();
    await shot('ops-07-run-log-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows skipped counts and run numbers on Overview, sortable', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview', exact: true }).click();
    const runs = page.getByRole('region', { name: 'Latest pipeline runs' });
    const row = runs.locator('tbody tr').filter({ hasNotText: '(old)' });
    await row.waitFor();
    expect(await runs.getByRole('columnheader').allTextContents()).toEqual([
      'Pipeline↕',
      'Last run↕',
      'Read↕',
      'Written↕',
      'Skipped↕',
      'Failed↕',
    ]);
    expect(await row.textContent()).toContain('run 2');
    // The second run read nothing new: 0 read, 0 skipped; the first pipeline's only run skipped 2.
    const old = runs.locator('tbody tr').filter({ hasText: '(old)' });
    expect(await old.locator('td.num').allTextContents()).toEqual([String(ACCOUNTS), '6', '2', '0']);
    await runs.getByRole('button', { name: 'Skipped' }).click();
    await runs.getByRole('button', { name: 'Skipped' }).click();
    expect(await runs.locator('tbody tr').first().textContent()).toMatch(/\(old\)/);
    await shot('ops-08-overview-runs-1280');
    await page.setViewportSize({ width: 400, height: 900 });
    await runs.scrollIntoViewIfNeeded();
    await shot('ops-08b-overview-runs-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows every attempt of an event, and finds events by user id, email, messageId or event name', async () => {
    // Gainsight answers 5xx to the first try, then takes the retry.
    sim.control.faults.set('*', { errorRate: 1 });
    const batch = [
      { type: 'identify', messageId: 'find-me', userId: 'grace', traits: { email: 'Grace@Example.com' } },
      { type: 'identify', messageId: 'other', userId: 'alan', traits: { email: 'alan@example.com' } },
    ];
    expect((await harness.ingest(writeKey, batch)).status).toBe(200);
    type Events = { events: Array<{ id: number; state: string; attempts: number; messageId: string }> };
    await until(
      () => api<Events>('GET', '/api/events?search=find-me'),
      (r) => r.body.events[0]?.state === 'retrying',
    );
    sim.control.faults.clear();
    const found = await until(
      () => api<Events>('GET', '/api/events?search=find-me'),
      (r) => r.body.events[0]?.state === 'delivered',
      60_000,
    );
    expect(found.body.events[0]?.attempts).toBeGreaterThan(1);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events', exact: true }).click();
    const box = page.getByLabel('Search', { exact: true });
    const ids = () =>
      page.locator('.events-table tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('td')?.textContent));
    for (const term of ['grace', 'grace@example.com', 'find-me']) {
      await box.fill(term);
      await box.press('Enter');
      await page.waitForURL(new RegExp(`search=${encodeURIComponent(term).replace(/\./g, '\\.')}`));
      await expect.poll(ids).toEqual([String(found.body.events[0]?.id)]);
    }
    // The search stays in the address and on the filters; Clear filters brings every event back.
    expect(await box.inputValue()).toBe('find-me');

    // Every attempt, newest first: the server error, then the delivery.
    await page.getByRole('button', { name: `Show event ${found.body.events[0]?.id}` }).click();
    const attempts = page.getByRole('region', { name: /^Attempts/ });
    await attempts.waitFor();
    const items = attempts.getByRole('listitem');
    const n = found.body.events[0]?.attempts ?? 0;
    await expect.poll(() => items.count()).toBe(n);
    expect(await items.first().textContent()).toMatch(new RegExp(`^Attempt ${n} Delivered`));
    expect(await items.last().textContent()).toMatch(/^Attempt 1 To retry .*transient.*HTTP 5\d\d/);
    await shot('ops-09-event-attempts-1280');

    // Sortable: by label (the email), ascending.
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expect.poll(() => page.locator('.events-table tbody tr').count()).toBe(32);
    await page.locator('.events-table').getByRole('button', { name: 'Label' }).click();
    const labels = await page.locator('.events-table tbody td.label-cell').allTextContents();
    expect(labels).toEqual(
      [...labels].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })),
    );
    await page.setViewportSize({ width: 400, height: 900 });
    await shot('ops-10-events-search-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
