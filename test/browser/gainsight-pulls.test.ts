import {
  createGainsightSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  salesforceId,
} from '@synchub/sandbox';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { description, type Harness, screenshot, screenshotIfFailed, screenshotOf, startHarness } from './harness.js';

// Gainsight → hub through the dashboard: both connections, the settings wizard (Common, Company,
// Activity), a gated run before the primary CRM has synced, the accounts sync, Run all and the banner,
// then the Accounts page with what the pulls added.

const ACCOUNTS = 12;

let harness: Harness;
let gsServer: RunningServer;
let sfServer: RunningServer;
let gs: ReturnType<typeof createGainsightSimulator>;
let sf: ReturnType<typeof createSalesforceSimulator>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // A tenant that lines up as a real one does: each company's SfdcAccountId is a Salesforce Account, and
  // each Account's Gainsight_GSID__c is that company's GSID (so matching does not depend on run order).
  const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => salesforceId('001', i + 1));
  gs = createGainsightSimulator({
    companies: ACCOUNTS,
    people: 40,
    activities: 120,
    usageRows: 0,
    surveyResponses: 60,
    sfdcAccountIds: accountIds,
  });
  const gsids = gs.state.rows('company').map((c) => String(c['Gsid']));
  sf = createSalesforceSimulator({ accounts: ACCOUNTS, gsids });
  gsServer = await listen(gs.app);
  sfServer = await listen(sf.app);
  harness = await startHarness('pulls');
  ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await gsServer?.close();
  await sfServer?.close();
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'pulls');
});

const shot = (name: string) => screenshot(page, name);
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const banner = () => page.getByRole('region', { name: 'Object sync status' });
const bannerRow = (name: string) => banner().getByRole('listitem', { name });
const section = (id: string) => page.locator(`#gs-${id}-section`);

async function open(id: string): Promise<Locator> {
  const s = section(id);
  if ((await s.getAttribute('open')) === null) await s.locator('summary').first().click();
  return s;
}

describe('Gainsight pulls, from the dashboard', () => {
  it('adds the Gainsight and Salesforce connections', async () => {
    await harness.signIn(page, '/#/connections');

    await page.getByRole('link', { name: 'Add connection' }).first().click();
    await page.getByLabel('Connector', { exact: true }).selectOption('gainsight');
    await page.getByLabel('Name', { exact: true }).fill('Gainsight sandbox');
    await page.getByLabel(/domain/i).fill(gsServer.url);
    await page.getByLabel(/simulator/i).check();
    await page.getByLabel(/access key/i).fill(gs.credentials['accessKey']!);
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('row', { name: /Gainsight sandbox/ }).waitFor();

    await page.getByRole('link', { name: 'Add connection' }).first().click();
    await page.getByLabel('Connector', { exact: true }).selectOption('salesforce');
    await page.getByLabel('Name', { exact: true }).fill('Salesforce sandbox');
    await page.getByLabel('Login URL').fill(sfServer.url);
    await page.getByLabel('Consumer key').fill(sf.credentials['clientId']!);
    await page.getByLabel(/simulator/i).check();
    await page.getByLabel('Consumer secret').fill(sf.credentials['clientSecret']!);
    await page.getByLabel('Refresh token').fill(sf.credentials['refreshToken']!);
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('row', { name: /Salesforce sandbox/ }).waitFor();
  });

  it('validates the connection and configures Common, Company and Activity in the wizard', async () => {
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(links).toEqual(expect.arrayContaining(['Gainsight', 'Accounts']));
    // The connection's own row leads to its pulls.
    await page.getByRole('link', { name: 'Configure pulls of Gainsight sandbox' }).click();
    await page.getByRole('heading', { name: 'Gainsight pulls' }).waitFor();
    await banner().getByText('No object is enabled yet').waitFor();

    await page.getByRole('button', { name: 'Validate connection' }).click();
    await page.getByText(`${gs.state.objects.length} objects discovered`).waitFor();

    // Common: the primary CRM, and the GSID field picked from Salesforce's describe of Account.
    const common = await open('common');
    await common.getByLabel('Primary CRM', { exact: true }).selectOption({ label: 'Salesforce sandbox' });
    const gsid = common.getByLabel('Gainsight GSID field on Salesforce');
    await expect.poll(() => gsid.locator('option', { hasText: 'Gainsight_GSID__c' }).count()).toBe(1);
    await gsid.selectOption('Gainsight_GSID__c');
    await common.getByRole('button', { name: 'Save common settings' }).click();
    await common.getByText('Common settings saved.').waitFor();

    // Company: the field list is a picker sourced from the company object's describe; add a custom field.
    const company = await open('company');
    const fields = company.getByRole('group', { name: 'Company fields' });
    await expect.poll(() => fields.getByRole('checkbox').count()).toBeGreaterThan(5);
    expect(await fields.getByLabel('Industry', { exact: true }).isChecked()).toBe(true);
    await fields.getByLabel('Health Score (HealthScore__gc)').check();
    await company.getByLabel('Enable company pull').check();
    expect(await company.getByLabel('Schedule').inputValue()).toBe('daily');
    await company.getByRole('button', { name: 'Save company' }).click();
    await company.getByText(/company pull is set up/).waitFor();

    // Activity: default category map, live discovery with counts, one-click add of an unmapped category.
    const activity = await open('activity');
    await activity.getByLabel('Enable activity pull').check();
    expect(await activity.getByLabel('Schedule').inputValue()).toBe('every 4 hours');
    expect(await activity.getByLabel('Category, row 1').inputValue()).toBe('email');
    expect(await activity.getByLabel(/^Category, row/).count()).toBe(5);
    await activity.getByRole('button', { name: 'Discover categories' }).click();
    const chips = activity.getByRole('list', { name: 'Discovered categories' });
    await chips.waitFor();
    expect(await chips.textContent()).toMatch(/Meeting\s*\d+/);
    await chips.getByRole('button', { name: 'Add Onboarding' }).click();
    expect(await activity.getByLabel('Category, row 6').inputValue()).toBe('Onboarding');
    expect(await activity.getByLabel('Activity type, row 6').inputValue()).toBe('TYPE_MANUAL');
    await activity.getByLabel('What the activity types mean').click();
    await activity.getByText('A meeting or a call with the customer').waitFor();
    await shot('20-pulls-activity-discovered');
    await screenshotOf(activity, '20b-pulls-activity-section');

    // A second "email" row: caught before saving, next to the map.
    await activity.getByRole('button', { name: 'Add mapping' }).click();
    await activity.getByLabel('Category, row 7').fill('Email');
    await activity.getByRole('button', { name: 'Save activity' }).click();
    await activity.getByText('“Email” is mapped twice').waitFor();
    await activity.getByRole('button', { name: 'Remove category row 7' }).click();
    await activity.getByRole('button', { name: 'Save activity' }).click();
    await activity.getByText(/activity pull is set up/).waitFor();

    // The hub's 400 issues land next to their fields: Product usage needs its object.
    const usage = await open('usage');
    await usage.getByLabel('Enable product usage pull').check();
    await usage.getByRole('button', { name: 'Save product usage' }).click();
    await usage.getByRole('alert').first().waitFor();
    const usageObject = usage.getByLabel('Product usage object');
    expect(await usageObject.getAttribute('aria-invalid')).toBe('true');
    expect(await description(usageObject)).toMatch(/required/i);
    await shot('21-pulls-usage-issues');
    await screenshotOf(usage, '21b-pulls-usage-section');
    // Once the object is chosen, the aggregation pickers list its fields.
    await usageObject.selectOption('product_usage__gc');
    await usage.getByLabel('Aggregate', { exact: true }).check();
    const key = usage.getByLabel('Aggregate key');
    await expect.poll(() => key.locator('option', { hasText: 'AccountId__gc' }).count()).toBe(1);
    expect(await usage.getByLabel('Metric value field').locator('option', { hasText: 'MetricValue__gc' }).count()).toBe(
      1,
    );
    await screenshotOf(usage, '21c-pulls-usage-aggregate');
    await usage.getByLabel('Enable product usage pull').uncheck();

    await bannerRow('Company').waitFor();
    await bannerRow('Activity').waitFor();
    expect(await banner().getByRole('listitem').count()).toBe(2);
  });

  it('refuses a run before the primary CRM has synced, then runs the accounts sync and Run all', async () => {
    await bannerRow('Company').getByRole('button', { name: 'Run Company' }).click();
    const company = bannerRow('Company');
    await company.getByText('Failed', { exact: true }).waitFor();
    expect(await company.textContent()).toMatch(/gated.*primary CRM/i);
    await shot('22-pulls-gated');
    await screenshotOf(page.locator('.sync-banner'), '22b-pulls-banner-gated');

    const common = await open('common');
    const sync = common.getByRole('region', { name: 'Primary CRM accounts sync' });
    await sync.getByRole('button', { name: 'Set up accounts sync' }).click();
    await sync.getByRole('button', { name: 'Run accounts sync' }).click();
    await sync.getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await sync.textContent()).toMatch(new RegExp(`${ACCOUNTS} read`));

    await banner().getByRole('button', { name: 'Run all sync jobs' }).click();
    await bannerRow('Company').getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    await bannerRow('Activity').getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await bannerRow('Company').textContent()).toMatch(/Completed (just now|\d+ min ago)/);
    expect(await bannerRow('Activity').textContent()).toMatch(/120 read/);
    await shot('23-pulls-completed');
    await screenshotOf(page.locator('.sync-banner'), '23b-pulls-banner-completed');
    await screenshotOf(common, '23c-pulls-common');
  });

  it('shows accounts with their Gainsight fields and activities', async () => {
    await nav('Accounts').click();
    // The route changes on the next render: until then the Gainsight page (its open Activity map is a table)
    // is still there, so wait for the Accounts page before looking for its table.
    await page.getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
    const table = page.getByRole('table');
    await table.waitFor();
    expect(await table.getByRole('row').count()).toBe(ACCOUNTS + 1);
    await shot('24-accounts-list');

    // The account with the most activities, found by its row's count.
    const first = gs.state.rows('company')[0]!;
    const name = String(first['Name']);
    await page.getByLabel('Search accounts').fill(String(first['Gsid']).slice(0, 16));
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await table.getByRole('link').first().click();

    await page.getByRole('heading', { name: 'Gainsight fields' }).waitFor();
    const gsFields = page.getByRole('region', { name: 'Gainsight fields' });
    expect(await gsFields.textContent()).toContain(name);
    expect(await gsFields.textContent()).toContain('HealthScore__gc');
    // Money with digit groups, dates as dates (Gainsight gives epoch ms), not raw numbers.
    const field = (name: string) =>
      gsFields
        .locator('dt', { hasText: new RegExp(`^${name}$`) })
        .locator('xpath=following-sibling::dd[1]')
        .textContent();
    const arr = Number(first['Arr']);
    expect(await field('Arr')).toBe(arr.toLocaleString('en-US', { maximumFractionDigits: 2 }));
    const renewal = new Date(Number(first['RenewalDate']));
    expect(await field('RenewalDate')).toBe(
      renewal.toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' }),
    );
    expect(await gsFields.textContent()).not.toMatch(/\d{12}/);
    const activities = page.getByRole('region', { name: /Activities/ });
    expect(await activities.getByRole('row').count()).toBeGreaterThan(1);
    expect(await activities.textContent()).toMatch(/EMAIL|MEETING|TYPE_MANUAL/);
    await shot('25-account-detail');
  });

  it('configures Surveys with object rows, a where clause and detected field mappings, and shows responses', async () => {
    await nav('Gainsight').click();
    const surveys = await open('surveys');
    await surveys.getByLabel('Enable surveys pull').check();
    expect(await surveys.getByLabel('Single object').isChecked()).toBe(true);
    await surveys.getByLabel('Multiple objects').check();
    expect(await surveys.getByLabel('Survey response object', { exact: true }).count()).toBe(0);

    // Two rows naming the same object: refused before the hub is asked, on the second row.
    const rows = surveys.getByRole('group', { name: 'Survey response objects' });
    await rows.getByRole('button', { name: 'Add survey response object' }).click();
    await rows.getByRole('button', { name: 'Add survey response object' }).click();
    const first = surveys.locator('#gs-surveys-objects-0-object');
    const second = surveys.locator('#gs-surveys-objects-1-object');
    await expect.poll(() => first.locator('option', { hasText: 'survey_response' }).count()).toBe(1);
    await first.selectOption('survey_response');
    await second.selectOption('survey_response');
    await surveys.locator('#gs-surveys-objects-0-surveyType').fill('NPS');
    await surveys.getByRole('button', { name: 'Save surveys' }).click();
    expect(await second.getAttribute('aria-invalid')).toBe('true');
    expect(await description(second)).toMatch(/already listed/);
    await rows.getByRole('button', { name: 'Remove survey response object 2' }).click();

    // The where clause is checked as you type.
    const where = surveys.getByLabel('Survey response filter (advanced)');
    await where.fill('{"conditions": [');
    expect(await description(where)).toMatch(/Not valid JSON/);
    await where.fill('{"conditions":[{"name":"SurveyType","alias":"A","operator":"EQ","value":["NPS"]}]}');
    expect(await description(where)).not.toMatch(/Not valid JSON/);

    // Field mappings detected from the response object's describe.
    await surveys.getByRole('button', { name: 'Detect fields' }).click();
    const mappings = surveys.getByLabel('Field mappings', { exact: true });
    await expect.poll(() => mappings.inputValue()).toContain('NPSScore');
    expect(JSON.parse(await mappings.inputValue())).toMatchObject({ score: 'NPSScore', npsGroup: 'NPSCategory' });
    await surveys.getByRole('button', { name: 'Save surveys' }).click();
    await surveys.getByText(/surveys pull is set up/).waitFor();
    await screenshotOf(surveys, '26-pulls-surveys-section');

    await bannerRow('Surveys').getByRole('button', { name: 'Run Surveys' }).click();
    await bannerRow('Surveys').getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    const read = Number((await bannerRow('Surveys').textContent())?.match(/(\d+) read/)?.[1]);
    expect(read).toBeGreaterThan(0);

    await nav('Accounts').click();
    await page.getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
    const table = page.getByRole('table');
    await table.waitFor();
    const counts = await table.locator('tbody tr td:nth-last-child(2)').allTextContents();
    const index = counts.findIndex((c) => Number(c) > 0);
    expect(index).toBeGreaterThanOrEqual(0);
    await table.locator('tbody tr').nth(index).getByRole('link').click();
    const responses = page.getByRole('region', { name: /Survey responses/ });
    await responses.getByRole('row').nth(1).waitFor();
    expect(await responses.textContent()).toMatch(/Promoter|Passive|Detractor/);
    await shot('27-account-surveys');
  });
});
