import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, startHarness, TOKEN } from './harness.js';

// Vendor pages follow the installed plugins: a hub without the workspace's flow packages offers no
// Gainsight, Accounts or Qualtrics page; the default hub (flows found in packages/flows) offers all three.
const navLinks = async (page: Page) =>
  (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).map((t) => t.trim());

describe('vendor pages follow the installed plugins', () => {
  let bare: Harness;
  let full: Harness;
  let context: BrowserContext | undefined;
  let page: Page;
  beforeAll(async () => {
    bare = await startHarness('plugin-pages-bare', { workspaceFlows: false });
    full = await startHarness('plugin-pages-full');
  });
  afterAll(async () => {
    await bare?.close();
    await full?.close();
  });
  afterEach(async ({ task }) => {
    if (page) await screenshotIfFailed(page, task);
    await context?.close();
  });

  it('hides the pages of flows that are not installed, and says so at their address', async () => {
    ({ context, page } = await bare.newPage({ width: 400, height: 800 }));
    await bare.signIn(page, '/#/overview', TOKEN);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Pipelines', exact: true }).waitFor();
    const links = await navLinks(page);
    expect(links).toContain('Connections');
    expect(links).not.toContain('Gainsight');
    expect(links).not.toContain('Accounts');
    expect(links).not.toContain('Qualtrics');

    await page.goto(`${bare.hub.url}/#/qualtrics`);
    await page.getByRole('heading', { name: 'Page not available' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('no plugin declares the qualtrics page');
    await screenshot(page, '70-plugin-page-missing-400');
  });

  it('shows each page an installed plugin declares, under its title', async () => {
    ({ context, page } = await full.newPage({ width: 1280, height: 800 }));
    await full.signIn(page, '/#/overview', TOKEN);
    const qualtrics = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Qualtrics', exact: true });
    await qualtrics.waitFor();
    const links = await navLinks(page);
    for (const name of ['Gainsight', 'Accounts', 'Qualtrics']) expect(links).toContain(name);
    await qualtrics.click();
    await page
      .getByRole('heading', { name: /Qualtrics/ })
      .first()
      .waitFor();
    expect(await page.getByRole('heading', { name: 'Page not available' }).count()).toBe(0);
  });
});
