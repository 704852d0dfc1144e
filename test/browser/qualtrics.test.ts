import type { RunningHub } from '@synchub/hub';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';

// Gainsight → Qualtrics through the dashboard: a workflow trigger configured on the Qualtrics page,
// "Test connection" showing Qualtrics' 202 and ids, then a Gainsight-style webhook call delivered.

let harness: Harness;
let hub: RunningHub;
let qualtrics: RunningServer;
let sim: ReturnType<typeof createQualtricsSimulator>;
// One page for the whole file: each test continues the story of the one before.
let context: BrowserContext;
let page: Page;
let webhook = { url: '', secret: '' };

beforeAll(async () => {
  sim = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1, triggers: ['wf-connection', 'wf-renewal'] });
  qualtrics = await listen(sim.app);
  harness = await startHarness('qualtrics');
  hub = harness.hub;
  // The connection (API token) is the Connections page's business; this file configures the trigger.
  const res = await harness.api('POST', '/api/connections', {
    connectorId: 'qualtrics',
    name: 'Qualtrics brand',
    settings: {
      baseUrl: qualtrics.url,
      sandbox: true,
      triggerUrl: `${qualtrics.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-connection`,
    },
    secrets: { apiToken: sim.credentials.apiToken },
  });
  expect(res.status).toBe(201);
  ({ context, page } = await harness.newPage({ width: 1360, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await qualtrics?.close();
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'qualtrics');
});

const shot = (name: string) => screenshot(page, name);
const basic = () =>
  `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.apiToken}`).toString('base64')}`;

describe('Qualtrics page', () => {
  it('configures a workflow trigger: URL and username overrides, key/values, the secret shown once', async () => {
    await harness.signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Qualtrics' }).click();
    await page.getByRole('heading', { name: 'New workflow trigger' }).waitFor();

    await page.getByLabel('Trigger name').fill('Renewal check-in');
    expect(await page.getByLabel('Qualtrics connection').inputValue()).not.toBe('');
    await page
      .getByLabel('JSON-event trigger URL')
      .fill(`${qualtrics.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-renewal`);
    await page.getByLabel('Qualtrics username').fill(sim.credentials.username);
    // One row is there to start with (Company GSID ← $.Company GSID); add the renewal date.
    expect(await page.getByLabel('Key, row 1').inputValue()).toBe('Company GSID');
    await page.getByRole('button', { name: 'Add key/value' }).click();
    await page.getByLabel('Key, row 2').fill('Renewal Date');
    await page.getByLabel('Value, row 2').fill('$.Renewal Date');
    await page.getByRole('button', { name: 'Add key/value' }).click();
    await page.getByLabel('Key, row 3').fill('Source');
    await page.getByLabel('Value, row 3').fill('Gainsight rules engine');
    await shot('40-qualtrics-new-trigger');
    await page.getByRole('button', { name: 'Create trigger' }).click();

    await page.getByRole('heading', { name: 'Trigger “Renewal check-in” created' }).waitFor();
    webhook = {
      url: await page.getByLabel('Webhook URL', { exact: true }).inputValue(),
      secret: await page.getByLabel('Webhook secret', { exact: true }).inputValue(),
    };
    expect(webhook.url).toMatch(new RegExp(`^${hub.url}/hooks/qualtrics/[0-9a-f-]{36}$`));
    expect(webhook.secret).toMatch(/^qwh_/);
    const reveal = page.getByRole('region', { name: 'Trigger “Renewal check-in” created' });
    expect(await reveal.getByText('X-Synchub-Secret').isVisible()).toBe(true);
    expect(await reveal.getByText('Call External API').isVisible()).toBe(true);
    await shot('41-qualtrics-secret-once');
    await page.getByRole('button', { name: 'I’ve stored the secret' }).click();
    // Gone for good: the card shows only the hint.
    expect(await page.content()).not.toContain(webhook.secret);
    await page.getByText(`…${webhook.secret.slice(-4)}`).waitFor();
  });

  it('Test connection shows Qualtrics’ 202 with eventId and requestId', async () => {
    const before = sim.state.events.length;
    await page.getByRole('button', { name: 'Test connection' }).click();
    const outcome = page.getByRole('status').filter({ hasText: 'Status 202' });
    await outcome.waitFor();
    const event = sim.state.events.at(-1);
    expect(sim.state.events.length).toBe(before + 1);
    expect(event).toMatchObject({ urlTokenId: 'wf-renewal', auth: 'basic' });
    expect(event?.body).toEqual({
      'Company GSID': 'test value ($.Company GSID)',
      'Renewal Date': 'test value ($.Renewal Date)',
      Source: 'Gainsight rules engine',
    });
    const text = await outcome.textContent();
    expect(text).toContain(event?.eventId);
    expect(text).toContain(event?.requestId);
    await shot('42-qualtrics-test-connection');
  });

  it('a Gainsight call to the webhook is delivered: the deliveries table shows its eventId and requestId', async () => {
    const row = { 'Company GSID': '1P02RENEWAL0000000000000000000000000', 'Renewal Date': '2026-06-30' };
    const res = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-synchub-secret': webhook.secret },
      body: JSON.stringify(row),
    });
    expect(res.status).toBe(202);
    const { deliveryId } = (await res.json()) as { deliveryId: number };

    const delivered = page.getByRole('row').filter({ hasText: 'webhook' }).filter({ hasText: 'Delivered' });
    await delivered.waitFor();
    const event = sim.state.events.at(-1);
    expect(event?.body).toEqual({ ...row, Source: 'Gainsight rules engine' });
    const text = await delivered.textContent();
    expect(text).toContain(String(deliveryId));
    expect(text).toContain(event?.eventId);
    expect(text).toContain(event?.requestId);
    expect(text).toContain('202');

    // What the simulator received: Basic base64(username:apiToken) and the key/values.
    const call = sim.control.requests.filter((r) => r.path.startsWith('/inbound-event')).at(-1);
    expect(call?.headers.authorization).toBe(basic());
    expect(call?.query).toEqual({ urlTokenId: 'wf-renewal' });
    expect(call?.body).toEqual({ ...row, Source: 'Gainsight rules engine' });
    await page.getByRole('heading', { name: 'Deliveries' }).scrollIntoViewIfNeeded();
    await shot('43-qualtrics-delivered');
  });

  it('adds an event rule for a hub track event', async () => {
    await page.getByLabel('Event name').fill('Onboarding Completed');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByText('track Onboarding Completed').waitFor();
    const res = await harness.api<{ rules: Array<{ event: string; sourceId: string | null }> }>(
      'GET',
      '/api/qualtrics/rules',
    );
    const { rules } = res.body;
    expect(rules).toEqual([expect.objectContaining({ event: 'Onboarding Completed', sourceId: null })]);
    await shot('44-qualtrics-rule');
  });
});
