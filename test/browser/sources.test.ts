import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';

// Where the hub is reachable: the Sources page gives the SDKs' base URL (without /v1) under the hub's public
// URL, warns while that is a loopback address, and lists the requests ingest refused per source.

let context: BrowserContext | undefined;
let page: Page;
afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'sources');
});

const shot = (name: string) => screenshot(page, name);
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

describe('on the listening address (no SYNCHUB_PUBLIC_URL)', () => {
  let harness: Harness;
  let writeKey: string;
  beforeAll(async () => {
    harness = await startHarness('sources');
    writeKey = (await harness.api<{ writeKey: string }>('POST', '/api/sources', { name: 'Web app' })).body.writeKey;
    ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
  });
  afterAll(async () => {
    await context?.close();
    await harness?.close();
  });

  it('gives the base URL for dataPlaneUrl, without /v1, and warns that it is a loopback address', async () => {
    await harness.signIn(page, '/#/sources');
    const where = page.getByRole('region', { name: 'Where apps send events' });
    await where.waitFor();
    const base = where.getByRole('textbox', { name: 'SDK dataPlaneUrl (RudderStack) or host (Segment)' });
    await expect.poll(() => base.inputValue()).toBe(harness.hub.url);
    expect(await where.textContent()).toContain(`${harness.hub.url}/v1 as a dataPlaneUrl sends to /v1/v1/batch`);
    const warning = where.getByRole('note');
    expect(await warning.textContent()).toMatch(/is a loopback address: only this machine can reach it/);
    expect(await warning.textContent()).toContain('SYNCHUB_PUBLIC_URL');
    await page.getByText('None: ingest has accepted every request so far.').waitFor();
    await shot('sources-01-address-loopback');
  });

  it('lists the requests ingest refused, per source, with status, reason and count', async () => {
    const post = (path: string, key: string, body: unknown) =>
      fetch(`${harness.hub.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(key) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const ok = { batch: [{ type: 'track', userId: 'u', event: 'Signed Up' }] };
    expect((await post('/v1/batch', writeKey, ok)).status).toBe(200);
    // An SDK given ".../v1" as its dataPlaneUrl, twice; a wrong key; a call without a user; a body too large.
    expect((await post('/v1/v1/batch', writeKey, ok)).status).toBe(404);
    expect((await post('/v1/v1/batch', writeKey, ok)).status).toBe(404);
    expect((await post('/v1/batch', 'wk_wrong', ok)).status).toBe(401);
    expect((await post('/v1/track', writeKey, { event: 'Anonymous' })).status).toBe(400);
    expect((await post('/v1/batch', writeKey, `{"batch":[],"pad":"${'x'.repeat(600 * 1024)}"}`)).status).toBe(413);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const table = page.getByRole('table', { name: 'Refused requests by source and reason' });
    await table.waitFor();
    const rows = async () =>
      (await table.locator('tbody tr').all()).map(async (r) => (await r.locator('td').allTextContents()).slice(0, 4));
    const shown = await Promise.all(await rows());
    expect(shown).toEqual(
      expect.arrayContaining([
        [
          'Web app',
          '404',
          expect.stringMatching(/^No ingest endpoint at POST \/v1\/v1\/batch: the SDK's dataPlaneUrl/),
          '2',
        ],
        ['No source (unknown write key)', '401', 'Invalid write key', '1'],
        ['Web app', '400', 'userId: userId or anonymousId is required', '1'],
        ['Web app', '413', expect.stringMatching(/larger than 512000 bytes/), '1'],
      ]),
    );
    expect(shown).toHaveLength(4);
    await table.scrollIntoViewIfNeeded();
    await shot('sources-02-refused');
    await page.setViewportSize({ width: 400, height: 900 });
    await shot('sources-03-400');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('with SYNCHUB_PUBLIC_URL', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness('sources-public', { publicUrl: 'https://synchub.example.com/' });
    ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
  });
  afterAll(async () => {
    await context?.close();
    await harness?.close();
  });

  it('shows every ingest URL under it, without the warning, in the page and the SDK snippets', async () => {
    await harness.signIn(page, '/#/sources');
    const where = page.getByRole('region', { name: 'Where apps send events' });
    const base = where.getByRole('textbox', { name: 'SDK dataPlaneUrl (RudderStack) or host (Segment)' });
    await expect.poll(() => base.inputValue()).toBe('https://synchub.example.com');
    expect(await where.getByRole('note').count()).toBe(0);
    expect(await where.textContent()).toContain('POST https://synchub.example.com/v1/batch');

    await page.getByLabel('Source name').fill('Mobile app');
    await page.getByRole('button', { name: 'Create source' }).click();
    const snippet = page.getByRole('tabpanel');
    await snippet.waitFor();
    expect(await snippet.textContent()).toContain("host: 'https://synchub.example.com'");
    await page.getByRole('tab', { name: 'RudderStack Node SDK' }).click();
    expect(await snippet.textContent()).toContain("dataPlaneUrl: 'https://synchub.example.com'");
    await shot('sources-04-public-url');
  });
});
