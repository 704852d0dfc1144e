import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostgres } from '../db/index.js';
import { addConnection, alertHub, type Receiver, runBehaviour, startReceiver } from './test-fixtures.js';

// Each condition fires once (one webhook call), stays quiet while it holds, and sends "resolved" when it
// clears. Time is the hub's injected clock; evaluations are called directly (the loop is an hour here).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const clock = { now: Date.UTC(2026, 10, 23, 12, 0, 0) };
let t: Awaited<ReturnType<typeof alertHub>>;
let hook: Receiver;

beforeEach(async () => {
  clock.now = Date.UTC(2026, 10, 23, 12, 0, 0);
  runBehaviour.fail = false;
  hook = await startReceiver();
  t = await alertHub(clock);
});
afterEach(async () => {
  await t.hub.close();
  await hook.close();
});

type Rule = { id: string; state: { status: string; since: number | null; firing: Array<{ label: string }> } };

async function addRule(condition: Record<string, unknown>, name = 'the rule') {
  const res = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
    name,
    condition,
    channels: { webhook: { url: hook.url } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.rule.id;
}

/** Evaluate, wait for deliveries, and answer the states of the webhook calls made by this evaluation. */
async function tick(): Promise<string[]> {
  const before = hook.bodies.length;
  await t.hub.alerts.evaluate();
  await t.hub.alerts.settled();
  return hook.bodies.slice(before).map((b) => String(b.state));
}

/**
 * Time passes for the budget too. On SQLite the limiter counts on the hub's clock (`clock`); on PostgreSQL
 * it counts on the database's clock (every hub reserves there), which a test cannot move: the counted
 * slots are moved back by as much instead.
 */
async function advance(ms: number) {
  clock.now += ms;
  if (isPostgres(t.hub.db)) {
    await t.hub.db
      .updateTable('limiter_windows')
      .set({ window_start: sql`window_start - ${ms}` })
      .execute();
  }
}

async function ruleState(id: string) {
  return (await t.call<{ rule: Rule }>('GET', `/api/alerts/${id}`)).body.rule.state;
}

async function addPipeline(schedule = '0 * * * *') {
  const connectionId = await addConnection(t);
  const res = await t.call<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
    kind: 'test.alerts',
    name: 'Nightly accounts',
    connectionId,
    settings: {},
    schedule,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.pipeline.id;
}

async function run(pipelineId: string, fail: boolean) {
  runBehaviour.fail = fail;
  const { done } = await t.hub.runner.start(pipelineId, 'manual');
  const view = await done;
  expect(view.status).toBe(fail ? 'failed' : 'completed');
}

/** A source routed to a new destination, and `n` events ingested through it (waiting: delivery is not running). */
async function destinationWithEvents(n: number) {
  const connectionId = await addConnection(t, 'https://events.acme.test');
  const dest = await t.call<{ destination: { id: string } }>('POST', '/api/destinations', {
    name: 'Acme events',
    kind: 'acme',
    connectionId,
    settings: {},
  });
  expect(dest.status, JSON.stringify(dest.body)).toBe(201);
  const src = await t.call<{ writeKey: string }>('POST', '/api/sources', {
    name: 'Web app',
    destinationId: dest.body.destination.id,
  });
  const res = await t.hub.app.request('/v1/batch', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${src.body.writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({
      batch: Array.from({ length: n }, (_, i) => ({
        type: 'track',
        event: 'opened',
        userId: `u${i}`,
        messageId: `m${i}`,
      })),
    }),
  });
  expect(res.status).toBe(200);
  return dest.body.destination.id;
}

describe('a run failed', () => {
  it('fires once for a failing pipeline, stays quiet while it keeps failing, resolves on a completed run', async () => {
    const pipelineId = await addPipeline();
    const ruleId = await addRule({ type: 'run_failed' });
    await run(pipelineId, false);
    expect(await tick()).toEqual([]);

    await run(pipelineId, true);
    expect(await tick()).toEqual(['firing']);
    const fired = hook.bodies.at(-1) as Record<string, unknown>;
    expect(fired).toMatchObject({
      state: 'firing',
      rule: { id: ruleId, name: 'the rule' },
      condition: { type: 'run_failed', pipelineId: null },
      subject: { id: pipelineId, label: 'pipeline “Nightly accounts”' },
      at: new Date(clock.now).toISOString(),
    });
    expect(String(fired.text)).toContain('the vendor said no');
    // Slack-compatible: a text fallback and blocks.
    expect(fired.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section' })]));
    expect(await ruleState(ruleId)).toMatchObject({ status: 'firing', since: clock.now });

    await run(pipelineId, true);
    expect(await tick()).toEqual([]);
    expect(await tick()).toEqual([]);

    clock.now += 10 * MINUTE;
    await run(pipelineId, false);
    expect(await tick()).toEqual(['resolved']);
    expect(hook.bodies.at(-1)).toMatchObject({ state: 'resolved', subject: { id: pipelineId } });
    expect(String(hook.bodies.at(-1)?.text)).toContain('RESOLVED');
    expect(await ruleState(ruleId)).toMatchObject({ status: 'ok', since: null });

    const history = await t.call<{ history: Array<{ kind: string; status: string }> }>('GET', '/api/alerts/history');
    expect(history.body.history.map((h) => [h.kind, h.status])).toEqual([
      ['resolved', 'sent'],
      ['firing', 'sent'],
    ]);
  });

  it('is evaluated right after a run ends, without waiting for the next tick', async () => {
    const pipelineId = await addPipeline();
    await addRule({ type: 'run_failed', pipelineId });
    await t.hub.alerts.start();
    await run(pipelineId, true);
    const end = Date.now() + 5000;
    while (hook.bodies.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(hook.bodies.map((b) => b.state)).toEqual(['firing']);
  });
});

describe('a pipeline has not succeeded within N times its schedule', () => {
  it('fires after N periods (and a grace), stays quiet, resolves on a successful run', async () => {
    const pipelineId = await addPipeline('0 * * * *');
    const ruleId = await addRule({ type: 'pipeline_stale', pipelineId, periods: 2 });
    clock.now += 2 * HOUR;
    // Within 2 periods plus the grace (a tenth of one): fine.
    expect(await tick()).toEqual([]);
    clock.now += 7 * MINUTE;
    expect(await tick()).toEqual(['firing']);
    expect(String(hook.bodies.at(-1)?.summary)).toMatch(/has not succeeded for 2 h 7 min \(never since it was created/);
    clock.now += HOUR;
    expect(await tick()).toEqual([]);
    await run(pipelineId, false);
    expect(await tick()).toEqual(['resolved']);
    expect(await ruleState(ruleId)).toMatchObject({ status: 'ok' });
    // Counted from the last success from now on.
    clock.now += 2 * HOUR + 5 * MINUTE;
    expect(await tick()).toEqual([]);
    clock.now += 2 * MINUTE;
    expect(await tick()).toEqual(['firing']);
  });

  it('leaves disabled pipelines alone', async () => {
    const pipelineId = await addPipeline('0 * * * *');
    await addRule({ type: 'pipeline_stale', periods: 1 });
    expect((await t.call('PATCH', `/api/pipelines/${pipelineId}`, { enabled: false })).status).toBe(200);
    clock.now += 10 * HOUR;
    expect(await tick()).toEqual([]);
  });
});

describe('failed events above a threshold in a period', () => {
  it('fires above the threshold, stays quiet, resolves when the failures age out of the period', async () => {
    const destinationId = await destinationWithEvents(4);
    const ruleId = await addRule({ type: 'failed_events', destinationId, threshold: 2, periodMinutes: 60 });
    const fail = (ids: number) =>
      t.hub.db
        .updateTable('events')
        .set({ state: 'failed', destination_id: destinationId, updated_at: clock.now })
        .where('id', '<=', ids)
        .execute();
    await fail(2);
    expect(await tick()).toEqual([]);
    await fail(3);
    expect(await tick()).toEqual(['firing']);
    expect(hook.bodies.at(-1)).toMatchObject({ details: { failed: 3, threshold: 2, periodMinutes: 60 } });
    await fail(4);
    expect(await tick()).toEqual([]);
    clock.now += 61 * MINUTE;
    expect(await tick()).toEqual(['resolved']);
    expect(await ruleState(ruleId)).toMatchObject({ status: 'ok' });
  });
});

describe('a vendor budget at or above X% for Y minutes', () => {
  it('waits Y minutes before firing, stays quiet, resolves when use falls', async () => {
    await addConnection(t);
    const budgets = await t.call<{ budgets: Array<{ key: string; percent: number }> }>('GET', '/api/alerts/budgets');
    const key = 'acme:https://api.acme.test:api';
    expect(budgets.body.budgets).toEqual([expect.objectContaining({ key, percent: 0 })]);
    const ruleId = await addRule({ type: 'budget_used', budget: key, percent: 80, minutes: 5 });
    const windows = [{ limit: 10, windowMs: 86_400_000 }];
    await t.hub.limiter.acquire(key, windows, { cost: 9 });

    expect(await tick()).toEqual([]);
    expect(await ruleState(ruleId)).toMatchObject({ status: 'pending' });
    await advance(4 * MINUTE);
    expect(await tick()).toEqual([]);
    await advance(MINUTE);
    expect(await tick()).toEqual(['firing']);
    expect(hook.bodies.at(-1)).toMatchObject({ details: { percent: 90 } });
    await advance(MINUTE);
    expect(await tick()).toEqual([]);
    // The day's calls stop counting a day later.
    await advance(25 * HOUR);
    expect(await tick()).toEqual(['resolved']);
  });

  it('forgets a dip: the Y minutes start again when use falls below X before they are up', async () => {
    await addConnection(t);
    const key = 'acme:https://api.acme.test:api';
    await addRule({ type: 'budget_used', percent: 50, minutes: 10 });
    await t.hub.limiter.acquire(key, [{ limit: 10, windowMs: 86_400_000 }], { cost: 6 });
    expect(await tick()).toEqual([]);
    await advance(25 * HOUR);
    expect(await tick()).toEqual([]);
    await t.hub.limiter.acquire(key, [{ limit: 10, windowMs: 86_400_000 }], { cost: 6 });
    await advance(5 * MINUTE);
    expect(await tick()).toEqual([]);
    await advance(9 * MINUTE);
    expect(await tick()).toEqual([]);
    await advance(MINUTE);
    expect(await tick()).toEqual(['firing']);
  });

  it('refuses a budget that does not exist, naming the ones that do', async () => {
    await addConnection(t);
    const res = await t.call<{ error: { message: string } }>('POST', '/api/alerts', {
      name: 'x',
      condition: { type: 'budget_used', budget: 'nope', percent: 80 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('known: acme:https://api.acme.test:api');
  });
});

describe("a destination's oldest waiting event older than Z", () => {
  it('fires once the oldest waiting event is older than Z, resolves when it is delivered', async () => {
    const destinationId = await destinationWithEvents(3);
    const ruleId = await addRule({ type: 'waiting_age', minutes: 30 });
    clock.now += 10 * MINUTE;
    expect(await tick()).toEqual([]);
    clock.now += 21 * MINUTE;
    expect(await tick()).toEqual(['firing']);
    expect(hook.bodies.at(-1)).toMatchObject({ subject: { id: destinationId, label: 'destination “Acme events”' } });
    expect(String(hook.bodies.at(-1)?.summary)).toContain('31 min old');
    clock.now += MINUTE;
    expect(await tick()).toEqual([]);
    await t.hub.db.updateTable('events').set({ state: 'delivered', delivered_at: clock.now }).execute();
    expect(await tick()).toEqual(['resolved']);
    expect(await ruleState(ruleId)).toMatchObject({ status: 'ok' });
  });
});

describe('rule changes', () => {
  it('a disabled rule keeps no state and sends nothing; enabled again it fires afresh', async () => {
    const pipelineId = await addPipeline();
    const ruleId = await addRule({ type: 'run_failed' });
    await run(pipelineId, true);
    expect(await tick()).toEqual(['firing']);
    await t.call('PATCH', `/api/alerts/${ruleId}`, { enabled: false });
    expect(await ruleState(ruleId)).toMatchObject({ status: 'ok' });
    expect(await tick()).toEqual([]);
    await t.call('PATCH', `/api/alerts/${ruleId}`, { enabled: true });
    expect(await tick()).toEqual(['firing']);
  });
});
