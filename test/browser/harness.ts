import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type RunningHub, startHub } from '@synchub/hub';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

// What every browser test file sets up: the real hub serving the built dashboard (port 0, a fresh data
// dir), headless Chromium, sign-in, screenshots and the hub API calls the tests make around the UI.

const here = path.dirname(fileURLToPath(import.meta.url));
const staticDir = path.resolve(here, '../../apps/dashboard/dist');
const shots = path.join(here, '.screenshots');
export const TOKEN = 'browser-test-admin-token-0123456789';

export interface Harness {
  hub: RunningHub;
  browser: Browser;
  /** A fresh context (the token lives in its localStorage, so contexts never share a login) with one page. */
  newPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** Goes to `at` (a hash route, or the landing page) and signs in with `token`. */
  signIn(page: Page, at?: string, token?: string): Promise<void>;
  /** A hub API call with the admin token; the answer's status and parsed JSON body. */
  api<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A batch to the ingest endpoint with a source's write key. */
  ingest(writeKey: string, batch: unknown[]): Promise<Response>;
  /**
   * Stops the hub (in-flight requests get `graceMs`; what is still running is cut off, as by a stop of the
   * process) and starts it again on the same data dir and options, as `hub`. The port changes.
   */
  restartHub(graceMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the hub (data in a temp dir named after `name`) and Chromium. */
export async function startHarness(
  name: string,
  hubOptions: Partial<Parameters<typeof startHub>[0]> = {},
): Promise<Harness> {
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`No built dashboard at ${staticDir}: run \`pnpm test:browser\` (it builds first)`);
  }
  await mkdir(shots, { recursive: true });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `synchub-${name}-`));
  let hub: RunningHub | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await hub?.close(1000);
    await rm(dataDir, { recursive: true, force: true });
  };
  const options: Parameters<typeof startHub>[0] = {
    dataDir,
    adminToken: TOKEN,
    host: '127.0.0.1',
    port: 0,
    staticDir,
    logger: createLogger({ level: 'warn' }),
    ...hubOptions,
  };
  try {
    hub = await startHub(options);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await close();
    throw error;
  }
  const started: Harness = {
    hub,
    browser,
    async newPage(viewport) {
      const context = await started.browser.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return { context, page };
    },
    async signIn(page, at = '', token = TOKEN) {
      await page.goto(`${started.hub.url}${at}`);
      await page.getByLabel('Admin token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    async api<T>(method: string, url: string, body?: unknown) {
      const res = await fetch(`${started.hub.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    ingest(writeKey, batch) {
      return fetch(`${started.hub.url}/v1/batch`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ batch }),
      });
    },
    async restartHub(graceMs = 5000) {
      hub = undefined;
      await started.hub.close(graceMs);
      hub = await startHub(options);
      started.hub = hub;
    },
    close,
  };
  return started;
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

/** One part of the page, readable at full size (full-page shots of long pages are very tall). */
export const screenshotOf = (locator: Locator, name: string) =>
  locator.screenshot({ path: path.join(shots, `${name}.png`) });

/** For afterEach: a failing test leaves a picture of what the page showed (`failed-<label>-<test>.png`). */
export async function screenshotIfFailed(
  page: Page | undefined,
  task: { name: string; result?: { state: string } },
  label?: string,
): Promise<void> {
  if (task.result?.state !== 'fail' || !page) return;
  const name = task.name.replace(/\W+/g, '-').slice(0, 60);
  await screenshot(page, `failed-${label ? `${label}-` : ''}${name}`).catch(() => {});
}

/** Text of the elements an input's aria-describedby points at (its help text and field error). */
export async function description(input: Locator): Promise<string> {
  const ids = (await input.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => input.page().locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** Polls `fn` until its value passes `check` (Playwright-style waiting for values read from the hub). */
export async function until<T>(fn: () => Promise<T>, check: (value: T) => boolean, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out; last value: ${JSON.stringify(last)}`);
}
