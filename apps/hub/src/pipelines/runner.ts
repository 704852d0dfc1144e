import { type FlowHost, isConnectorError, type KeyValueState } from '@synchub/core';
import { sql } from 'kysely';
import { type Db, isPostgres } from '../db/index.js';
import type { RunsTable, RunStatus } from '../db/schema.js';
import { HubError, isHubError } from '../errors.js';
import { pluginMessage, withDeadline } from '../host/deadline.js';
import type { HubLogger } from '../logger.js';
import { createRecordBuffer } from './record-buffer.js';
import { createTally, emptyCounts, type PipelineKind, type ResolvedConnection, type RunCounts } from './kind.js';
import {
  heartbeatNow,
  interruptLeftovers,
  type InterruptedRun,
  interruptStale,
  isUniqueViolation,
  MISSED_HEARTBEATS,
  newProcessId,
  occurrenceKey,
  RUN_HEARTBEAT_MS,
} from './run-claims.js';
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

export { INTERRUPTED } from './run-claims.js';

/**
 * Runs pipelines: one run per pipeline at a time in any process (a unique index on running runs), each run
 * a row before it starts, counts and cursor saved as it goes. A scheduled occurrence is claimed once across
 * processes; a run's process renews its heartbeat, and a run whose process stopped answering is marked
 * interrupted and retried (see run-claims.ts).
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
  /** This process's name on the runs it starts (default: host, pid and a random part). */
  processId?: string | undefined;
  /** PostgreSQL: time between heartbeats of this process's runs (default RUN_HEARTBEAT_MS). */
  heartbeatMs?: number | undefined;
  onChange?: (change: { pipelineId: string; runId: number; status: RunStatus }) => void;
}) {
  const { db, logger, now } = deps;
  const processId = deps.processId ?? newProcessId();
  const heartbeatMs = deps.heartbeatMs ?? RUN_HEARTBEAT_MS;
  // Several processes share the database only on PostgreSQL: heartbeats are written there alone.
  const shared = isPostgres(db);
  const running = new Map<string, LocalRun>();
  const controller = new AbortController();
  let beat: NodeJS.Timeout | undefined;
  let leftoversChecked = false;
  let beatFailing = false;

  /** The run's row is still `running` (not marked interrupted by another process): the fence of its writes. */
  const stillRunning = (runId: number) =>
    db.selectFrom('runs').select('id').where('id', '=', runId).where('status', '=', 'running');

  const finish = async (
    runId: number,
    pipeline: PipelineView,
    status: RunStatus,
    fields: Partial<Omit<RunsTable, 'id'>>,
  ) => {
    // A run cut short by the hub stopping is retried at once (by another process, or at the next start).
    const nextRun = status === 'interrupted' ? now() : nextRunAt(pipeline.schedule, now());
    const ended = await db
      .updateTable('runs')
      .set({ status, finished_at: now(), ...fields })
      .where('id', '=', runId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) === 0) {
      // Another process marked it interrupted (this one stopped answering for a while): its retry owns the
      // pipeline now, so this late ending changes nothing.
      logger.warn('A run marked interrupted by another process ended here; its outcome is not recorded', {
        pipelineId: pipeline.id,
        runId,
        status,
      });
      return;
    }
    await db.updateTable('pipelines').set({ next_run_at: nextRun }).where('id', '=', pipeline.id).execute();
    deps.onChange?.({ pipelineId: pipeline.id, runId, status });
  };

  async function execute(pipeline: PipelineView, kind: PipelineKind, runId: number, signal: AbortSignal) {
    const counts = emptyCounts();
    const details: Record<string, unknown> = {};
    let cursor = pipeline.cursor;
    const records = createRecordBuffer(db, runId);
    const save = () =>
      db
        .updateTable('runs')
        .set({ counts_json: JSON.stringify(counts), details_json: JSON.stringify(details), cursor_after: cursor })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .execute();
    const host = deps.hostOf(kind);
    const args = {
      settings: pipeline.settings,
      connectionId: pipeline.connectionId,
      host,
      connectionOf: (id: string) => deps.connectionOf(id, signal),
    };
    try {
      const { gate } = kind;
      const refusal = gate
        ? await withDeadline(
            `The gate of ${kind.title}`,
            deps.operationTimeoutMs,
            (gateSignal) => gate.call(kind, { ...args, signal: gateSignal }),
            signal,
          )
        : undefined;
      if (refusal) throw new HubError('conflict', refusal, { code: 'gated' });
      const connection = await deps.connectionOf(pipeline.connectionId, signal);
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
          // Fenced: once another process has marked this run interrupted, its retry owns the cursor.
          const moved = await db
            .updateTable('pipelines')
            .set({ cursor: next })
            .where('id', '=', pipeline.id)
            .where((eb) => eb.exists(stillRunning(runId)))
            .executeTakeFirst();
          if (Number(moved.numUpdatedRows) === 0) {
            throw new HubError('conflict', 'This run was marked interrupted by another process', {
              code: 'interrupted',
            });
          }
          cursor = next;
          await save();
        },
        ...createTally(counts, details),
        record: records.add,
        state: deps.stateOf(pipeline.id),
        host,
        log: (level, message, data) => logger[level](message, { pipelineId: pipeline.id, runId, ...data }),
        signal,
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
      // The hub is stopping and that is what ended the run (not the run failing on its own as the stop came):
      // interrupted, retried from the last committed cursor.
      const stopping = controller.signal.aborted && endedBy(error, signal);
      await finish(runId, pipeline, stopping ? 'interrupted' : 'failed', {
        counts_json: JSON.stringify(counts),
        details_json: JSON.stringify(details),
        cursor_after: cursor,
        error_json: JSON.stringify(
          stopping
            ? {
                code: 'interrupted',
                owner: processId,
                message: `Hub process ${processId} stopped while this run was in progress; it is retried from its last saved cursor`,
              }
            : stored,
        ),
      });
    }
  }

  /**
   * PostgreSQL: renew the heartbeat of this process's runs (one statement). A run of ours the database no
   * longer has running was marked interrupted by another process while this one was not answering (paused,
   * cut off): it is stopped here, its retry runs elsewhere.
   */
  async function heartbeat(): Promise<void> {
    const mine = [...running.values()];
    if (mine.length === 0) return;
    const alive = await db
      .updateTable('runs')
      .set({ heartbeat_at: heartbeatNow(db, now) })
      .where(
        'id',
        'in',
        mine.map((r) => r.runId),
      )
      .where('owner', '=', processId)
      .where('status', '=', 'running')
      .returning('id')
      .execute();
    const ids = new Set(alive.map((r) => r.id));
    const missing = mine.filter((r) => !ids.has(r.runId) && !r.abort.signal.aborted);
    if (missing.length === 0) return;
    // Not found running: ended here a moment ago (fine), or marked interrupted elsewhere (stop it).
    const taken = await db
      .selectFrom('runs')
      .select('id')
      .where(
        'id',
        'in',
        missing.map((r) => r.runId),
      )
      .where('status', '=', 'interrupted')
      .execute();
    for (const { id } of taken) {
      const r = missing.find((m) => m.runId === id);
      if (!r) continue;
      logger.warn('Another process marked this run interrupted (no heartbeat in time); stopping it here', {
        pipelineId: r.pipelineId,
        runId: r.runId,
      });
      r.abort.abort(new HubError('conflict', 'This run was marked interrupted by another process'));
    }
  }
  const beating = () => {
    if (!shared || beat || controller.signal.aborted) return;
    const next = () => {
      beat = setTimeout(async () => {
        await heartbeat().then(
          () => {
            beatFailing = false;
          },
          (error) => {
            // Once per outage (the database restarting): the runs go on; their rows may be marked interrupted.
            if (!beatFailing) logger.warn('Run heartbeat failed; retrying', { error });
            beatFailing = true;
          },
        );
        beat = undefined;
        if (running.size > 0) beating();
      }, heartbeatMs);
      beat.unref();
    };
    next();
  };

  /**
   * Insert the run row (claiming the scheduled occurrence `occurrence` first, when given) and start it.
   * Undefined when another process claimed that occurrence; a HubError conflict when the pipeline runs
   * anywhere.
   */
  async function begin(
    pipelineId: string,
    trigger: RunTrigger,
    occurrence?: number,
  ): Promise<{ runId: number; done: Promise<RunView> } | undefined> {
    if (running.has(pipelineId)) throw new HubError('conflict', 'This pipeline is already running');
    const row = await db.selectFrom('pipelines').selectAll().where('id', '=', pipelineId).executeTakeFirst();
    if (!row) throw new HubError('not_found', `No pipeline with id ${pipelineId}`);
    const pipeline = pipelineView(row);
    const kind = deps.kinds.find((k) => k.kind === pipeline.kind);
    if (!kind) throw new HubError('not_found', `Unknown pipeline kind ${pipeline.kind}`);
    let claimed: { runId: number; trigger: RunTrigger } | undefined;
    try {
      claimed = await db.transaction().execute(async (trx) => {
        let how = trigger;
        if (occurrence !== undefined) {
          // The guarded update: of the processes that read this occurrence, one moves it on.
          const moved = await trx
            .updateTable('pipelines')
            .set({ next_run_at: nextRunAt(pipeline.schedule, now()) })
            .where('id', '=', pipelineId)
            .where('enabled', '=', 1)
            .where('next_run_at', '=', occurrence)
            .executeTakeFirst();
          if (Number(moved.numUpdatedRows) === 0) return undefined;
          // The pipeline is due because its last run was interrupted: this run is that run's retry.
          const last = await trx
            .selectFrom('runs')
            .select('status')
            .where('pipeline_id', '=', pipelineId)
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          if (last?.status === 'interrupted') how = 'retry';
        }
        const inserted = await trx
          .insertInto('runs')
          .values({
            pipeline_id: pipeline.id,
            status: 'running',
            trigger: how,
            started_at: now(),
            counts_json: JSON.stringify(emptyCounts()),
            cursor_before: pipeline.cursor,
            cursor_after: pipeline.cursor,
            run_key: occurrence === undefined ? null : occurrenceKey(pipelineId, occurrence),
            owner: processId,
            heartbeat_at: heartbeatNow(db, now),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { runId: inserted.id, trigger: how };
      });
    } catch (error) {
      // A run of this pipeline is in progress (here or in another process), or the occurrence has its run.
      if (isUniqueViolation(error)) throw new HubError('conflict', 'This pipeline is already running');
      throw error;
    }
    if (!claimed) return undefined;
    const { runId } = claimed;
    deps.onChange?.({ pipelineId, runId, status: 'running' });
    const local: LocalRun = { pipelineId, runId, abort: new AbortController() };
    // The hub stopping stops every run (AbortSignal.any is avoided: Node 20 can collect its signals early).
    const stopRun = () => local.abort.abort(controller.signal.reason);
    controller.signal.addEventListener('abort', stopRun, { once: true });
    const signal = local.abort.signal;
    const done = execute(pipeline, kind, runId, signal)
      .then(async () =>
        runView(
          (await selectRuns(db).where('id', '=', runId).executeTakeFirstOrThrow()) as RunsTable & {
            id: number;
            number: number;
          },
        ),
      )
      .finally(() => {
        controller.signal.removeEventListener('abort', stopRun);
        running.delete(pipelineId);
      });
    // Callers that start a run and do not wait for it (the scheduler, "run now") must not crash the process
    // when its end cannot be stored (the database is away): its row stays running, its heartbeat stops, and
    // it is marked interrupted and retried.
    done.catch((error) => logger.error('Could not store the end of a run', { pipelineId, runId, error }));
    local.done = done;
    running.set(pipelineId, local);
    beating();
    return { runId, done };
  }

  return {
    processId,
    /** Whether this process runs the pipeline now (see `runningAnywhere` for every process). */
    isRunning: (pipelineId: string) => running.has(pipelineId),
    /** Whether a run of the pipeline is in progress in any process (the database's answer). */
    async runningAnywhere(pipelineId: string): Promise<boolean> {
      if (running.has(pipelineId)) return true;
      const row = await db
        .selectFrom('runs')
        .select('id')
        .where('pipeline_id', '=', pipelineId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return row !== undefined;
    },
    /** Start a run now; refuses (409) if one is in progress in any process. Resolves once the run row exists. */
    async start(pipelineId: string, trigger: RunTrigger): Promise<{ runId: number; done: Promise<RunView> }> {
      const started = await begin(pipelineId, trigger);
      if (!started) throw new Error('unreachable: a run without an occurrence is always claimed');
      return started;
    },
    /**
     * Claim the scheduled occurrence `occurrence` (the `next_run_at` read) and start its run; undefined when
     * another process claimed it first, a conflict when the pipeline is running anywhere.
     */
    claim: (pipelineId: string, occurrence: number, trigger: RunTrigger) => begin(pipelineId, trigger, occurrence),
    /**
     * Runs whose process is gone: marked interrupted and their pipelines due now (a retry). On PostgreSQL,
     * running runs whose heartbeat is older than MISSED_HEARTBEATS intervals, whichever process owned them;
     * on SQLite (one process), once, the runs a previous start of the hub left running.
     */
    async interruptOrphans(): Promise<number> {
      let orphans: InterruptedRun[] = [];
      if (shared) orphans = await interruptStale(db, heartbeatMs * MISSED_HEARTBEATS, now());
      else if (!leftoversChecked) {
        leftoversChecked = true;
        orphans = await interruptLeftovers(db, processId, now());
      }
      for (const r of orphans) deps.onChange?.({ pipelineId: r.pipelineId, runId: r.id, status: r.status });
      return orphans.length;
    },
    async stop() {
      controller.abort();
      if (beat) clearTimeout(beat);
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
  };
}

/**
 * Whether a run's error is its signal's doing: the abort reason itself, or an error caused by it (an aborted
 * call, a connector error wrapping one), as opposed to an error the run met on its own.
 */
function endedBy(error: unknown, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e !== undefined; depth++) {
    if (e === signal.reason) return true;
    if (!(e instanceof Error)) return false;
    if (e.name === 'AbortError') return true;
    e = e.cause;
  }
  return false;
}

interface LocalRun {
  pipelineId: string;
  runId: number;
  /** Stops this run alone (another process marked it interrupted). */
  abort: AbortController;
  done?: Promise<RunView>;
}

export type Runner = ReturnType<typeof createRunner>;
