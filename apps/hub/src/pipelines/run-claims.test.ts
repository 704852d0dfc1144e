import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readTestEnv } from '../env.js';
import { addMemoConnection, createMemo } from '../host/test-plugins.js';
import { createTestHub, type TestHub } from '../test-support.js';
import { definePipelineKind } from './kind.js';

// Several hub processes on one PostgreSQL database, as test hubs sharing one database (and key file). Each
// hub has its own runner, scheduler, process id and feed relay, as separate processes would.

/** Runs of this kind wait for `gates[pipelineName]` (when set) before committing their one page. */
const gates = new Map<string, Promise<void>>();
const pagesKind = definePipelineKind({
  kind: 'test.claims',
  title: 'Claims test',
  description: 'one page, optionally held',
  group: 'Tests',
  connectorId: 'memo',
  settings: z.strictObject({}),
  defaultSchedule: '0 3 * * *',
  async run(run) {
    // Held until released, or until the hub stops (a failed test must not leave its hubs waiting).
    await Promise.race([
      gates.get(run.pipelineName),
      new Promise((_, reject) => {
        if (run.signal.aborted) reject(run.signal.reason);
        run.signal.addEventListener('abort', () => reject(run.signal.reason));
      }),
    ]);
    run.count('read', 1);
    await run.commit(String(Number(run.cursor ?? 0) + 1));
  },
});

const HEARTBEAT_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe.skipIf(readTestEnv().store !== 'postgres')('several hubs on one PostgreSQL', () => {
  let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
  let hubs: TestHub[] = [];
  let connectionId: string;

  beforeEach(async () => {
    gates.clear();
    clock = Date.UTC(2026, 10, 23, 12, 0, 0);
    const options = {
      kinds: [pagesKind],
      now: () => clock,
      extraConnectors: [createMemo().connector],
      runHeartbeatMs: HEARTBEAT_MS,
    };
    const first = await createTestHub(options);
    hubs = [first];
    for (let i = 0; i < 2; i++) {
      hubs.push(await createTestHub({ ...options, dataDir: first.dataDir, databaseUrl: first.databaseUrl }));
    }
    connectionId = await addMemoConnection(first);
  });
  afterEach(async () => {
    // The first hub owns the database: it closes (and drops it) last.
    for (const t of [...hubs].reverse()) await t.close();
  });

  const db = () => hubs[0]!.hub.db;
  const create = async (name: string) => {
    const res = await hubs[0]!.request('POST', '/api/pipelines', { kind: 'test.claims', name, connectionId });
    expect(res.status).toBe(201);
    return ((await res.json()) as { pipeline: { id: string; nextRunAt: number } }).pipeline;
  };
  const runsOf = (pipelineId: string) =>
    db()
      .selectFrom('runs')
      .select(['id', 'status', 'trigger', 'run_key', 'owner', 'error_json'])
      .where('pipeline_id', '=', pipelineId)
      .orderBy('id')
      .execute();
  const settled = (pipelineId: string) =>
    until(`the runs of ${pipelineId} to end`, async () => {
      const runs = await runsOf(pipelineId);
      return runs.every((r) => r.status !== 'running') ? runs : undefined;
    });

  it('three schedulers ticking at once start exactly one run per occurrence', async () => {
    const pipelines = [await create('a'), await create('b'), await create('c')];
    const occurrences: number[] = [];
    for (let day = 0; day < 4; day++) {
      // The next occurrence (03:00 UTC) has passed for all three pipelines; every hub ticks at the same moment.
      clock = pipelines[0]!.nextRunAt + day * 86_400_000 + 1000;
      occurrences.push(clock - 1000);
      const started = (await Promise.all(hubs.map((t) => t.hub.scheduler.tick()))).flat();
      expect(started.sort()).toEqual(pipelines.map((p) => p.id).sort());
      for (const p of pipelines) await settled(p.id);
    }
    for (const p of pipelines) {
      const runs = await runsOf(p.id);
      expect(runs.map((r) => r.run_key)).toEqual(occurrences.map((o) => `${p.id}@${o}`));
      expect(runs.every((r) => r.status === 'completed')).toBe(true);
    }
    // The runs were spread over the processes that won each claim, not all started by one.
    const owners = new Set((await db().selectFrom('runs').select('owner').execute()).map((r) => r.owner));
    expect(owners.size).toBeGreaterThan(1);
    for (const o of owners) expect([...hubs.map((t) => t.hub.runner.processId)]).toContain(o);
  });

  it('"run now" in one process is refused while another process runs the pipeline, and every API says running', async () => {
    const p = await create('held');
    let release = () => {};
    gates.set('held', new Promise((r) => (release = r)));
    const first = await hubs[0]!.request('POST', `/api/pipelines/${p.id}/run`);
    expect(first.status).toBe(202);
    for (const t of hubs.slice(1)) {
      expect((await t.request('POST', `/api/pipelines/${p.id}/run`)).status).toBe(409);
      const { pipeline } = (await (await t.request('GET', `/api/pipelines/${p.id}`)).json()) as {
        pipeline: { running: boolean; lastRun: { status: string } };
      };
      expect(pipeline).toMatchObject({ running: true, lastRun: { status: 'running' } });
      expect((await t.request('DELETE', `/api/pipelines/${p.id}`)).status).toBe(409);
    }
    release();
    expect((await settled(p.id)).map((r) => r.status)).toEqual(['completed']);
    // Ended, any process may start the next one.
    expect((await hubs[2]!.request('POST', `/api/pipelines/${p.id}/run`)).status).toBe(202);
    expect((await settled(p.id)).map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it("marks a dead process's run interrupted (naming it) and retries it once; a live run keeps going", async () => {
    const dead = await create('dead');
    const live = await create('live');
    // What a killed process leaves: its run row, running, whose heartbeat stops being renewed.
    await db()
      .insertInto('runs')
      .values({
        pipeline_id: dead.id,
        status: 'running',
        trigger: 'schedule',
        started_at: clock - 1000,
        counts_json: '{}',
        cursor_before: null,
        cursor_after: null,
        owner: 'gone-host:4242:abcdef',
        heartbeat_at: sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`,
      })
      .execute();
    // A run of a live process, held longer than the staleness window: its heartbeat keeps it running.
    let release = () => {};
    gates.set('live', new Promise((r) => (release = r)));
    const { done } = await hubs[0]!.hub.runner.start(live.id, 'manual');
    await sleep(HEARTBEAT_MS * 6);

    const started = (await Promise.all(hubs.slice(1).map((t) => t.hub.scheduler.tick()))).flat();
    expect(started).toEqual([dead.id]);
    const [interrupted, retry] = await settled(dead.id);
    expect(interrupted?.status).toBe('interrupted');
    expect(JSON.parse(interrupted?.error_json ?? '{}')).toMatchObject({
      code: 'interrupted',
      owner: 'gone-host:4242:abcdef',
      message: expect.stringMatching(/^Hub process gone-host:4242:abcdef stopped answering/),
    });
    expect(retry).toMatchObject({ status: 'completed', trigger: 'retry' });
    expect((await runsOf(live.id)).map((r) => r.status)).toEqual(['running']);

    // Once: further ticks of every process start nothing more.
    for (let i = 0; i < 3; i++) {
      expect((await Promise.all(hubs.map((t) => t.hub.scheduler.tick()))).flat()).toEqual([]);
      await sleep(HEARTBEAT_MS);
    }
    expect(await runsOf(dead.id)).toHaveLength(2);
    release();
    expect((await done).status).toBe('completed');
  });

  it('a run marked interrupted while its process was not answering cannot move the cursor afterwards', async () => {
    const p = await create('paused');
    let release = () => {};
    gates.set('paused', new Promise((r) => (release = r)));
    const { runId, done } = await hubs[0]!.hub.runner.start(p.id, 'manual');
    // As another process does once the heartbeat is too old (here: at once, as if this one had been paused).
    await db().updateTable('runs').set({ status: 'interrupted' }).where('id', '=', runId).execute();
    release();
    const run = await done;
    expect(run.status).toBe('interrupted');
    const { cursor } = await db()
      .selectFrom('pipelines')
      .select('cursor')
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow();
    expect(cursor).toBeNull();
  });
});
