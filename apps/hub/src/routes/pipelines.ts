import { Hono } from 'hono';
import { z } from 'zod';
import type { Audit } from '../audit.js';
import { HubError } from '../errors.js';
import type { PipelineKind } from '../pipelines/kind.js';
import { PREVIEW_DEFAULT_LIMIT, PREVIEW_MAX_LIMIT, type Previewer } from '../pipelines/preview.js';
import { type RunView, runView, type Runner, selectRuns } from '../pipelines/runner.js';
import { SCHEDULE_PRESETS } from '../pipelines/schedule.js';
import type { PipelineStore } from '../pipelines/store.js';
import type { Db } from '../db/index.js';
import type { RunsTable } from '../db/schema.js';
import { documenter } from '../openapi/describe.js';
import { json, query } from '../validate.js';

/** A `runs` row with its number within its pipeline (`selectRuns`). */
type Run = RunsTable & { id: number; number: number };

// An empty name or connection passes here: the store reports them with every other problem of the save.
const name = z.string().trim().max(100, 'at most 100 characters');
const createBody = z.strictObject({
  kind: z.string().min(1, 'required'),
  name,
  connectionId: z.string(),
  settings: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().optional(),
  schedule: z.string().trim().min(1).optional(),
});
const patchBody = z.strictObject({
  name: name.optional(),
  connectionId: z.string().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().optional(),
  schedule: z.string().trim().min(1).optional(),
  resetCursor: z.boolean().optional(),
});
const previewLimit = z
  .number()
  .int()
  .min(1)
  .max(PREVIEW_MAX_LIMIT, `at most ${PREVIEW_MAX_LIMIT}`)
  .default(PREVIEW_DEFAULT_LIMIT);
const previewBody = z.strictObject({ limit: previewLimit });
const previewNewBody = createBody.extend({ limit: previewLimit });
const listQuery = z.strictObject({ connectionId: z.string().min(1).optional() });
const runsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(20) });
const runAllBody = z.strictObject({ connectionId: z.string().min(1, 'required') });

export interface PipelineRoutesDeps {
  db: Db;
  pipelines: PipelineStore;
  runner: Runner;
  kinds: PipelineKind[];
  audit: Audit;
  describeKind(kind: PipelineKind): unknown;
  preview: Previewer;
}

export function pipelineRoutes(deps: PipelineRoutesDeps) {
  const { db, pipelines, runner, audit } = deps;
  const app = new Hono();
  const doc = documenter(app, 'Pipelines');
  const lastRun = async (pipelineId: string): Promise<RunView | null> => {
    const r = await selectRuns(db)
      .where('pipeline_id', '=', pipelineId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? runView(r as Run) : null;
  };
  const withStatus = async <T extends { id: string }>(p: T) => {
    const last = await lastRun(p.id);
    // A running run is its pipeline's newest (one at a time): the database's answer, whichever process runs it.
    return { ...p, running: runner.isRunning(p.id) || last?.status === 'running', lastRun: last };
  };

  doc.get('/kinds', {
    summary: 'Pipeline kinds, each with the JSON Schema of its settings, and the schedule presets',
    answer: 'PipelineKinds',
  });
  app.get('/kinds', (c) => c.json({ kinds: deps.kinds.map(deps.describeKind), schedules: SCHEDULE_PRESETS }));

  doc.get('/', {
    summary: 'List pipelines with their last run',
    query: listQuery,
    answer: (a) => z.object({ pipelines: z.array(a.Pipeline) }),
  });
  app.get('/', query(listQuery), async (c) => {
    const list = await pipelines.list(c.req.valid('query'));
    return c.json({ pipelines: await Promise.all(list.map(withStatus)) });
  });

  doc.post('/', {
    summary: "Create a pipeline (settings checked against its kind's schema)",
    body: createBody,
    answer: (a) => z.object({ pipeline: a.Pipeline }),
    status: 201,
  });
  app.post('/', json(createBody), async (c) => {
    const pipeline = await pipelines.create(c.req.valid('json'));
    await audit.record('pipeline.create', pipeline.id, { name: pipeline.name, kind: pipeline.kind });
    return c.json({ pipeline: await withStatus(pipeline) }, 201);
  });

  /** Dry run of unsaved settings (the create body plus `limit`): nothing is saved, written or sent. */
  doc.post('/preview', {
    summary: 'Dry run of unsaved settings: nothing is saved, written or sent',
    body: previewNewBody,
    answer: (a) => z.object({ preview: a.Preview }),
    errors: [502, 504],
  });
  app.post('/preview', json(previewNewBody), async (c) => {
    const { limit, ...input } = c.req.valid('json');
    return c.json({ preview: await deps.preview.unsaved(input, limit) });
  });

  /** Run every enabled pipeline of a connection; one failing does not stop the others. */
  doc.post('/run-all', {
    summary: 'Run every enabled pipeline of a connection; one failing does not stop the others',
    body: runAllBody,
    answer: 'RunAllAnswer',
    status: 202,
  });
  app.post('/run-all', json(runAllBody), async (c) => {
    const { connectionId } = c.req.valid('json');
    const list = (await pipelines.list({ connectionId })).filter((p) => p.enabled);
    const started: Array<{ pipelineId: string; runId?: number; error?: string }> = [];
    for (const p of list) {
      try {
        started.push({ pipelineId: p.id, runId: (await runner.start(p.id, 'manual')).runId });
      } catch (error) {
        started.push({ pipelineId: p.id, error: (error as Error).message });
      }
    }
    await audit.record('pipeline.run_all', connectionId, { started: started.length });
    return c.json({ started }, 202);
  });

  doc.get('/:id', { summary: 'One pipeline with its last run', answer: (a) => z.object({ pipeline: a.Pipeline }) });
  app.get('/:id', async (c) => c.json({ pipeline: await withStatus(await pipelines.get(c.req.param('id'))) }));

  doc.patch('/:id', {
    summary: 'Change a pipeline',
    body: patchBody,
    answer: (a) => z.object({ pipeline: a.Pipeline }),
  });
  app.patch('/:id', json(patchBody), async (c) => {
    const pipeline = await pipelines.update(c.req.param('id'), c.req.valid('json'));
    await audit.record('pipeline.update', pipeline.id, { fields: Object.keys(c.req.valid('json')) });
    return c.json({ pipeline: await withStatus(pipeline) });
  });

  doc.delete('/:id', { summary: 'Delete a pipeline (409 while it runs)', answer: null, errors: [409] });
  app.delete('/:id', async (c) => {
    if (await runner.runningAnywhere(c.req.param('id')))
      throw new HubError('conflict', 'This pipeline is running; wait for it to finish');
    await pipelines.remove(c.req.param('id'));
    await audit.record('pipeline.delete', c.req.param('id'));
    return c.body(null, 204);
  });

  doc.post('/:id/run', {
    summary: 'Start a run now',
    answer: () => z.object({ runId: z.number() }),
    status: 202,
    errors: [409],
  });
  app.post('/:id/run', async (c) => {
    await pipelines.get(c.req.param('id'));
    const { runId } = await runner.start(c.req.param('id'), 'manual');
    await audit.record('pipeline.run', c.req.param('id'), { runId });
    return c.json({ runId }, 202);
  });

  /** Dry run of a saved pipeline from its cursor: its cursor, runs and data stay as they are. */
  doc.post('/:id/preview', {
    summary: 'Dry run of a saved pipeline from its cursor',
    body: previewBody,
    answer: (a) => z.object({ preview: a.Preview }),
    errors: [502, 504],
  });
  app.post('/:id/preview', json(previewBody), async (c) =>
    c.json({ preview: await deps.preview.saved(c.req.param('id'), c.req.valid('json').limit) }),
  );

  doc.get('/:id/runs', {
    summary: 'Runs of a pipeline, newest first',
    query: runsQuery,
    answer: (a) => z.object({ runs: z.array(a.Run) }),
  });
  app.get('/:id/runs', query(runsQuery), async (c) => {
    await pipelines.get(c.req.param('id'));
    const rows = await selectRuns(db)
      .where('pipeline_id', '=', c.req.param('id'))
      .orderBy('id', 'desc')
      .limit(c.req.valid('query').limit)
      .execute();
    return c.json({ runs: rows.map((r) => runView(r as Run)) });
  });

  return app;
}

const recordsQuery = z.strictObject({
  status: z.enum(['written', 'skipped', 'failed'], { error: 'one of written, skipped, failed' }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export function runRoutes(db: Db) {
  const app = new Hono();
  const doc = documenter(app, 'Runs');
  const runId = (raw: string) => {
    const id = Number(raw);
    if (!Number.isInteger(id) || id <= 0) {
      throw new HubError('invalid_input', 'Run id must be a positive integer', {
        issues: [{ path: 'id', message: 'not an id' }],
      });
    }
    return id;
  };
  doc.get('/:id', { summary: 'One run', answer: (a) => z.object({ run: a.Run }) });
  app.get('/:id', async (c) => {
    const id = runId(c.req.param('id'));
    const r = await selectRuns(db).where('id', '=', id).executeTakeFirst();
    if (!r) throw new HubError('not_found', `No run with id ${id}`);
    return c.json({ run: runView(r as Run) });
  });
  /** Per-record outcomes of a run (generic syncs), in the order they were handled. */
  doc.get('/:id/records', {
    summary: 'Per-record outcomes of a run, in the order they were handled',
    query: recordsQuery,
    answer: (a) => z.object({ records: z.array(a.RunRecord), total: z.number() }),
  });
  app.get('/:id/records', query(recordsQuery), async (c) => {
    const id = runId(c.req.param('id'));
    const { status, limit, offset } = c.req.valid('query');
    if (!(await db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst())) {
      throw new HubError('not_found', `No run with id ${id}`);
    }
    let rows = db.selectFrom('run_records').where('run_id', '=', id);
    if (status) rows = rows.where('status', '=', status);
    const [page, total] = await Promise.all([
      rows.selectAll().orderBy('seq').limit(limit).offset(offset).execute(),
      rows.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return c.json({
      records: page.map((r) => ({
        key: r.record_key,
        status: r.status,
        reason: r.reason,
        error: r.error_json === null ? null : JSON.parse(r.error_json),
      })),
      total: Number(total.n),
    });
  });
  return app;
}
