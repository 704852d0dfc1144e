import type { RunningHub } from '@synchub/hub';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { description, type Harness, screenshot, screenshotIfFailed, startHarness, until } from './harness.js';

// Events → Gainsight through the dashboard: connection, destination, source and write key, then live
// delivery of real ingest calls, failures with their reasons, replay, and the vendor budget.

const EMAIL = 'ada@example.com';

let harness: Harness;
let hub: RunningHub;
let gainsight: RunningServer;
let sim: ReturnType<typeof createGainsightSimulator>;
// One page for the whole file: each test continues the story of the one before.
let context: BrowserContext;
let page: Page;
let writeKey = '';

beforeAll(async () => {
  sim = createGainsightSimulator({
    registeredEvents: [{ eventName: 'Report Exported', eventVersion: 'v02', topicName: 'product-usage' }],
  });
  // A tenant whose Person object has a custom field, for the destination's custom person map.
  sim.state.objects
    .find((o) => o.objectName === 'person')
    ?.fields.push({ fieldName: 'Plan__gc', label: 'Plan', dataType: 'STRING', createable: true, updateable: true });
  gainsight = await listen(sim.app);
  harness = await startHarness('events');
  hub = harness.hub;
  ({ context, page } = await harness.newPage({ width: 1360, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await gainsight?.close();
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'events');
});

const shot = (name: string) => screenshot(page, name);
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const count = async (state: string) =>
  Number((await page.getByTestId(`count-${state}`).textContent())?.replace(/\D/g, ''));
const ingest = (key: string, batch: unknown[]) => harness.ingest(key, batch);

describe('events to Gainsight, from the dashboard', () => {
  it('signs in and adds a Gainsight connection with Events Framework credentials', async () => {
    // The landing page is the Overview; this story starts from the connections list.
    await harness.signIn(page, '/#/connections');
    // Sign-in checks the token with the hub first: the navigation appears only once that answer is in.
    const mainNav = page.getByRole('navigation', { name: 'Main' });
    await mainNav.waitFor();
    const links = await mainNav.getByRole('link').allTextContents();
    expect(links).toEqual(expect.arrayContaining(['Sources', 'Destinations', 'Events', 'Limits']));

    await page.getByRole('link', { name: 'Add connection' }).click();
    await page.getByLabel('Connector', { exact: true }).selectOption('gainsight');
    await page.getByLabel('Name', { exact: true }).fill('Gainsight sandbox');
    await page.getByLabel(/domain/i).fill(gainsight.url);
    await page.getByLabel('Tenant ID').fill(sim.credentials['tenantId']!);
    await page.getByLabel(/simulator/i).check();
    await page.getByLabel(/access key/i).fill(sim.credentials['accessKey']!);
    await page.getByLabel(/shared secret/i).fill(sim.credentials['sharedSecret']!);
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('row', { name: /Gainsight sandbox/ }).waitFor();
  });

  it('creates a destination from editable rows, showing the hub’s row error next to the row', async () => {
    await nav('Destinations').click();
    await page.getByText('No destinations yet').waitFor();
    await page.getByRole('link', { name: 'Add destination' }).click();

    await page.getByLabel('Name', { exact: true }).fill('Gainsight events');
    await page.getByLabel('Gainsight connection').selectOption({ label: 'Gainsight sandbox' });
    // The connection has a tenant id and shared secret, so no "track calls will fail" warning.
    expect(await page.getByText(/has no (Tenant ID|Events shared secret)/).count()).toBe(0);
    expect(await page.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(true);

    const person = page.getByRole('group', { name: 'Custom person fields' });
    await person.getByRole('button', { name: 'Add person field' }).click();
    await person.getByLabel('Trait, row 1').fill('plan');
    // Not a custom field name: the hub refuses it and says why, on this row.
    await person.getByLabel('Gainsight field, row 1').fill('Plan');

    await page.getByLabel('Topic name').fill('product-usage');
    const versions = page.getByRole('group', { name: 'Event versions' });
    await versions.getByRole('button', { name: 'Add event' }).click();
    await versions.getByLabel('Event, row 1').fill('report_exported');
    await versions.getByLabel('Gainsight event name, row 1').fill('Report Exported');
    await versions.getByLabel('Version, row 1').fill('v02');
    await page.getByLabel('Flush window (ms)').fill('200');
    await page.getByLabel('Max attempts').fill('3');

    await page.getByRole('button', { name: 'Create destination' }).click();
    await page.getByRole('alert').waitFor();
    const field = person.getByLabel('Gainsight field, row 1');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await description(field)).toMatch(/__gc/);
    expect(await person.getByLabel('Trait, row 1').getAttribute('aria-invalid')).toBeNull();
    await shot('10-destination-row-error');

    await field.fill('Plan__gc');
    await page.getByRole('button', { name: 'Create destination' }).click();
    const row = page.getByRole('row', { name: /Gainsight events/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/1 custom person field.*1 event on topic product-usage/);
    expect(await row.getByText('Enabled').isVisible()).toBe(true);
    await shot('11-destinations-list');
  });

  it('creates a source and shows its write key once, with SDK snippets for this hub', async () => {
    await nav('Sources').click();
    await page.getByText('No sources yet').waitFor();
    await page.getByLabel('Source name').fill('Web app');
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Gainsight events' });
    await page.getByRole('button', { name: 'Create source' }).click();

    const key = page.getByLabel('Write key', { exact: true });
    await key.waitFor();
    writeKey = await key.inputValue();
    expect(writeKey).toMatch(/^wk_/);
    expect(await page.getByText('it won’t be shown again').isVisible()).toBe(true);
    const snippet = page.getByRole('tabpanel');
    expect(await snippet.textContent()).toContain(`host: '${hub.url}'`);
    expect(await snippet.textContent()).toContain(writeKey);
    await page.getByRole('tab', { name: 'RudderStack Node SDK' }).click();
    expect(await snippet.textContent()).toContain(`dataPlaneUrl: '${hub.url}'`);
    await shot('12-source-key-once');

    await page.getByRole('button', { name: 'I’ve stored the key' }).click();
    const row = page.getByRole('row', { name: /Web app/ });
    expect(await row.textContent()).toContain(`…${writeKey.slice(-4)}`);
    expect(await row.getByLabel('Destination for Web app').inputValue()).not.toBe('');
    expect(await page.content()).not.toContain(writeKey);
    await page.reload();
    await page.getByRole('row', { name: /Web app/ }).waitFor();
    expect(await page.content()).not.toContain(writeKey);
  });

  it('shows ingested events turning delivered live, and the bad one failed with its reason', async () => {
    await nav('Events').click();
    await page.getByText('No events yet').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // Proves the updates below arrive without a reload.
    await page.evaluate('window.__sameDocument = true');

    const res = await ingest(writeKey, [
      { type: 'identify', userId: 'u1', traits: { email: EMAIL, name: 'Ada Lovelace', plan: 'Enterprise' } },
      {
        type: 'group',
        userId: 'u1',
        groupId: 'acme',
        traits: { name: 'Acme Corp', industry: 'Software' },
        context: { traits: { email: EMAIL } },
      },
      { type: 'track', userId: 'u1', event: 'report_exported', properties: { format: 'csv' } },
      { type: 'identify', userId: 'user-without-email', traits: { name: 'No Email' } },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, stored: 4 });

    await until(
      async () => [await count('delivered'), await count('failed')] as const,
      ([delivered, failed]) => delivered === 3 && failed === 1,
    );
    const bad = page.getByRole('row', { name: /user-without-email/ });
    await bad.getByText('Failed', { exact: true }).waitFor();
    expect(await bad.textContent()).toContain('email is required for identify');
    for (const label of [EMAIL, 'Acme Corp', 'report_exported']) {
      await page
        .getByRole('row', { name: new RegExp(label) })
        .first()
        .getByText('Delivered', { exact: true })
        .waitFor();
    }
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await shot('13-events-live');

    // What reached the simulator: the person with the custom field, the company, the published event.
    const people = sim.state.rows('person');
    expect(people.find((p) => p['Email'] === EMAIL)).toMatchObject({ Name: 'Ada Lovelace', Plan__gc: 'Enterprise' });
    expect(sim.state.rows('company').some((c) => c['Name'] === 'Acme Corp')).toBe(true);
    expect(sim.state.events).toEqual([
      expect.objectContaining({ eventName: 'Report Exported', eventVersion: 'v02', topicName: 'product-usage' }),
    ]);

    await bad.click();
    const detail = page.getByRole('complementary', { name: /^Event \d+$/ });
    await detail.getByText('"name": "No Email"').waitFor();
    expect(await detail.textContent()).toContain('email is required for identify');
    expect(await detail.textContent()).toContain('refused this event before calling the vendor');
    await shot('14-event-detail');
    await detail.getByRole('button', { name: 'Close event details' }).click();
    expect(await detail.count()).toBe(0);
  });

  it('keeps the vendor’s error body, and replays one filter’s failures, then all of them', async () => {
    // Point the event at a version Gainsight does not know: the vendor refuses it with a body.
    await nav('Destinations').click();
    await page.getByRole('link', { name: 'Edit Gainsight events' }).click();
    const version = page.getByRole('group', { name: 'Event versions' }).getByLabel('Version, row 1');
    expect(await version.inputValue()).toBe('v02');
    expect(await page.getByLabel('Flush window (ms)').inputValue()).toBe('200');
    await version.fill('v03');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved “Gainsight events”.').waitFor();

    expect((await ingest(writeKey, [{ type: 'track', userId: 'u1', event: 'report_exported' }])).status).toBe(200);
    await nav('Events').click();
    await page.getByRole('link', { name: /^Failures/ }).click();
    await until(
      () => count('failed'),
      (n) => n === 2,
    );
    // The failed one: until the Failures view's own answer is in, the table can still show the All events rows
    // (the delivered report_exported too), so a bare name match could find two rows.
    const vendorRow = page
      .getByRole('row', { name: /report_exported/ })
      .filter({ has: page.getByText('Failed', { exact: true }) });
    await vendorRow.waitFor();
    await vendorRow.click();
    const detail = page.getByRole('complementary', { name: /^Event \d+$/ });
    await detail.getByText('Vendor response').waitFor();
    expect(await detail.locator('pre').first().textContent()).toContain('Event is not registered');
    await shot('15-failure-vendor-body');
    await detail.getByRole('button', { name: 'Close event details' }).click();

    // Replay one row: the vendor still refuses it, so it comes back failed (attempts start again).
    const vendorId = Number(await vendorRow.getByRole('button', { name: /^Show event/ }).textContent());
    await vendorRow.getByRole('button', { name: `Replay event ${vendorId}` }).click();
    await page.getByText(`Replayed 1 event (event ${vendorId})`).waitFor();
    await until(
      () => count('failed'),
      (n) => n === 2,
    );

    // Replay what matches the filter: only the identify without email (it fails again, as it must).
    await page.getByLabel('Type').selectOption('identify');
    await page.getByRole('row', { name: /report_exported/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Replay all matching filter' }).click();
    await page.getByText('Replayed 1 event matching the filter').waitFor();
    await page.getByRole('link', { name: 'Clear filters' }).first().click();
    await until(
      () =>
        page
          .getByRole('row', { name: /user-without-email/ })
          .getByText(/Failed|Retrying/)
          .count(),
      (n) => n === 1,
    );

    await page.getByRole('button', { name: 'Replay all failed' }).click();
    await page.getByRole('button', { name: 'Yes, replay all' }).click();
    await page.getByText('Replayed 2 events').waitFor();
    await until(
      async () => [await count('failed'), await count('retrying'), await count('delivered')] as const,
      ([failed, retrying, delivered]) => failed + retrying === 2 && delivered === 3,
    );
    await shot('16-replayed');
  });

  it('shows the calls spent against the Gainsight budget', async () => {
    await nav('Limits').click();
    const minute = page.getByRole('meter', { name: 'sync calls, this minute' });
    await minute.waitFor();
    expect(await minute.getAttribute('aria-valuemax')).toBe('100');
    const todayMeter = page.getByRole('meter', { name: 'sync calls, today (utc)' });
    // This minute's count starts again at every minute boundary, so it may be 0 by now: the page (refreshing
    // every 5 s) must show what the hub's limiter says for the current minute. Both meters are read from
    // the same refresh (retries of the tests above may still be spending calls meanwhile).
    const hubMinute = async () => {
      const { body } = await harness.api<{
        limits: Array<{
          connector: string;
          bucket: string;
          usage: Array<{ window: { windowMs: number }; used: number }>;
        }>;
      }>('GET', '/api/limits');
      const sync = body.limits.find((l) => l.connector === 'gainsight' && l.bucket === 'sync');
      return sync?.usage.find((u) => u.window.windowMs === 60_000)?.used;
    };
    const { shown, today } = await until(
      async () => {
        const hub = await hubMinute();
        const shownNow = Number(await minute.getAttribute('aria-valuenow'));
        const todayNow = Number(await todayMeter.getAttribute('aria-valuenow'));
        const shownAgain = Number(await minute.getAttribute('aria-valuenow'));
        return { shown: shownNow, today: todayNow, hub, stable: shownNow === shownAgain };
      },
      ({ shown, hub, stable }) => stable && shown === hub,
    );
    // The deliveries above spent calls today (days roll at 00:00 UTC), at least as many as this minute.
    expect(today).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(today);
    const bar = page.locator('.usage').filter({ has: minute });
    expect(await bar.getByText(`${shown} / 100 calls`).isVisible()).toBe(true);
    await shot('17-limits');
  });

  it('rotates a write key (the old one stops working), re-routes and deletes the source', async () => {
    await nav('Sources').click();
    await page.getByRole('button', { name: 'Rotate write key of Web app' }).click();
    await page.getByRole('button', { name: 'Yes, rotate' }).click();
    const key = page.getByLabel('Write key', { exact: true });
    await key.waitFor();
    const fresh = await key.inputValue();
    expect(fresh).toMatch(/^wk_/);
    expect(fresh).not.toBe(writeKey);
    expect(await page.getByText('The previous key has stopped working').isVisible()).toBe(true);
    await shot('18-key-rotated');
    const sample = [{ type: 'identify', userId: 'u9', traits: { email: 'zed@example.com' } }];
    expect((await ingest(writeKey, sample)).status).toBe(401);
    expect((await ingest(fresh, sample)).status).toBe(200);
    await page.getByRole('button', { name: 'I’ve stored the key' }).click();

    const row = page.getByRole('row', { name: /Web app/ });
    await row.getByText(`…${fresh.slice(-4)}`).waitFor();
    await row.getByLabel('Destination for Web app').selectOption('');
    await row.getByText('Saved').waitFor();
    const api = await harness.api<{ sources: Array<{ destinationId: string | null }> }>('GET', '/api/sources');
    expect(api.body.sources[0]?.destinationId).toBe(null);

    await row.getByRole('button', { name: 'Delete Web app' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('Deleted “Web app”.').waitFor();
    expect((await ingest(fresh, sample)).status).toBe(401);
  });
});
