import { ConnectorError } from '@synchub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addMemoConnection, createMemo } from '../host/test-plugins.js';
import { createTestHub } from '../test-support.js';
import { definePipelineKind } from './kind.js';

// A test kind: reads N pages of fake records, commits a cursor per page, and can fail or block on demand.
let behaviour: { fail?: unknown; gate?: string; pages: number; block?: Promise<void> } = { pages: 3 };
const testKind = definePipelineKind({
  kind: 'test.pages',
  title: 'Test pages',
  description: 'pages of numbers',
  group: 'Tests',
  connectorId: 'memo',
  settings: z.strictObject({ perPage: z.number().int().min(1).default(10) }),
  defaultSchedule: '0 3 * * *',
  async gate() {
    return behaviour.gate;
  },
  // The vendor-side check a kind makes at save time (here: 13 rows a page is refused).
  async validate({ settings }) {
    return settings.perPage === 13 ? [{ path: 'settings.perPage', message: 'the vendor refuses 13' }] : [];
  },
  async run(run) {
    const start = run.cursor ? Number(run.cursor) : 0;
    for (let page = start; page < behaviour.pages; page++) {
      // Held until released or until the hub stops.
      await Promise.race([
        behaviour.block,
        new Promise((_, reject) => {
          if (run.signal.aborted) reject(run.signal.reason);
          run.signal.addEventListener('abort', () => reject(run.signal.reason));
        }),
      ]);
      run.count('read', run.settings.perPage);
      run.count('written', run.settings.perPage - 1);
      run.count('skipped', 1, 'no matching account');
      run.note('unmatched', { page });
      await run.commit(String(page + 1));
      if (behaviour.fail && page === 1) throw behaviour.fail;
    }
  },
});

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let connectionId: string;
let clock = Date.UTC(2026, 10, 23, 12, 0, 0);

beforeEach(async () => {
  behaviour = { pages: 3 };
  t = await createTestHub({ kinds: [testKind], now: () => clock, extraConnectors: [createMemo().connector] });
  connectionId = await addMemoConnection(t);
});
afterEach(() => t.hub.close());

const create = async (body: Record<string, unknown> = {}) => {
  const res = await t.request('POST', '/api/pipelines', { kind: 'test.pages', name: 'p1', connectionId, ...body });
  return {
    status: res.status,
    body: (await res.json()) as {
      pipeline: { id: string; nextRunAt: number };
      error?: { issues: Array<{ path: string }> };
    },
  };
};
const runAndWait = async (id: string) => {
  const { done } = await t.hub.runner.start(id, 'manual');
  return done;
};

describe('pipelines', () => {
  it('validates kind, settings, connection and schedule at save time', async () => {
    const paths = async (body: Record<string, unknown>) => (await create(body)).body.error?.issues.map((i) => i.path);
    expect(await paths({ kind: 'nope' })).toEqual(['kind']);
    expect(await paths({ settings: { perPage: 0 } })).toEqual(['settings.perPage']);
    expect(await paths({ settings: { extra: 1 } })).toEqual(['settings']);
    expect(await paths({ schedule: 'every tuesday' })).toEqual(['schedule']);
    expect(await paths({ connectionId: 'missing' })).toEqual(['connectionId']);
  });

  it("reports every problem of a save at once, the kind's own checks included", async () => {
    const issues = async (body: Record<string, unknown>) => {
      const res = await create(body);
      return { status: res.status, issues: res.body.error?.issues };
    };
    expect(await issues({ name: ' ', connectionId: '', settings: { perPage: 0 }, schedule: 'every tuesday' })).toEqual({
      status: 400,
      issues: [
        { path: 'name', message: 'required' },
        { path: 'settings.perPage', message: expect.any(String) },
        { path: 'connectionId', message: 'required' },
        { path: 'schedule', message: expect.stringMatching(/^not a valid cron expression/) },
      ],
    });
    expect((await create()).status).toBe(201);
    // A name in use alone is a conflict; with other problems, one of them.
    expect(await issues({})).toEqual({ status: 409, issues: [{ path: 'name', message: 'already in use' }] });
    expect(await issues({ settings: { perPage: 13 }, schedule: 'every tuesday' })).toEqual({
      status: 400,
      issues: [
        { path: 'name', message: 'already in use' },
        { path: 'schedule', message: expect.any(String) },
        { path: 'settings.perPage', message: 'the vendor refuses 13' },
      ],
    });
  });

  it('schedules the next run from the cron expression (UTC)', async () => {
    const { status, body } = await create();
    expect(status).toBe(201);
    expect(body.pipeline.nextRunAt).toBe(Date.UTC(2026, 10, 24, 3, 0, 0));
  });

  it('runs, records counts, reasons, samples and the cursor, and resumes from it', async () => {
    const { body } = await create();
    const run = await runAndWait(body.pipeline.id);
    expect(run).toMatchObject({
      status: 'completed',
      trigger: 'manual',
      cursorBefore: null,
      cursorAfter: '3',
      counts: { read: 30, written: 27, skipped: 3, failed: 0, reasons: { 'no matching account': 3 } },
    });
    expect(run.details?.unmatched).toHaveLength(3);
    behaviour.pages = 5;
    const second = await runAndWait(body.pipeline.id);
    expect(second).toMatchObject({ cursorBefore: '3', cursorAfter: '5', counts: { read: 20 } });
    const { runs } = (await (await t.request('GET', `/api/pipelines/${body.pipeline.id}/runs`)).json()) as {
      runs: unknown[];
    };
    expect(runs).toHaveLength(2);
  });

  it('keeps the vendor error body of a failed run and the progress made before it', async () => {
    const { body } = await create();
    behaviour.fail = new ConnectorError('invalid_request', 'Field Foo does not exist', {
      status: 400,
      vendorCode: 'GSOBJ_VCRUDR1002',
      body: { errorCode: 'GSOBJ_VCRUDR1002' },
    });
    const run = await runAndWait(body.pipeline.id);
    expect(run).toMatchObject({
      status: 'failed',
      cursorAfter: '2',
      error: { code: 'invalid_request', vendorCode: 'GSOBJ_VCRUDR1002', body: { errorCode: 'GSOBJ_VCRUDR1002' } },
    });
  });

  it('refuses a second run while one is in progress', async () => {
    const { body } = await create();
    let release = () => {};
    behaviour.block = new Promise((r) => {
      release = r;
    });
    const first = await t.hub.runner.start(body.pipeline.id, 'manual');
    const res = await t.request('POST', `/api/pipelines/${body.pipeline.id}/run`);
    expect(res.status).toBe(409);
    release();
    expect((await first.done).status).toBe('completed');
  });

  it('a gate refusal fails the run with the reason', async () => {
    const { body } = await create();
    behaviour.gate = 'Connect a primary CRM first';
    expect(await runAndWait(body.pipeline.id)).toMatchObject({
      status: 'failed',
      error: { code: 'gated', message: 'Connect a primary CRM first' },
    });
  });

  it('runs a missed schedule once at start, and marks a run left by a crash interrupted then retries it', async () => {
    const { body } = await create();
    const id = body.pipeline.id;
    // A run left "running" by a crash, and a schedule that passed while the hub was down.
    await t.hub.db
      .insertInto('runs')
      .values({
        pipeline_id: id,
        status: 'running',
        trigger: 'schedule',
        started_at: clock - 1000,
        counts_json: '{}',
        cursor_before: null,
        cursor_after: '1',
      })
      .execute();
    clock = Date.UTC(2026, 10, 25, 12, 0, 0);
    await t.hub.scheduler.start();
    await t.hub.scheduler.stop(); // waits for the run it started
    const { runs } = (await (await t.request('GET', `/api/pipelines/${id}/runs`)).json()) as {
      runs: Array<{ status: string; trigger: string; error: { message: string } | null }>;
    };
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ['retry', 'completed'],
      ['schedule', 'interrupted'],
    ]);
    // SQLite: the hub's previous start left it; PostgreSQL: a process that stopped answering (see run-claims.test.ts).
    expect(runs[1]?.error?.message).toMatch(/^(The hub|Hub process .*) stopped .* retried from its last saved cursor$/);
    const after = (await (await t.request('GET', `/api/pipelines/${id}`)).json()) as {
      pipeline: { nextRunAt: number };
    };
    expect(after.pipeline.nextRunAt).toBe(Date.UTC(2026, 10, 26, 3, 0, 0));
  });

  it('a run cut short by the hub stopping is interrupted, keeps its cursor and is due again at once', async () => {
    const { body } = await create();
    const id = body.pipeline.id;
    behaviour.pages = 1;
    await runAndWait(id);
    behaviour = { pages: 3, block: new Promise(() => {}) };
    const { runId } = await t.hub.runner.start(id, 'manual');
    await t.hub.scheduler.stop();
    const run = await t.hub.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    expect(run.status).toBe('interrupted');
    expect(JSON.parse(run.error_json ?? '{}').message).toMatch(/^Hub process .* stopped while this run/);
    const pipeline = await t.hub.db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(pipeline).toMatchObject({ cursor: '1', next_run_at: clock });
  });

  it('run-all starts every enabled pipeline of a connection, failures isolated', async () => {
    await create({ name: 'a' });
    await create({ name: 'b' });
    await create({ name: 'c', enabled: false });
    const res = await t.request('POST', '/api/pipelines/run-all', { connectionId });
    expect(res.status).toBe(202);
    const { started } = (await res.json()) as { started: Array<{ runId?: number }> };
    expect(started).toHaveLength(2);
    expect(started.every((s) => typeof s.runId === 'number')).toBe(true);
    await t.hub.runner.stop();
  });

  it('lists kinds with JSON Schemas and schedule presets', async () => {
    const body = (await (await t.request('GET', '/api/pipelines/kinds')).json()) as {
      kinds: Array<{ kind: string; settingsSchema: { properties: object } }>;
      schedules: object;
    };
    expect(body.kinds[0]).toMatchObject({ kind: 'test.pages', settingsSchema: { properties: { perPage: {} } } });
    expect(body.schedules).toHaveProperty('daily');
  });
});
