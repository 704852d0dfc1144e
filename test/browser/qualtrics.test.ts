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

  it('Test first shows the request it would send, sending nothing; only the confirmation runs the workflow', async () => {
    const before = { events: sim.state.events.length, requests: sim.control.requests.length };
    await page.getByRole('button', { name: 'Test…' }).click();
    const plan = page.getByRole('region', { name: 'Test: the request the hub would send' });
    await plan.waitFor();
    const text = (await plan.textContent()) ?? '';
    expect(text).toContain(`POST ${qualtrics.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-renewal`);
    expect(text).toContain('authorization: Basic ••••');
    expect(text).toContain('"Company GSID": "test value ($.Company GSID)"');
    expect(text).toContain('Nothing has been sent yet.');
    expect(text).toMatch(/Sending this runs the real Qualtrics workflow of “Renewal check-in”/);
    expect(await page.content()).not.toContain(sim.credentials.apiToken);
    // The dry run reached nobody.
    expect(sim.state.events.length).toBe(before.events);
    expect(sim.control.requests.length).toBe(before.requests);
    await shot('42-qualtrics-test-plan');
    await page.setViewportSize({ width: 1280, height: 900 });
    await plan.scrollIntoViewIfNeeded();
    await screenshot(page, '42-qualtrics-test-plan-1280');
    await page.setViewportSize({ width: 400, height: 860 });
    await plan.scrollIntoViewIfNeeded();
    await screenshot(page, '42-qualtrics-test-plan-400');
    // Every button of the trigger's head stays inside its card (Delete went past the edge at 400 px).
    const card = page.locator('.trigger-card').first();
    const cardBox = (await card.boundingBox())!;
    for (const button of await card.locator('.trigger-head button').all()) {
      const box = (await button.boundingBox())!;
      expect(box.x + box.width, (await button.textContent()) ?? '').toBeLessThanOrEqual(cardBox.x + cardBox.width);
    }
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1360, height: 900 });

    // Cancel sends nothing either; the confirmation does.
    await plan.getByRole('button', { name: 'Cancel' }).click();
    expect(await plan.count()).toBe(0);
    await page.getByRole('button', { name: 'Test…' }).click();
    await plan.getByRole('button', { name: 'Send it: run the real workflow' }).click();
    const outcome = page.getByRole('status').filter({ hasText: 'status 202' });
    await outcome.waitFor();
    const event = sim.state.events.at(-1);
    expect(sim.state.events.length).toBe(before.events + 1);
    expect(event).toMatchObject({ urlTokenId: 'wf-renewal', auth: 'basic' });
    expect(event?.body).toEqual({
      'Company GSID': 'test value ($.Company GSID)',
      'Renewal Date': 'test value ($.Renewal Date)',
      Source: 'Gainsight rules engine',
    });
    const answer = await outcome.textContent();
    expect(answer).toContain('Sent: the workflow ran');
    expect(answer).toContain(event?.eventId);
    expect(answer).toContain(event?.requestId);
    await shot('43-qualtrics-test-sent');
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
    await shot('44-qualtrics-delivered');
  });

  it('an event rule whose key/values the event lacks is refused, naming the path and what the event has', async () => {
    // A real "Onboarding Completed" event from the app: its data sits under context.traits, not at the top.
    const source = await harness.api<{ writeKey: string }>('POST', '/api/sources', { name: 'Web app' });
    const sent = await harness.ingest(source.body.writeKey, [
      {
        type: 'track',
        userId: 'user-7',
        event: 'Onboarding Completed',
        context: { traits: { email: 'grace@example.com', companyGsid: '1P02ONB' } },
      },
    ]);
    expect(sent.status).toBe(200);
    const card = page.getByRole('article', { name: /Renewal check-in/ });
    await card.getByLabel('Event name').fill('Onboarding Completed');
    await card.getByRole('button', { name: 'Add rule' }).click();
    const refusal = card.getByRole('alert').filter({ hasText: 'find nothing in' });
    await refusal.waitFor();
    const text = (await refusal.textContent()) ?? '';
    expect(text).toMatch(/"Company GSID ← \$\.Company GSID", "Renewal Date ← \$\.Renewal Date" find nothing/);
    expect(text).toContain('$.context.traits.email');
    expect((await harness.api<{ rules: unknown[] }>('GET', '/api/qualtrics/rules')).body.rules).toEqual([]);
    await refusal.scrollIntoViewIfNeeded();
    await shot('45-qualtrics-rule-refused');
    await page.setViewportSize({ width: 400, height: 860 });
    await refusal.scrollIntoViewIfNeeded();
    await screenshot(page, '45-qualtrics-rule-refused-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1360, height: 900 });

    // A trigger made for hub events: its key/values are checked against that event and the rule is added.
    const conn = await harness.api<{ connections: Array<{ id: string }> }>('GET', '/api/connections');
    await harness.api('POST', '/api/qualtrics/triggers', {
      name: 'Onboarding follow-up',
      connectionId: conn.body.connections[0]?.id,
      template: [{ key: 'email', value: '$.context.traits.email' }],
    });
    const events = page.getByRole('article', { name: /Onboarding follow-up/ });
    await events.waitFor();
    await events.getByLabel('Event name').fill('Onboarding Completed');
    await events.getByRole('button', { name: 'Add rule' }).click();
    const added = events.getByRole('status').filter({ hasText: 'Rule added' });
    await added.waitFor();
    expect(await added.textContent()).toMatch(
      /checked against the latest “Onboarding Completed” event \(#\d+\): email = "grace@example.com"/,
    );
    await events.getByText('track Onboarding Completed').waitFor();
    await added.scrollIntoViewIfNeeded();
    await shot('46-qualtrics-rule-added');
  });
});
