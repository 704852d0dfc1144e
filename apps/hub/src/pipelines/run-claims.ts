import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type Expression, sql } from 'kysely';
import { type Db, isPostgres } from '../db/index.js';
import type { RunStatus } from '../db/schema.js';

/**
 * Runs across processes (issue 16). A scheduled occurrence is claimed by moving the pipeline's
 * `next_run_at` on from the value read (a guarded update: of several processes ticking at once, one
 * moves it) and inserting the run with the occurrence's unique `run_key`, in one transaction. A run's
 * process renews its `heartbeat_at`; any process marks a run whose heartbeat is too old `interrupted`
 * and makes its pipeline due at once, so it is retried. On SQLite (one process) the leftovers of the
 * previous start are marked interrupted at start instead.
 */

/** Default time between heartbeats of a process's runs (SYNCHUB_RUN_HEARTBEAT_MS). */
export const RUN_HEARTBEAT_MS = 5000;
/** Heartbeats a run may miss before another process marks it interrupted. */
export const MISSED_HEARTBEATS = 3;

/** The message of a run left running by the previous start of a single-process hub (SQLite). */
export const INTERRUPTED = 'The hub stopped while this run was in progress; it is retried from its last saved cursor';

/** This process's name on the runs it owns: host, pid and a random part (test hubs share one pid). */
export function newProcessId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The run key of a scheduled occurrence: one run row per pipeline and `next_run_at` claimed. */
export const occurrenceKey = (pipelineId: string, occurrence: number) => `${pipelineId}@${occurrence}`;

/**
 * "Now" for heartbeats: the database's clock on PostgreSQL, so hubs whose clocks differ compare the same
 * numbers; the hub's clock on SQLite (one process).
 */
export const heartbeatNow = (db: Db, now: () => number): Expression<number> | number =>
  isPostgres(db) ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint` : now();

/** A unique index refused the row (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export interface InterruptedRun {
  id: number;
  pipelineId: string;
  status: RunStatus;
}

/**
 * PostgreSQL: marks `interrupted` every running run whose heartbeat is older than `staleMs` (naming the
 * process that stopped answering) and makes its pipeline due at `dueAt`. The status guard makes each run
 * interrupted by one process only (a concurrent sweep waits for the row and then no longer matches it),
 * so each interrupted run makes its pipeline due once.
 */
export async function interruptStale(db: Db, staleMs: number, at: number): Promise<InterruptedRun[]> {
  return db.transaction().execute(async (trx) => {
    const seconds = Math.round(staleMs / 100) / 10;
    const rows = await trx
      .updateTable('runs')
      .set({
        status: 'interrupted',
        finished_at: at,
        error_json: sql<string>`json_build_object('code', 'interrupted', 'owner', owner, 'message',
          'Hub process ' || coalesce(owner, '(unknown)') || ${` stopped answering (no heartbeat for over ${seconds} s); the run is retried from its last saved cursor`})::text`,
      })
      .where('status', '=', 'running')
      .where((eb) =>
        eb.or([
          eb('heartbeat_at', 'is', null),
          eb('heartbeat_at', '<', sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint - ${staleMs}`),
        ]),
      )
      .returning(['id', 'pipeline_id'])
      .execute();
    if (rows.length > 0) {
      await trx
        .updateTable('pipelines')
        .set({ next_run_at: at })
        .where(
          'id',
          'in',
          rows.map((r) => r.pipeline_id),
        )
        .execute();
    }
    return rows.map((r) => ({ id: r.id, pipelineId: r.pipeline_id, status: 'interrupted' as const }));
  });
}

/**
 * SQLite (one process): every run a previous start of the hub left running (another owner) is interrupted
 * and its pipeline due now.
 */
export async function interruptLeftovers(db: Db, processId: string, at: number): Promise<InterruptedRun[]> {
  const stale = await db
    .selectFrom('runs')
    .select(['id', 'pipeline_id'])
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '<>', processId)]))
    .execute();
  for (const r of stale) {
    await db
      .updateTable('runs')
      .set({
        status: 'interrupted',
        finished_at: at,
        error_json: JSON.stringify({ code: 'interrupted', message: INTERRUPTED }),
      })
      .where('id', '=', r.id)
      .execute();
    await db.updateTable('pipelines').set({ next_run_at: at }).where('id', '=', r.pipeline_id).execute();
  }
  return stale.map((r) => ({ id: r.id, pipelineId: r.pipeline_id, status: 'interrupted' as const }));
}
