import {
  createGainsightSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  salesforceId,
} from '@synchub/sandbox';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { description, type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';

// The generic sync from the dashboard: Salesforce accounts → Gainsight companies (update, matched on Name),
// configured with the pickers (stream, writer, source and destination fields from discover), refused once
// by the hub's save-time type check, previewed (records and the requests a run would send, with nothing
// reaching Gainsight), saved, run, and its counts and per-record outcomes shown. Checked at the simulator.

const ACCOUNTS = 12;
/** Gainsight companies that carry the names of Salesforce accounts 0–4: the update matches those. */
const MATCHED = 5;

let harness: Harness;
let servers: RunningServer[] = [];
let salesforce: ReturnType<typeof createSalesforceSimulator>;
let gainsight: ReturnType<typeof createGainsightSimulator>;
let context: BrowserContext | undefined;
let page: Page | undefined;
const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => salesforceId('001', i + 1));

const account = (i: number) => salesforce.record('Account', accountIds[i]!) as Record<string, unknown>;
const companyNamed = (name: unknown) => gainsight.state.rows('company').find((c) => c.Name === name);
const companyWrites = () =>
  gainsight.control.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/v1/data/objects/Company'));

beforeAll(async () => {
  salesforce = createSalesforceSimulator({ accounts: ACCOUNTS });
  gainsight = createGainsightSimulator({ companies: 8 });
  servers = [await listen(salesforce.app), await listen(gainsight.app)];
  harness = await startHarness('sync');
  const sf = await harness.api<{ connection: { id: string } }>('POST', '/api/connections', {
    connectorId: 'salesforce',
    name: 'Salesforce sandbox',
    settings: { loginUrl: servers[0]!.url, clientId: salesforce.credentials.clientId, sandbox: true },
    secrets: { clientSecret: salesforce.credentials.clientSecret, refreshToken: salesforce.credentials.refreshToken },
  });
  expect(sf.status).toBe(201);
  const gs = await harness.api('POST', '/api/connections', {
    connectorId: 'gainsight',
    name: 'Gainsight sandbox',
    settings: { domain: servers[1]!.url, sandbox: true, tenantId: gainsight.credentials['tenantId'] },
    secrets: { accessKey: gainsight.credentials['accessKey'], sharedSecret: gainsight.credentials['sharedSecret'] },
  });
  expect(gs.status).toBe(201);
  const rows = gainsight.state.rows('company');
  for (let i = 0; i < MATCHED; i++) (rows[i] as Record<string, unknown>).Name = account(i)['Name'];
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'sync');
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** A full-page screenshot, kept with the other browser shots and in /tmp/shots for review. */
async function shot(p: Page, name: string): Promise<void> {
  await screenshot(p, name);
  await p.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
}

/** Nothing wider than the viewport (no sideways scrolling of the page itself). */
async function expectNoOverflow(p: Page, width: number): Promise<void> {
  const scroll = Number(await p.evaluate('document.documentElement.scrollWidth'));
  expect(scroll).toBeLessThanOrEqual(width);
}

describe('generic sync in the dashboard', () => {
  it('configures Salesforce accounts → Gainsight companies with the pickers; the hub’s refusal lands on its row', async () => {
    ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
    const p = page;
    await harness.signIn(p, '/#/pipelines');
    await p.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor();
    await p.getByRole('link', { name: 'New sync' }).click();
    await p.getByRole('heading', { name: 'New sync' }).waitFor();

    await p.getByLabel('Name', { exact: true }).fill('Accounts → Companies');
    await p.getByLabel('Source connection').selectOption({ label: 'Salesforce sandbox' });
    // The connector has one stream: it is chosen, and its options come from its schema.
    expect(await p.getByLabel('Stream', { exact: true }).inputValue()).toBe('accounts');
    const object = p.getByLabel('Object', { exact: true });
    await object.locator('option[value="Account"]').waitFor({ state: 'attached' });
    expect(await object.inputValue()).toBe('Account');
    expect(await description(p.locator('#f-streamOptions-fields'))).toMatch(/Leave empty to read just the fields/);

    await p.getByLabel('Destination connection').selectOption({ label: 'Gainsight sandbox' });
    const writer = p.getByLabel('Writer', { exact: true });
    const writerOptions = await writer.locator('option').allTextContents();
    expect(writerOptions).toContain('company_update (update, 50/call)');
    await writer.selectOption('company_update');
    expect(await description(writer)).toMatch(/a record with no match is skipped/);

    await p.getByLabel('Source field, row 1').selectOption('Name');
    await p.getByLabel('Destination field, row 1').selectOption('Name');
    await p.getByRole('button', { name: 'Add mapping row' }).click();
    // A text field into a number field: the hub refuses it at save time.
    await p.getByLabel('Source field, row 2').selectOption('Industry');
    await p.getByLabel('Destination field, row 2').selectOption('Employees');
    const key = p.getByLabel('Match on (key)');
    expect(await key.locator('option').allTextContents()).toEqual(['Choose a mapped field…', 'Name', 'Employees']);
    await key.selectOption('Name');

    await p.getByRole('button', { name: 'Create sync' }).click();
    const target2 = p.getByLabel('Destination field, row 2');
    await p.locator('.map-row [id$="-to-error"]').first().waitFor();
    expect(await target2.getAttribute('aria-invalid')).toBe('true');
    expect(await description(target2)).toMatch(/Employees/);
    expect(await p.getByLabel('Destination field, row 1').getAttribute('aria-invalid')).toBeNull();
    await shot(p, 'sync-01-refused-1280');

    await p.getByLabel('Source field, row 2').selectOption('NumberOfEmployees');
  });

  it('previews: each record before and after, and the requests a run would send; nothing reaches Gainsight', async () => {
    const p = page!;
    const writesBefore = companyWrites().length;
    await p.getByRole('button', { name: 'Preview' }).click();
    const preview = p.getByRole('region', { name: 'Preview' });
    await preview.getByRole('heading', { name: /Records \(\d+\)/ }).waitFor();
    expect(await preview.getByRole('heading', { name: /Records/ }).textContent()).toBe(`Records (${ACCOUNTS})`);
    const first = preview.locator('tbody tr').filter({ hasText: String(account(0)['Name']) });
    expect(await first.count()).toBe(1);
    expect(await first.locator('td').nth(2).textContent()).toContain(`Employees${account(0)['NumberOfEmployees']}`);

    // The company update the run would send: method, URL with the key, masked access key, the records.
    const requests = preview.locator('.request');
    expect(await requests.count()).toBeGreaterThan(0);
    const request = requests.first();
    expect(await request.locator('summary').textContent()).toMatch(/^PUT .*\/v1\/data\/objects\/Company.*keys=Name/);
    expect(await request.textContent()).toContain('••••');
    expect(await request.textContent()).not.toContain(gainsight.credentials['accessKey']!);
    expect(await request.locator('pre').textContent()).toContain(`"Name": ${JSON.stringify(account(0)['Name'])}`);
    // A preview writes nothing.
    expect(companyWrites().length).toBe(writesBefore);
    await shot(p, 'sync-02-preview-1280');
  });

  it('saves, runs from the list, and shows the counts and each record’s outcome; Gainsight holds the updates', async () => {
    const p = page!;
    await p.getByRole('button', { name: 'Create sync' }).click();
    await p.getByText('Saved “Accounts → Companies”.').waitFor();
    const row = p.getByRole('row', { name: /Accounts → Companies/ });
    expect(await row.textContent()).toContain('Salesforce sandbox → Gainsight sandbox');
    await row.getByRole('button', { name: 'Run Accounts → Companies' }).click();
    await row.getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(`${ACCOUNTS} read · ${MATCHED} written · ${ACCOUNTS - MATCHED} skipped`);

    const history = p.getByRole('list', { name: 'Run history' });
    await history.getByText('Completed', { exact: true }).waitFor();
    expect(await history.textContent()).toContain(
      `Read${ACCOUNTS}Written${MATCHED}Skipped${ACCOUNTS - MATCHED}Failed0`,
    );
    expect(await history.textContent()).toContain(`${ACCOUNTS - MATCHED} × no matching record`);
    const outcomes = history.getByRole('region', { name: /Record outcomes of run/ });
    await outcomes.locator('tbody tr').first().waitFor();
    expect(await outcomes.locator('tbody tr').count()).toBe(ACCOUNTS);
    await outcomes.getByLabel('Show records').selectOption('skipped');
    // The filtered answer replaces the table after a refetch: wait for it rather than reading once.
    await expect.poll(() => outcomes.locator('tbody tr').count()).toBe(ACCOUNTS - MATCHED);
    expect(await outcomes.locator('tbody').textContent()).toContain(String(account(MATCHED)['Name']));
    await shot(p, 'sync-03-run-1280');

    // What Gainsight received and holds: the matched companies carry the accounts' employee counts.
    const puts = companyWrites().filter((r) => r.method === 'PUT');
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((r) => (r.query as Record<string, string>)['keys'] === 'Name')).toBe(true);
    for (let i = 0; i < MATCHED; i++) {
      expect(companyNamed(account(i)['Name'])).toMatchObject({ Employees: account(i)['NumberOfEmployees'] });
    }
    const sent = puts.flatMap((r) => (r.body as { records: Array<Record<string, unknown>> }).records);
    expect(Object.keys(sent[0]!).sort()).toEqual(['Employees', 'Name']);
  });

  it('on a phone (400 px): the saved sync’s form, preview and latest run fit the screen', async () => {
    await context?.close();
    ({ context, page } = await harness.newPage({ width: 400, height: 860 }));
    const p = page;
    const { body } = await harness.api<{ pipelines: Array<{ id: string; kind: string }> }>('GET', '/api/pipelines');
    const sync = body.pipelines.find((x) => x.kind === 'sync')!;
    await harness.signIn(p, `/#/pipelines/${sync.id}/edit`);
    await p.getByRole('button', { name: 'Save changes' }).waitFor();
    // The field pickers fill in once discover answers.
    await expect.poll(() => p.getByLabel('Source field, row 2').inputValue()).toBe('NumberOfEmployees');
    expect(await p.getByLabel('Match on (key)').inputValue()).toBe('Name');
    const latest = p.getByRole('region', { name: 'Latest run' });
    await latest.getByText('Completed', { exact: true }).waitFor();
    await latest.locator('tbody tr').first().waitFor();
    await expectNoOverflow(p, 400);
    await shot(p, 'sync-04-form-400');

    // The saved, unchanged sync previews from where it left off: every account was read, nothing is new.
    await p.getByRole('button', { name: 'Preview' }).click();
    const preview = p.getByRole('region', { name: 'Preview' });
    await preview.getByText(/^The saved settings/).waitFor();
    expect(await preview.getByRole('heading', { name: /Records/ }).textContent()).toBe('Records (0)');

    // An edit previews the form's settings instead (from the start, as a new sync would run).
    await p.getByLabel('Convert to, row 2').selectOption('integer');
    await p.getByText('A run uses the saved settings').waitFor();
    await p.getByRole('button', { name: 'Preview' }).click();
    await preview.getByText(/^These settings/).waitFor();
    expect(await preview.getByRole('heading', { name: /Records/ }).textContent()).toBe(`Records (${ACCOUNTS})`);
    await expectNoOverflow(p, 400);
    await shot(p, 'sync-05-preview-400');
  });
});
