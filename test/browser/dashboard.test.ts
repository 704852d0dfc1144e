import type { RunningHub } from '@synchub/hub';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { description, type Harness, screenshot, screenshotIfFailed, startHarness, TOKEN, until } from './harness.js';

let harness: Harness;
let hub: RunningHub;
let gainsight: RunningServer;
let sim: ReturnType<typeof createGainsightSimulator>;

beforeAll(async () => {
  sim = createGainsightSimulator();
  gainsight = await listen(sim.app);
  harness = await startHarness('browser');
  hub = harness.hub;
});

afterAll(async () => {
  await harness?.close();
  await gainsight?.close();
});

// A fresh context per test: the token lives in the context's localStorage, so tests cannot leak a login to each other.
let context: BrowserContext;
let page: Page;
beforeEach(async () => {
  ({ context, page } = await harness.newPage({ width: 1280, height: 860 }));
});
afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task);
  await context.close();
});

const shot = (name: string) => screenshot(page, name);

// The landing page is the Overview; these tests start from the connections list.
const signIn = (token: string) => harness.signIn(page, '/#/connections', token);

describe('dashboard login', () => {
  it('refuses a wrong admin token and sends a rejected session back to the login', async () => {
    await page.goto(hub.url);
    await page.getByRole('heading', { name: 'Synchub' }).waitFor();
    await shot('01-login');

    await signIn('not-the-token');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/not accepted/);
    expect(await page.evaluate('localStorage.getItem("synchub.adminToken")')).toBeNull();
    await shot('02-login-wrong-token');

    // A token the hub stops accepting (here: never valid) → any API 401 returns to the login with a message.
    await page.evaluate("localStorage.setItem('synchub.adminToken', 'stale-token')");
    await page.reload();
    await page.getByText('Your session was rejected by the hub').waitFor();
    expect(await page.getByLabel('Admin token').isVisible()).toBe(true);
  });
});

describe('connections page', () => {
  it('adds a Gainsight connection from the schema form and validates it against the simulator', async () => {
    const accessKey = sim.credentials['accessKey']!;
    // A sandbox connection takes the simulator's full http URL (a bare host means https).
    const domain = gainsight.url;

    await signIn(TOKEN);
    await page.getByRole('heading', { name: 'Connections', exact: true }).waitFor();
    await page.getByText('No connections yet').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toContain(
      'Connections',
    );

    await page.getByRole('link', { name: 'Add connection' }).click();
    await page.getByLabel('Connector', { exact: true }).selectOption('gainsight');
    const domainInput = page.getByLabel(/domain/i);
    // The `sandbox` setting (allow http) carries the title "Simulator connection".
    const sandbox = page.getByLabel(/simulator|sandbox/i);
    const key = page.getByLabel(/access key/i);
    expect(await key.getAttribute('type')).toBe('password');
    expect(await sandbox.getAttribute('type')).toBe('checkbox');

    // Submitting without the required fields: the hub's 400 issues land next to their fields.
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('alert').waitFor();
    expect(await domainInput.getAttribute('aria-invalid')).toBe('true');
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    expect(await description(key)).toMatch(/required/i);
    await shot('03-add-connection-errors');

    await page.getByLabel('Name', { exact: true }).fill('Gainsight sandbox');
    await domainInput.fill(domain);
    await sandbox.check();
    await key.fill(accessKey);
    await page.getByRole('button', { name: 'Create connection' }).click();

    const row = page.getByRole('row', { name: /Gainsight sandbox/ });
    await row.waitFor();
    await row.getByText('Never validated').waitFor();
    await shot('04-connection-listed');

    const before = sim.control.requests.length;
    await row.getByRole('button', { name: 'Validate Gainsight sandbox' }).click();
    const summary = row.getByText(/objects discovered/);
    await summary.waitFor();
    const count = Number((await summary.textContent())?.match(/(\d+) objects discovered/)?.[1]);
    expect(count).toBe(sim.state.objects.length);
    expect(await row.getByText('OK', { exact: true }).isVisible()).toBe(true);
    await shot('05-connection-validated');

    // The check really went to the simulator, with the key the form sent.
    const calls = sim.control.requests.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(
      calls.some((r) => Object.entries(r.headers).some(([h, v]) => h.toLowerCase() === 'accesskey' && v === accessKey)),
    ).toBe(true);

    // The hub stored the result: it is still there after a reload (the token survives in localStorage).
    const { connections } = (
      await harness.api<{
        connections: Array<{ name: string; lastCheck: { ok: boolean; summary?: string } | null }>;
      }>('GET', '/api/connections')
    ).body;
    expect(connections).toHaveLength(1);
    expect(connections[0]?.lastCheck).toMatchObject({
      ok: true,
      summary: expect.stringContaining(`${count} objects discovered`),
    });
    await page.reload();
    await page
      .getByRole('row', { name: /Gainsight sandbox/ })
      .getByText(`${count} objects discovered`)
      .waitFor();

    // The secret never comes back to the browser, not even in the edit form.
    expect(await page.content()).not.toContain(accessKey);
    await page.getByRole('link', { name: 'Edit Gainsight sandbox' }).click();
    await page.getByRole('button', { name: 'Save changes' }).waitFor();
    expect(await page.getByLabel(/access key/i).inputValue()).toBe('');
    expect(await page.content()).not.toContain(accessKey);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
  });

  it('deletes a connection after a confirmation', async () => {
    const created = await harness.api('POST', '/api/connections', {
      connectorId: 'gainsight',
      name: 'Throwaway',
      settings: { domain: gainsight.url, sandbox: true },
      secrets: { accessKey: 'wrong-key' },
    });
    expect(created.status).toBe(201);

    await signIn(TOKEN);
    const row = page.getByRole('row', { name: /Throwaway/ });
    await row.getByRole('button', { name: 'Validate Throwaway' }).click();
    await row.getByText('Failed', { exact: true }).waitFor();
    await shot('06-validation-failed');

    await row.getByRole('button', { name: 'Delete Throwaway' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('Deleted “Throwaway”.').waitFor();
    expect(await page.getByRole('row', { name: /Throwaway/ }).count()).toBe(0);
  });
});

describe('narrow screens', () => {
  it('never makes a page wider than the screen, and keeps the current link in view', async () => {
    // Rows in the tables, and a vendor account whose key (host:port:client id) has no spaces to break at.
    const sf = await harness.api<{ connection: { id: string } }>('POST', '/api/connections', {
      connectorId: 'salesforce',
      name: 'A Salesforce org with a rather long connection name',
      settings: { loginUrl: gainsight.url, clientId: `3MVG9${'x'.repeat(80)}`, sandbox: true },
      secrets: { clientSecret: 'secret', refreshToken: 'refresh' },
    });
    expect(sf.status).toBe(201);
    const dest = await harness.api<{ destination: { id: string } }>('POST', '/api/destinations', {
      name: 'Gainsight for narrow screens',
      kind: 'gainsight',
      connectionId: (
        await harness.api<{ connection: { id: string } }>('POST', '/api/connections', {
          connectorId: 'gainsight',
          name: 'Gainsight for narrow screens',
          settings: { domain: gainsight.url, sandbox: true },
          secrets: { accessKey: 'key' },
        })
      ).body.connection.id,
    });
    expect(dest.status).toBe(201);
    expect(
      (await harness.api('POST', '/api/sources', { name: 'Web app', destinationId: dest.body.destination.id })).status,
    ).toBe(201);

    await signIn(TOKEN);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    const labels = await nav.getByRole('link').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(10);
    for (const width of [400, 1024, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      for (const label of labels) {
        const link = nav.getByRole('link', { name: label, exact: true });
        await link.click();
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await nav.locator('[aria-current="page"]', { hasText: label }).waitFor();
        // Give lists and charts their data before measuring.
        await until(
          () =>
            page
              .locator('main')
              .getByText(/^Loading\b.*…$/)
              .count(),
          (n) => n === 0,
        );
        const sizes = await page.evaluate<{ page: number; screen: number }>(
          '({ page: document.documentElement.scrollWidth, screen: window.innerWidth })',
        );
        expect(sizes.page, `${label} at ${width} px`).toBeLessThanOrEqual(sizes.screen);
        const [linkBox, navBox] = [await link.boundingBox(), await nav.boundingBox()];
        expect(linkBox!.x, `${label} link at ${width} px`).toBeGreaterThanOrEqual(navBox!.x - 1);
        expect(linkBox!.x + linkBox!.width, `${label} link at ${width} px`).toBeLessThanOrEqual(
          navBox!.x + navBox!.width + 1,
        );
        if (width === 400 && (label === 'Pipelines' || label === 'Limits')) await shot(`narrow-${label.toLowerCase()}`);
      }
    }
  });
});
