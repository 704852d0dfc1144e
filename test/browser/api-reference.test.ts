import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness } from './harness.js';

// The API reference (#/api): the hub's routes as its /api/openapi.json lists them, readable at 1280 and 400 px.

let harness: Harness;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  harness = await startHarness('api-reference');
  ({ context, page } = await harness.newPage({ width: 1280, height: 860 }));
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'api-reference');
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
});

/** The list item of one route (`GET /api/connections`). */
const route = (method: string, path: string) =>
  page
    .locator('.api-ops > li')
    .filter({ has: page.locator('.api-method', { hasText: new RegExp(`^${method}$`) }) })
    .filter({ has: page.locator('.api-path', { hasText: new RegExp(`^${path.replace(/[{}]/g, '\\$&')}$`) }) });

describe('the API reference page', () => {
  it('lists the hub’s real routes from /api/openapi.json, each with its body and answers', async () => {
    const { body } = await harness.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json');
    const count = Object.values(body.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    await harness.signIn(page, '#/api');
    await page.getByRole('heading', { name: 'API reference', level: 1 }).waitFor();
    await page.getByText(`${count} of ${count} routes`).waitFor();
    for (const [method, path] of [
      ['GET', '/api/connections'],
      ['POST', '/api/destinations'],
      ['GET', '/api/destinations/kinds'],
      ['POST', '/v1/batch'],
      ['GET', '/health'],
    ] as const) {
      expect(await route(method, path).count(), `${method} ${path}`).toBe(1);
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API', exact: true }).waitFor();

    const create = route('POST', '/api/destinations');
    await create.locator('summary').click();
    expect(await create.getByRole('heading', { name: 'Body (JSON)' }).isVisible()).toBe(true);
    expect(await create.locator('.api-type').first().textContent()).toContain('settings?: DestinationSettings');
    expect(await create.textContent()).toMatch(/201.*\{ destination: Destination \}/);
    await screenshot(page, 'api-reference-01-wide');

    // The settings schema of the destination kind the built-in connectors offer.
    const schema = page
      .locator('.api-ops > li')
      .filter({ has: page.locator('.api-path', { hasText: /^DestinationSettings\.gainsight$/ }) });
    await schema.locator('summary').click();
    expect(await schema.locator('.api-type').textContent()).toContain('personFieldMap');
  });

  it('filters routes, and reads at 400 px without sideways scrolling', async () => {
    await page.getByLabel('Filter routes').fill('rotate-key');
    await page.getByText(/^1 of \d+ routes/).waitFor();
    expect(await route('POST', '/api/sources/{id}/rotate-key').count()).toBe(1);
    await page.getByLabel('Filter routes').fill('');

    await page.setViewportSize({ width: 400, height: 800 });
    await route('GET', '/api/connections').locator('summary').click();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'api-reference-02-narrow');
  });
});
