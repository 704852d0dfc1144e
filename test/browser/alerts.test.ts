import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness, until } from './harness.js';

// The Alerts page: a rule made in the form (its 400 shown next to the field), "Send a test alert" to a
// webhook on this machine, the rule firing and the history, an e-mail channel whose password is never shown
// again, and nothing wider than the screen at 1280 and 400 px.

let harness: Harness;
let context: BrowserContext;
let page: Page;
let receiver: Server;
let hookUrl = '';
const received: Array<Record<string, unknown>> = [];
const paths: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      paths.push(req.url ?? '');
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack`;
  harness = await startHarness('alerts');
  ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'alerts');
});

const shot = (name: string) => screenshot(page, name);
const fitsScreen = async () => {
  const sizes = await page.evaluate<{ page: number; screen: number }>(
    '({ page: document.documentElement.scrollWidth, screen: window.innerWidth })',
  );
  expect(sizes.page).toBeLessThanOrEqual(sizes.screen);
};

describe('Alerts page', () => {
  it('creates a rule from the form, showing the hub’s refusal next to its field', async () => {
    await harness.signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No alert rules yet' }).waitFor();
    await page.getByRole('button', { name: 'New alert rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.waitFor();

    await form.getByLabel('Rule name').fill('Delivery failing');
    await form.getByLabel('Condition').selectOption({ label: 'Failed events' });
    await form.getByLabel('More than (events)').fill('0');
    await form.getByLabel('In the last (minutes)').fill('60');
    // A plain-http webhook to another machine is refused: the message lands on the field.
    await form.getByLabel('Webhook URL').fill('http://example.com/hook');
    await form.getByRole('button', { name: 'Create rule' }).click();
    const url = form.getByLabel('Webhook URL');
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`[id="${await url.getAttribute('aria-describedby')}"]`).textContent()).toMatch(
      /must be an https:\/\/ URL/,
    );
    expect(await page.evaluate<string | undefined>("document.activeElement?.getAttribute('id')")).toBe(
      await url.getAttribute('id'),
    );
    await shot('60-alerts-form-refused');

    await url.fill(hookUrl);
    await form.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Rule “Delivery failing” created.' }).waitFor();
    const card = page.getByRole('article', { name: 'Delivery failing' });
    await card.getByText('More than 0 failed events in 60 min (all destinations)').waitFor();
    await card.getByText('OK', { exact: true }).waitFor();
    await card.getByText('Webhook to 127.0.0.1:').waitFor();
  });

  it('sends a test alert to the webhook and shows the answer per channel and in the history', async () => {
    const card = page.getByRole('article', { name: 'Delivery failing' });
    await card.getByRole('button', { name: 'Send a test alert' }).click();
    await card.getByRole('status').getByText('delivered').waitFor();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ state: 'test', rule: { name: 'Delivery failing' } });
    expect(String(received[0]?.text)).toContain('[TEST] Delivery failing');
    const history = page.getByRole('table', { name: 'Alert history' });
    await history.getByRole('cell', { name: 'Test', exact: true }).waitFor();
    await history.getByText('delivered').waitFor();
    await shot('61-alerts-test-sent');
  });

  it('shows a firing rule and its alert in the history', async () => {
    // A failed event (made by hand: no vendor here), then an evaluation as the hub's loop would run it.
    const source = await harness.api<{ writeKey: string; source: { id: string } }>('POST', '/api/sources', {
      name: 'Web app',
      destinationId: null,
    });
    expect((await harness.ingest(source.body.writeKey, [{ type: 'track', event: 'x', userId: 'u1' }])).status).toBe(
      200,
    );
    await harness.hub.db.updateTable('events').set({ state: 'failed', updated_at: Date.now() }).execute();
    await harness.hub.alerts.evaluate();
    await until(
      async () => received.length,
      (n) => n === 2,
    );
    expect(received[1]).toMatchObject({ state: 'firing', details: { failed: 1 } });

    const card = page.getByRole('article', { name: 'Delivery failing' });
    await card.getByText(/^Firing since /).waitFor({ timeout: 10_000 });
    await card.getByText('1 event failed in the last 1 h (all destinations; more than 0)').waitFor();
    await page
      .getByRole('table', { name: 'Alert history' })
      .getByRole('cell', { name: 'Firing', exact: true })
      .waitFor();
    await fitsScreen();
    await shot('62-alerts-firing-1280');
  });

  it('adds an e-mail channel whose password is stored and never shown again', async () => {
    const card = page.getByRole('article', { name: 'Delivery failing' });
    await card.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit “Delivery failing”' });
    await form.getByLabel('Send e-mail (SMTP)').check();
    await form.getByLabel('SMTP host').fill('smtp.example.com');
    await form.getByLabel('Username').fill('alerts');
    await form.getByLabel('Password').fill('browser-smtp-secret-77');
    await form.getByLabel('From', { exact: true }).fill('synchub@example.com');
    await form.getByLabel('To', { exact: true }).fill('oncall@example.com, ops@example.com');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Rule “Delivery failing” saved.' }).waitFor();
    await card.getByText('E-mail to oncall@example.com, ops@example.com').waitFor();

    await card.getByRole('button', { name: 'Edit' }).click();
    const again = page.getByRole('form', { name: 'Edit “Delivery failing”' });
    expect(await again.getByLabel('Password').inputValue()).toBe('');
    await again.getByText('A password is stored (encrypted). Leave empty to keep it.').waitFor();
    // The webhook URL is a secret too (Slack's carries its token): scheme and host only, and saving the form
    // as shown kept the one stored, which the test alert still reaches.
    expect(await again.getByLabel('Webhook URL').inputValue()).toBe(`${new URL(hookUrl).origin}/••••••`);
    expect(await page.content()).not.toContain(hookUrl);
    expect(await page.content()).not.toContain('browser-smtp-secret-77');
    const rules = await harness.api('GET', '/api/alerts');
    expect(JSON.stringify(rules.body)).not.toContain('browser-smtp-secret-77');
    expect(JSON.stringify(rules.body)).not.toContain(hookUrl);
    await shot('63-alerts-edit-email-1280');
    await again.getByRole('button', { name: 'Cancel' }).click();
    await harness.api('POST', `/api/alerts/${(rules.body as { rules: Array<{ id: string }> }).rules[0]?.id}/test`);
    expect(paths.at(-1)).toBe('/slack');
  });

  it('fits a 400 px screen', async () => {
    await page.setViewportSize({ width: 400, height: 900 });
    await page.getByRole('article', { name: 'Delivery failing' }).waitFor();
    await fitsScreen();
    await shot('64-alerts-400');
    await page.getByRole('button', { name: 'New alert rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Condition').selectOption({ label: 'A vendor budget is running out' });
    await form.getByLabel('Send e-mail (SMTP)').check();
    await fitsScreen();
    await shot('65-alerts-form-400');
  });
});
