import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, screenshot, screenshotIfFailed, screenshotOf, startHarness } from './harness.js';
import { type PendoSalesforce, startPendoSalesforce } from './pendo-salesforce.js';

// Accessibility: axe-core on every dashboard page (each with something in it), failing on any violation and
// printing them; then what axe cannot see, done with the keyboard: the skip link, page titles and focus on
// navigation, the event detail opened with Enter and closed with Escape, checkbox focus rings, a refused
// pipeline form focusing its first invalid field, and aria-labelledby ids that name something.

// The hub's CSP refuses inline scripts (addScriptTag): the source is evaluated through the DevTools protocol.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let harness: Harness;
let vendors: PendoSalesforce | undefined;
let context: BrowserContext;
let page: Page;
let failedEventId = 0;

beforeAll(async () => {
  vendors = await startPendoSalesforce(3);
  harness = await startHarness('a11y');
  const connections = await vendors.connect(harness);
  await vendors.pipeline(harness, connections, {
    name: 'Pendo usage → Salesforce',
    from: 'activeVisitors',
    to: 'Pendo_numberofvisitors_last30d__c',
  });
  // A second one in the same group, for sorting.
  await vendors.pipeline(harness, connections, {
    name: 'Another Pendo leg',
    from: 'minutes',
    to: 'Pendo_timeonsite_last30d__c',
    schedule: '0 6 * * 1',
  });
  const source = await harness.api<{ writeKey: string }>('POST', '/api/sources', {
    name: 'Web app',
    destinationId: null,
  });
  const batch = ['Report Exported', 'Signed In', 'Invited Teammate'].map((event, i) => ({
    type: 'track',
    event,
    userId: `u${i}`,
  }));
  expect((await harness.ingest(source.body.writeKey, batch)).status).toBe(200);
  // One failed event (made by hand: no vendor here), for the Failures view and a detail with an error.
  const first = await harness.hub.db.selectFrom('events').select('id').orderBy('id').executeTakeFirstOrThrow();
  failedEventId = Number(first.id);
  await harness.hub.db
    .updateTable('events')
    .set({ state: 'failed', updated_at: Date.now() })
    .where('id', '=', first.id)
    .execute();
  const rule = await harness.api('POST', '/api/alerts', {
    name: 'Delivery failing',
    condition: { type: 'failed_events', threshold: 0, periodMinutes: 60 },
    // Nothing listens there: the rule fires without anything leaving this machine.
    channels: { webhook: { url: 'http://127.0.0.1:9/services/T0/B0/secret' } },
  });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  ({ context, page } = await harness.newPage({ width: 1280, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  await harness?.close();
  await vendors?.close();
});

afterEach(async ({ task }) => {
  await screenshotIfFailed(page, task, 'a11y');
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** Waits for the page to settle (no "Loading…" left), runs axe-core on it and returns its violations, printed. */
async function axe(label: string): Promise<string[]> {
  await page.locator('main h1, .login h1, h1').first().waitFor();
  await expectNoLoading();
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate<Violation[]>(
    'window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  );
  const lines = violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${label}: ${v.id} (${v.impact}) ${v.help} — ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`,
    ),
  );
  if (lines.length) console.log(lines.join('\n'));
  return lines;
}

async function expectNoLoading() {
  const loading = page.getByText(/^Loading/);
  const end = Date.now() + 10_000;
  while ((await loading.count()) > 0 && Date.now() < end) await page.waitForTimeout(100);
  // Lists and charts fill in just after their answers arrive.
  await page.waitForTimeout(300);
}

const go = async (hash: string, heading: string | RegExp) => {
  await page.goto(`${harness.hub.url}/#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
};

describe('axe-core finds no violations', () => {
  it('on the login page', async () => {
    await page.goto(harness.hub.url);
    await page.getByLabel('Admin token').waitFor();
    expect(await axe('login')).toEqual([]);
    await harness.signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  const pages: Array<[string, string, string | RegExp]> = [
    ['overview', '/overview', 'Overview'],
    ['connections', '/connections', 'Connections'],
    ['connection form', '/connections/new', 'Add connection'],
    ['sources', '/sources', 'Sources'],
    ['destinations', '/destinations', 'Destinations'],
    ['destination form', '/destinations/new', /destination/i],
    ['failures', '/events/failures', 'Events'],
    ['pipelines', '/pipelines', 'Pipelines'],
    ['pipeline form', '/pipelines/new', 'New pipeline'],
    ['limits', '/limits', 'Limits'],
    ['alerts', '/alerts', 'Alerts'],
    ['gainsight', '/gainsight', 'Gainsight pulls'],
    ['accounts', '/accounts', 'Accounts'],
    ['qualtrics', '/qualtrics', 'Qualtrics'],
    ['API reference', '/api', 'API reference'],
  ];
  for (const [label, hash, heading] of pages) {
    it(`on ${label}`, async () => {
      await go(hash, heading);
      expect(await axe(label)).toEqual([]);
    });
  }

  it('on events with the detail open', async () => {
    await go('/events', 'Events');
    await page.getByRole('button', { name: `Show event ${failedEventId}` }).click();
    await page.getByRole('complementary', { name: `Event ${failedEventId}` }).waitFor();
    expect(await axe('events + detail')).toEqual([]);
  });

  it('on the pipeline form after a refused save, and the alert rule form', async () => {
    await go('/pipelines/new', 'New pipeline');
    await page.getByLabel('Pipeline kind').selectOption({ label: 'Pendo → Salesforce' });
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await axe('pipeline form refused')).toEqual([]);

    await go('/alerts', 'Alerts');
    await page.getByRole('button', { name: 'New alert rule' }).click();
    await page.getByRole('form', { name: 'New alert rule' }).waitFor();
    await page.getByLabel('Send e-mail (SMTP)').check();
    expect(await axe('alert rule form')).toEqual([]);
  });
});

describe('with the keyboard', () => {
  const focused = () =>
    page.evaluate<{ tag: string; id: string; text: string; label: string | null }>(
      `(() => { const e = document.activeElement; return { tag: e.tagName, id: e.id, text: (e.textContent ?? '').trim(), label: e.getAttribute('aria-label') }; })()`,
    );

  it('the skip link is the first Tab stop and moves focus to the main content', async () => {
    // A fresh load (going to another hash of the same document would not reload it).
    await page.goto(`${harness.hub.url}/#/connections`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    await page.keyboard.press('Tab');
    const link = page.getByRole('link', { name: 'Skip to main content' });
    expect(await link.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    // Hidden until focused, then on screen.
    const box = await link.boundingBox();
    expect(box && box.y >= 0 && box.width > 1).toBe(true);
    await screenshot(page, 'a11y-01-skip-link');
    await page.keyboard.press('Enter');
    expect((await focused()).tag).toBe('MAIN');
    // The hash route stays where it was.
    expect(new URL(page.url()).hash).toBe('#/connections');
    // The next Tab stop is inside main, not the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.querySelector("main").contains(document.activeElement)')).toBe(true);
  });

  it('each page sets its own document.title and navigation moves focus to its heading', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    const titles: string[] = [];
    for (const [link, heading] of [
      ['Sources', 'Sources'],
      ['Events', 'Events'],
      ['Limits', 'Limits'],
      ['Pipelines', 'Pipelines'],
      ['Alerts', 'Alerts'],
      ['Overview', 'Overview'],
    ]) {
      await nav.getByRole('link', { name: link, exact: true }).focus();
      await page.keyboard.press('Enter');
      const h1 = page.getByRole('heading', { level: 1, name: heading });
      await h1.waitFor();
      await expect.poll(() => h1.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
      await expect.poll(() => page.title()).toBe(`${heading} · Synchub`);
      titles.push(await page.title());
    }
    expect(new Set(titles).size).toBe(titles.length);
    await page.getByRole('link', { name: 'New pipeline' }).count();
    await page.goto(`${harness.hub.url}/#/pipelines/new`);
    await page.getByRole('heading', { level: 1, name: 'New pipeline' }).waitFor();
    await expect.poll(() => page.title()).toBe('New pipeline · Synchub');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    await expect.poll(() => page.title()).toBe('Sign in · Synchub');
    await harness.signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  it('opens an event with Enter; Escape closes it and focus returns to its row', async () => {
    await go('/events', 'Events');
    const opener = page.getByRole('button', { name: `Show event ${failedEventId}` });
    await opener.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('complementary', { name: `Event ${failedEventId}` });
    await detail.waitFor();
    expect(await opener.getAttribute('aria-expanded')).toBe('true');
    // Focus went into the panel.
    expect(await detail.evaluate((e) => e.contains(e.ownerDocument.activeElement))).toBe(true);
    await screenshot(page, 'a11y-02-event-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect((await focused()).label).toBe(`Show event ${failedEventId}`);

    // The close button does the same.
    await page.keyboard.press('Enter');
    await detail.waitFor();
    await detail.getByRole('button', { name: 'Close event details' }).click();
    await detail.waitFor({ state: 'detached' });
    expect((await focused()).label).toBe(`Show event ${failedEventId}`);
  });

  it('shows a visible focus ring on a checkbox', async () => {
    await go('/alerts', 'Alerts');
    await page.getByRole('button', { name: 'New alert rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    const box = form.getByLabel('Send e-mail (SMTP)');
    await form.getByLabel('Webhook URL').focus();
    await page.keyboard.press('Tab');
    expect(await box.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    const ring = await box.evaluate((e) => {
      // This folder's TypeScript has no DOM globals: reach them through the element.
      const style = e.ownerDocument.defaultView?.getComputedStyle(e);
      return { style: style?.outlineStyle, width: Number.parseFloat(style?.outlineWidth ?? '0') };
    });
    expect(ring.style).not.toBe('none');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    await screenshotOf(box.locator('xpath=../..'), 'a11y-03-checkbox-focus');
  });

  it('a refused pipeline form focuses its first invalid field', async () => {
    await go('/pipelines/new', 'New pipeline');
    await page.getByLabel('Pipeline kind').selectOption({ label: 'Pendo → Salesforce' });
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.getByRole('alert').first().waitFor();
    const name = page.getByLabel('Name', { exact: true });
    await expect.poll(() => name.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
  });

  it('every aria-labelledby and aria-describedby id names an element', async () => {
    for (const [hash, heading] of [
      ['/pipelines', 'Pipelines'],
      ['/pipelines/new', 'New pipeline'],
      ['/alerts', 'Alerts'],
      ['/limits', 'Limits'],
      ['/overview', 'Overview'],
    ] as const) {
      await go(hash, heading);
      await expectNoLoading();
      const broken = await page.evaluate<string[]>(`(() => {
        const out = [];
        for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls']) {
          for (const el of document.querySelectorAll('[' + attr + ']')) {
            for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
              if (!document.getElementById(id)) out.push(attr + '=' + id);
            }
          }
        }
        return out;
      })()`);
      expect(broken, hash).toEqual([]);
    }
    // The pipeline groups are regions named by their headings.
    await go('/pipelines', 'Pipelines');
    const groups = page.getByRole('region', { name: 'Pendo ↔ Salesforce ↔ Gainsight' });
    await groups.first().waitFor();
    expect(await groups.count()).toBe(1);
  });
});

describe('at 400 px', () => {
  it('the changed pages fit the screen and axe finds nothing there either', async () => {
    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, hash, heading] of [
        ['pipelines', '/pipelines', 'Pipelines'],
        ['limits', '/limits', 'Limits'],
        ['sources', '/sources', 'Sources'],
        ['alerts', '/alerts', 'Alerts'],
      ] as const) {
        await go(hash, heading);
        await expectNoLoading();
        await screenshot(page, `a11y-${name}-${width}`);
        if (width === 400) {
          expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(400);
          expect(await axe(`${name} 400`)).toEqual([]);
        }
      }
      await go('/events', 'Events');
      await page.getByRole('button', { name: `Show event ${failedEventId}` }).click();
      await page.getByRole('complementary', { name: `Event ${failedEventId}` }).waitFor();
      await screenshot(page, `a11y-event-detail-${width}`);
      if (width === 400) expect(await axe('events + detail 400')).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('the same format and sorting as other pages', () => {
  it('Limits shows its times in the shared format, with the relative time and other zone as the hint', async () => {
    // A call spends the Pendo minute budget, so that window has a reset time to show.
    await go('/connections', 'Connections');
    const row = page.getByRole('row', { name: /Pendo sandbox/ });
    await row.getByRole('button', { name: 'Validate Pendo sandbox' }).click();
    await row.getByText(/checked/).waitFor();
    await go('/limits', 'Limits');
    const pendo = page.getByRole('region', { name: /Pendo sandbox/ });
    const resets = pendo.locator('time').first();
    await resets.waitFor();
    // "Dec 2, 1:22:27 PM UTC (in 1 min)", as the Pipelines and Events pages write times.
    expect(await resets.textContent()).toMatch(
      /^[A-Z][a-z]{2} \d{1,2}(, \d{4})?, \d{1,2}:\d{2}(:\d{2})? [AP]M \S+ \((in |just now)/,
    );
    expect(await resets.getAttribute('title')).toMatch(/^(in |just now).* · /);
    expect(await resets.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await screenshot(page, 'a11y-limits-times');
  });

  it('Pipelines sorts a group by any column, saying so in aria-sort', async () => {
    await go('/pipelines', 'Pipelines');
    const group = page.getByRole('region', { name: 'Pendo ↔ Salesforce ↔ Gainsight' });
    const names = async () =>
      (await group.locator('tbody th[scope="row"]').allTextContents()).map((t) => t.split('Pendo →')[0]?.trim());
    const header = group.getByRole('columnheader', { name: /Pipeline/ });
    await header.getByRole('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(await names()).toEqual(['Another Pendo leg', 'Pendo usage → Salesforce']);
    await header.getByRole('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await names()).toEqual(['Pendo usage → Salesforce', 'Another Pendo leg']);
    // Next run: the weekly one (Monday 06:00 UTC) and the daily one, in time order.
    const next = group.getByRole('columnheader', { name: /Next run/ });
    await next.getByRole('button').click();
    expect(await next.getAttribute('aria-sort')).toBe('ascending');
    expect(await header.getAttribute('aria-sort')).toBe('none');
  });
});
