import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addMemoConnection, createMemo } from '../../host/test-plugins.js';
import { createTestHub } from '../../test-support.js';
import { definePipelineKind } from '../kind.js';

/** The runner's per-record outcomes (RunContext.record) and GET /api/runs/:id/records, with a test kind. */

let behaviour = { records: 2500, failAfter: false };
const recordingKind = definePipelineKind({
  kind: 'test.records',
  title: 'Test records',
  description: 'records outcomes',
  group: 'Tests',
  connectorId: '*',
  settings: z.strictObject({}),
  defaultSchedule: '0 3 * * *',
  async run(run) {
    const half = Math.floor(behaviour.records / 2);
    for (let i = 0; i < behaviour.records; i++) {
      const status = i % 10 === 0 ? 'failed' : i % 10 === 1 ? 'skipped' : 'written';
      run.record?.(
        `k${i}`,
        status,
        status === 'written' ? undefined : `reason ${status}`,
        status === 'failed' ? { code: 'invalid_request', message: `bad ${i}` } : undefined,
      );
      if (i === half) await run.commit(String(i));
    }
    if (behaviour.failAfter) throw new Error('boom');
    await run.commit('end');
  },
});

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let connectionId: string;

beforeEach(async () => {
  behaviour = { records: 2500, failAfter: false };
  t = await createTestHub({ kinds: [recordingKind], extraConnectors: [createMemo().connector] });
  connectionId = await addMemoConnection(t);
});
afterEach(() => t.hub.close());

async function runOnce() {
  const res = await t.request('POST', '/api/pipelines', { kind: 'test.records', name: 'r', connectionId });
  const { pipeline } = (await res.json()) as { pipeline: { id: string } };
  const { runId, done } = await t.hub.runner.start(pipeline.id, 'manual');
  const run = await done;
  return { pipelineId: pipeline.id, runId, run };
}

const get = async (url: string) => {
  const res = await t.request('GET', url);
  return { status: res.status, body: (await res.json()) as { records: unknown[]; total: number } };
};

describe('run records', () => {
  it('keeps every record’s outcome with the run, listed in order and filtered by status', async () => {
    const { runId, run } = await runOnce();
    expect(run.status).toBe('completed');
    const all = await get(`/api/runs/${runId}/records?limit=3`);
    expect(all.body).toEqual({
      total: 2500,
      records: [
        { key: 'k0', status: 'failed', reason: 'reason failed', error: { code: 'invalid_request', message: 'bad 0' } },
        { key: 'k1', status: 'skipped', reason: 'reason skipped', error: null },
        { key: 'k2', status: 'written', reason: null, error: null },
      ],
    });
    expect((await get(`/api/runs/${runId}/records?status=failed&limit=1000`)).body.total).toBe(250);
    expect((await get(`/api/runs/${runId}/records?status=skipped`)).body.records).toHaveLength(100);
    const last = await get(`/api/runs/${runId}/records?status=written&offset=1999`);
    expect(last.body).toMatchObject({ total: 2000, records: [{ key: 'k2499' }] });
    expect((await get(`/api/runs/${runId}/records?limit=0`)).status).toBe(400);
    expect((await get('/api/runs/abc/records')).status).toBe(400);
    const unauthenticated = await t.hub.app.request(`/api/runs/${runId}/records`);
    expect(unauthenticated.status).toBe(401);
  });

  it('a failed run keeps what it recorded; deleting the pipeline deletes its run records', async () => {
    behaviour = { records: 40, failAfter: true };
    const { pipelineId, runId, run } = await runOnce();
    expect(run).toMatchObject({ status: 'failed', error: { message: 'boom' } });
    expect((await get(`/api/runs/${runId}/records`)).body.total).toBe(40);
    expect((await t.request('DELETE', `/api/pipelines/${pipelineId}`)).status).toBe(204);
    expect(await t.hub.db.selectFrom('run_records').selectAll().execute()).toEqual([]);
  });
});
