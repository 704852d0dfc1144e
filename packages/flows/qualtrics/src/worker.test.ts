import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';

// The delivery worker as the hub runs it (the service's background work): started with the hub, stopped
// and started again (on a shared database it runs only while this hub holds the plugin's lease).

// biome-ignore lint/suspicious/noExplicitAny: test answers are checked by the assertions themselves
type Json = Record<string, any>;

const TRIGGER_PATH = '/inbound-event/v1/events/json/triggers';
let sim: ReturnType<typeof createQualtricsSimulator>;
let server: RunningServer;
let t: QualtricsTestHub;
let triggerId: string;
let secret: string;

beforeAll(async () => {
  sim = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1, triggers: ['wf-onboarding'] });
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(() => {
  sim.control.reset();
  sim.state.events.length = 0;
});
afterEach(() => t?.close());

/** A Qualtrics connection and a trigger made through `on`; its id and webhook secret are kept. */
async function addTrigger(on: QualtricsTestHub) {
  const connection = await on.request('POST', '/api/connections', {
    connectorId: 'qualtrics',
    name: 'Qualtrics',
    settings: {
      baseUrl: server.url,
      sandbox: true,
      triggerUrl: `${server.url}${TRIGGER_PATH}?urlTokenId=wf-onboarding`,
      username: sim.credentials.username,
    },
    secrets: { apiToken: sim.credentials.apiToken },
  });
  const connectionId = ((await connection.json()) as Json).connection.id;
  const created = (await (
    await on.request('POST', '/api/qualtrics/triggers', {
      name: 'Onboarding survey',
      connectionId,
      template: [{ key: 'Email', value: '$.email' }],
    })
  ).json()) as Json;
  triggerId = created.trigger.id;
  secret = created.secret;
}

const hook = async (email: string, on: QualtricsTestHub = t): Promise<number> => {
  const res = await on.hub.app.request(`http://hub.test/hooks/qualtrics/${triggerId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-synchub-secret': secret },
    body: JSON.stringify({ email }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as Json).deliveryId;
};
const delivery = async (id: number, on: QualtricsTestHub = t) =>
  ((await (await on.request('GET', `/api/qualtrics/deliveries/${id}`)).json()) as Json).delivery;
const triggerCalls = () => sim.control.requests.filter((r) => r.path === TRIGGER_PATH);

describe('the delivery worker as background work', () => {
  beforeEach(async () => {
    // The worker left to the hub, as in production (the test hub's default leaves it stopped).
    t = await createQualtricsTestHub({}, { startWorker: true });
    await addTrigger(t);
  });

  it('runs from the hub start; stopped, it sends nothing and the API keeps working; started again, it delivers', async () => {
    // Started by the hub (SQLite: at once), no drain: the webhook's call reaches Qualtrics.
    const first = await hook('ada@example.com');
    await vi.waitFor(async () => expect((await delivery(first)).state).toBe('delivered'), { timeout: 5000 });

    await t.qualtrics.stop();
    const second = await hook('grace@example.com');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await delivery(second)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(triggerCalls()).toHaveLength(1);
    // The API's own calls do not depend on the worker: a confirmed test is sent while it is stopped.
    const test = await t.request('POST', `/api/qualtrics/triggers/${triggerId}/test`, {
      confirm: true,
      input: { email: 'test@example.com' },
    });
    expect(test.status).toBe(200);
    expect(((await test.json()) as Json).ok).toBe(true);

    // Started again (a fresh worker, not the stopped one's aborted calls): the waiting call goes, and new ones.
    await t.qualtrics.start();
    const third = await hook('linus@example.com');
    await vi.waitFor(
      async () => {
        expect((await delivery(second)).state).toBe('delivered');
        expect((await delivery(third)).state).toBe('delivered');
      },
      { timeout: 5000 },
    );
    expect(await delivery(second)).toMatchObject({ attempts: 1, lastError: null });
    expect(triggerCalls()).toHaveLength(4);
  });

  it('a stop during a call leaves the delivery due, not counted as an attempt; the next start sends it', async () => {
    // Qualtrics is slow to answer: the worker's call is in flight when the worker stops.
    sim.control.faults.set(TRIGGER_PATH, { delayMs: 2000 });
    const id = await hook('ada@example.com');
    await vi.waitFor(() => expect(triggerCalls()).toHaveLength(1), { timeout: 5000 });
    const stoppedAt = Date.now();
    await t.qualtrics.stop();
    // The call was aborted, not waited for.
    expect(Date.now() - stoppedAt).toBeLessThan(1500);
    expect(await delivery(id)).toMatchObject({ state: 'pending', attempts: 0, lastError: null });

    sim.control.faults.clear();
    await t.qualtrics.start();
    await vi.waitFor(async () => expect((await delivery(id)).state).toBe('delivered'), { timeout: 5000 });
    expect(await delivery(id)).toMatchObject({ attempts: 1, lastError: null });
    expect(triggerCalls()).toHaveLength(2);
  });
});

// Needs the PostgreSQL test server (SYNCHUB_TEST_STORE=postgres; fails in CI when unreachable).
describe.skipIf(process.env.SYNCHUB_TEST_STORE !== 'postgres')('two hubs on one PostgreSQL', () => {
  it('one worker sends every call, whichever hub took the webhook; a stop mid-call hands the call to the other hub', {
    timeout: 30_000,
  }, async () => {
    // The same data dir: the same database and secret key, as two processes of one installation.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-qualtrics-'));
    const options = { dataDir, leaseTtlMs: 2000, leaseRenewMs: 500 };
    const a = await createQualtricsTestHub(options, { startWorker: true });
    t = a;
    const b = await createQualtricsTestHub(options, { startWorker: true });
    try {
      await addTrigger(a);
      // Taken by the hub that does not run the worker: the call waits in the database for the one that does.
      const first = await hook('ada@example.com', b);
      await vi.waitFor(async () => expect((await delivery(first, b)).state).toBe('delivered'), { timeout: 10_000 });
      expect(triggerCalls()).toHaveLength(1);

      // The holder stops while Qualtrics is slow to answer: its call is aborted, the row stays due, and the
      // other hub takes the worker over and sends it.
      sim.control.faults.set(TRIGGER_PATH, { delayMs: 3000 });
      const second = await hook('grace@example.com', a);
      await vi.waitFor(() => expect(triggerCalls()).toHaveLength(2), { timeout: 5000 });
      sim.control.faults.clear();
      await a.close();
      await vi.waitFor(async () => expect((await delivery(second, b)).state).toBe('delivered'), { timeout: 5000 });
      // One attempt (b's): a's aborted call was not counted, nor recorded as a failure.
      expect(await delivery(second, b)).toMatchObject({ attempts: 1, lastError: null });
      expect(triggerCalls()).toHaveLength(3);
    } finally {
      await b.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
