import { type FlowHost, isConnectorError, type KeyValueState } from '@synchub/core';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { RunRecordStatus, RunRecordsTable, RunsTable, RunStatus } from '../db/schema.js';
import { HubError, isHubError } from '../errors.js';
import { pluginMessage, withDeadline } from '../host/deadline.js';
import type { HubLogger } from '../logger.js';
import { createTally, emptyCounts, type PipelineKind, type ResolvedConnection, type RunCounts } from './kind.js';
import { nextRunAt } from './schedule.js';
import { type PipelineView, pipelineView } from './store.js';

export type RunTrigger = 'schedule' | 'manual' | 'startup' | 'retry';

export interface RunView {
  id: number;
  /** The run's number within its pipeline: 1 for its first run (`id` counts every pipeline's runs). */
  number: number;
  pipelineId: string;
  status: RunStatus;
  trigger: string;
  startedAt: number;
  finishedAt: number | null;
  counts: RunCounts;
  details: Record<string, unknown> | null;
  cursorBefore: string | null;
  cursorAfter: string | null;
  error: { code: string; message: string; vendorCode?: string; status?: number; body?: unknown } | null;
}

/** Runs with their number within their pipeline (an indexed count of the pipeline's earlier runs). */
export const selectRuns = (db: Db) =>
  db
    .selectFrom('runs')
    .selectAll('runs')
    .select(
      sql<number>`(SELECT COUNT(*) FROM runs AS earlier WHERE earlier.pipeline_id = runs.pipeline_id AND earlier.id <= runs.id)`.as(
        'number',
      ),
    );

export const runView = (r: RunsTable & { id: number; number: number }): RunView => ({
  id: r.id,
  number: Number(r.number),
  pipelineId: r.pipeline_id,
  status: r.status,
  trigger: r.trigger,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  counts: JSON.parse(r.counts_json),
  details: r.details_json ? JSON.parse(r.details_json) : null,
  cursorBefore: r.cursor_before,
  cursorAfter: r.cursor_after,
  error: r.error_json ? JSON.parse(r.error_json) : null,
});

export const INTERRUPTED =
  'Interrupted: the hub stopped while this run was in progress; it is retried from its last saved cursor';

/**
 * Runs pipelines: one run per pipeline at a time, each run a row before it starts (so a crash leaves a
 * trace that the next start marks failed and retries), counts and cursor saved as it goes.
 */
export function createRunner(deps: {
  db: Db;
  kinds: PipelineKind[];
  logger: HubLogger;
  now: () => number;
  connectionOf(id: string, signal: AbortSignal): Promise<ResolvedConnection>;
  /** The host API a kind's runs get (its plugin's own), and each pipeline's key/value state. */
  hostOf(kind: PipelineKind): FlowHost;
  stateOf(pipelineId: string): KeyValueState;
  /** How long a kind's `gate` may take before the run fails. */
  operationTimeoutMs: number;
  onChange?: (change: { pipelineId: string; runId: number; status: RunStatus }) => void;
}) {
  const { db, logger, now } = deps;
  const running = new Map<string, Promise<RunView>>();
  const controller = new AbortController();

  const finish = async (
    runId: number,
    pipeline: PipelineView,
    status: RunStatus,
    fields: Partial<Omit<RunsTable, 'id'>>,
  ) => {
    await db
      .updateTable('runs')
      .set({ status, finished_at: now(), ...fields })
      .where('id', '=', runId)
      .execute();
    await db
      .updateTable('pipelines')
      .set({ next_run_at: nextRunAt(pipeline.schedule, now()) })
      .where('id', '=', pipeline.id)
      .execute();
    deps.onChange?.({ pipelineId: pipeline.id, runId, status });
  };

  async function execute(pipeline: PipelineView, kind: PipelineKind, runId: number): Promise<void> {
    const counts = emptyCounts();
    const details: Record<string, unknown> = {};
    let cursor = pipeline.cursor;
    const records = createRecordBuffer(db, runId);
    const save = () =>
      db
        .updateTable('runs')
        .set({ counts_json: JSON.stringify(counts), details_json: JSON.stringify(details), cursor_after: cursor })
        .where('id', '=', runId)
        .execute();
    const host = deps.hostOf(kind);
    const args = {
      settings: pipeline.settings,
      connectionId: pipeline.connectionId,
      host,
      connectionOf: (id: string) => deps.connectionOf(id, controller.signal),
    };
    try {
      const { gate } = kind;
      const refusal = gate
        ? await withDeadline(
            `The gate of ${kind.title}`,
            deps.operationTimeoutMs,
            (signal) => gate.call(kind, { ...args, signal }),
            controller.signal,
          )
        : undefined;
      if (refusal) throw new HubError('conflict', refusal, { code: 'gated' });
      const connection = await deps.connectionOf(pipeline.connectionId, controller.signal);
      await kind.run({
        runId,
        pipelineId: pipeline.id,
        pipelineName: pipeline.name,
        settings: pipeline.settings,
        connection,
        connectionOf: args.connectionOf,
        cursor: pipeline.cursor,
        async commit(next) {
          // The outcomes of the records up to this cursor are stored before the cursor moves past them.
          await records.flush();
          cursor = next;
          await db.updateTable('pipelines').set({ cursor: next }).where('id', '=', pipeline.id).execute();
          await save();
        },
        ...createTally(counts, details),
        record: records.add,
        state: deps.stateOf(pipeline.id),
        host,
        log: (level, message, data) => logger[level](message, { pipelineId: pipeline.id, runId, ...data }),
        signal: controller.signal,
        now,
      });
      await records.flush();
      await finish(runId, pipeline, 'completed', {
        counts_json: JSON.stringify(counts),
        details_json: JSON.stringify(details),
        cursor_after: cursor,
      });
    } catch (error) {
      const stored = isConnectorError(error)
        ? {
            code: error.code,
            message: error.message,
            vendorCode: error.vendorCode,
            status: error.status,
            body: error.body,
          }
        : isHubError(error)
          ? { code: String(error.extra.code ?? error.code), message: error.message }
          : // Anything else a kind threw is its own failure: the run fails with the plugin's message.
            { code: 'plugin_failed', message: pluginMessage(error) };
      if (stored.code === 'plugin_failed')
        logger.error('Pipeline run failed', { pipelineId: pipeline.id, runId, kind: kind.kind, error });
      // What the run did record before it failed stays with it; a broken insert must not hide the run's error.
      await records
        .flush()
        .catch((flushError) =>
          logger.error('Could not store run records', { pipelineId: pipeline.id, runId, error: flushError }),
        );
      await finish(runId, pipeline, 'failed', {
        counts_json: JSON.stringify(counts),
        details_json: JSON.stringify(details),
        cursor_after: cursor,
        error_json: JSON.stringify(stored),
      });
    }
  }

  return {
    isRunning: (pipelineId: string) => running.has(pipelineId),
    /** Start a run now; refuses (409) if one is in progress. Resolves once the run row exists. */
    async start(pipelineId: string, trigger: RunTrigger): Promise<{ runId: number; done: Promise<RunView> }> {
      if (running.has(pipelineId)) throw new HubError('conflict', 'This pipeline is already running');
      const row = await db.selectFrom('pipelines').selectAll().where('id', '=', pipelineId).executeTakeFirst();
      if (!row) throw new HubError('not_found', `No pipeline with id ${pipelineId}`);
      const pipeline = pipelineView(row);
      const kind = deps.kinds.find((k) => k.kind === pipeline.kind);
      if (!kind) throw new HubError('not_found', `Unknown pipeline kind ${pipeline.kind}`);
      const inserted = await db
        .insertInto('runs')
        .values({
          pipeline_id: pipeline.id,
          status: 'running',
          trigger,
          started_at: now(),
          counts_json: JSON.stringify(emptyCounts()),
          cursor_before: pipeline.cursor,
          cursor_after: pipeline.cursor,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const runId = inserted.id;
      deps.onChange?.({ pipelineId, runId, status: 'running' });
      const done = execute(pipeline, kind, runId)
        .then(async () =>
          runView(
            (await selectRuns(db).where('id', '=', runId).executeTakeFirstOrThrow()) as RunsTable & {
              id: number;
              number: number;
            },
          ),
        )
        .finally(() => running.delete(pipelineId));
      running.set(pipelineId, done);
      return { runId, done };
    },
    /** Runs left 'running' by a crash: mark them failed and make their pipelines due now (retry). */
    async recover(): Promise<number> {
      const stale = await db.selectFrom('runs').select(['id', 'pipeline_id']).where('status', '=', 'running').execute();
      for (const r of stale) {
        await db
          .updateTable('runs')
          .set({
            status: 'failed',
            finished_at: now(),
            error_json: JSON.stringify({ code: 'interrupted', message: INTERRUPTED }),
          })
          .where('id', '=', r.id)
          .execute();
        await db.updateTable('pipelines').set({ next_run_at: now() }).where('id', '=', r.pipeline_id).execute();
      }
      return stale.length;
    },
    async stop() {
      controller.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;

/** Rows per INSERT of run records: few statements, well under SQLite's bound-parameter limit. */
const RECORD_CHUNK = 200;
/** Buffered outcomes that start a background write before the next commit. */
const RECORD_FLUSH_AT = 1000;

/**
 * Per-record outcomes of one run, buffered and inserted in multi-row statements (a record is one array
 * push, not a transaction). `flush` stores everything added so far; a background write started when the
 * buffer filled is awaited (and its error surfaced) by the next flush.
 */
function createRecordBuffer(db: Db, runId: number) {
  let seq = 0;
  let pending: RunRecordsTable[] = [];
  let writing: Promise<void> = Promise.resolve();
  // Kept until the next flush rethrows it (a background write's rejection must never go unhandled).
  let failure: { error: unknown } | undefined;
  const write = (rows: RunRecordsTable[]) => {
    writing = writing
      .then(async () => {
        for (let i = 0; i < rows.length; i += RECORD_CHUNK) {
          await db
            .insertInto('run_records')
            .values(rows.slice(i, i + RECORD_CHUNK))
            .execute();
        }
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
  };
  const take = () => {
    const rows = pending;
    pending = [];
    return rows;
  };
  return {
    add(key: string | null, status: RunRecordStatus, reason?: string, error?: unknown): void {
      seq += 1;
      pending.push({
        run_id: runId,
        seq,
        record_key: key,
        status,
        reason: reason ?? null,
        error_json: error === undefined ? null : JSON.stringify(error),
      });
      if (pending.length >= RECORD_FLUSH_AT) write(take());
    },
    async flush(): Promise<void> {
      if (pending.length > 0) write(take());
      await writing;
      if (failure) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
    },
  };
}
