import type { ConnectorContext, ConnectorDefinition } from '@synchub/core';
import type { z } from 'zod';
import type { Db } from '../db/index.js';
import type { RunRecordStatus } from '../db/schema.js';
import type { Issue } from '../errors.js';

/** A connection ready for connector calls: definition, settings, decrypted secrets and a context. */
export interface ResolvedConnection {
  id: string;
  name: string;
  connector: ConnectorDefinition;
  settings: unknown;
  secrets: unknown;
  ctx: ConnectorContext;
}

export interface RunCounts {
  read: number;
  written: number;
  skipped: number;
  failed: number;
  /** Why records were skipped or failed, e.g. `{ "no account with GsCompanyId": 12 }`. */
  reasons: Record<string, number>;
}

/** What a pipeline's `run` gets: its settings, connections, cursor, counters and the hub's database. */
export interface RunContext<S> {
  runId: number;
  pipelineId: string;
  pipelineName: string;
  settings: S;
  /** The pipeline's own connection (a Gainsight pull: the Gainsight connection). */
  connection: ResolvedConnection;
  /** Another connection (legs that read one vendor and write another). */
  connectionOf(id: string): Promise<ResolvedConnection>;
  /** Where the last successful page left off (null: from the beginning). */
  cursor: string | null;
  /** Persist progress after the records up to `cursor` are stored: a crash resumes from here. */
  commit(cursor: string | null): Promise<void>;
  count(kind: 'read' | 'written' | 'skipped' | 'failed', n?: number, reason?: string): void;
  /** Keep a sample for the run view (unmatched records, discovered categories…), at most 100 per key. */
  note(key: string, item: unknown): void;
  /** Replace a whole detail entry (e.g. a summary computed at the end). */
  detail(key: string, value: unknown): void;
  /**
   * Keep one record's outcome with the run (`GET /api/runs/:id/records`): its key (the value it is
   * matched on, when it has one), what became of it, why, and the vendor's answer for a failure.
   * Buffered and stored in batches; everything recorded before a `commit` is stored with it.
   * Absent in a dry run and for hosts that keep no per-record outcomes.
   */
  record?(key: string | null, status: RunRecordStatus, reason?: string, error?: unknown): void;
  db: Db;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
  signal: AbortSignal;
  now(): number;
  /**
   * Set when the run is a preview (dry run). The kind then reads at most `limit` records, writes
   * nothing to the hub's own tables, calls `sample` for each record it would write (as read, as it
   * would be written), and stops. Vendor writes need no care: the connections it gets have
   * `ctx.dryRun`, so writes are recorded, not sent; `commit` saves nothing.
   */
  dryRun?: DryRun | undefined;
}

export type { RunRecordStatus };

/** What a preview collects from a kind (see RunContext.dryRun). */
export interface DryRun {
  limit: number;
  /** One record before mapping and after (null after when it would be skipped; say why in `note`). */
  sample(before: unknown, after: unknown, note?: string): void;
}

export interface PipelineKindArgs<S> {
  settings: S;
  connectionId: string;
  db: Db;
  connectionOf(id: string): Promise<ResolvedConnection>;
}

/**
 * A kind of scheduled pipeline (a Gainsight pull, a Pendo → Salesforce leg…). The hub stores instances
 * with their settings, schedule and cursor; the scheduler runs them, one run per pipeline at a time.
 */
export interface PipelineKind<SS extends z.ZodType = z.ZodType> {
  kind: string;
  title: string;
  description: string;
  /** Groups kinds in the dashboard (e.g. "Gainsight pulls", "Pendo bridge"). */
  group: string;
  /** Connector of the pipeline's own connection. */
  connectorId: string;
  settings: SS;
  /** Cron expression (UTC), e.g. `0 3 * * *` for daily. */
  defaultSchedule: string;
  /** Save-time checks that need the vendor or the hub's data (unknown object or field, duplicates…). */
  validate?(args: PipelineKindArgs<z.output<SS>>): Promise<Issue[]>;
  /** A reason to refuse to run now (e.g. the primary CRM has not synced yet), or undefined. */
  gate?(args: PipelineKindArgs<z.output<SS>>): Promise<string | undefined>;
  run(run: RunContext<z.output<SS>>): Promise<void>;
}

export function definePipelineKind<SS extends z.ZodType>(kind: PipelineKind<SS>): PipelineKind<SS> {
  return kind;
}

export const emptyCounts = (): RunCounts => ({ read: 0, written: 0, skipped: 0, failed: 0, reasons: {} });

/** The counters, notes and details a run keeps as it goes (the runner and the preview share them). */
export function createTally(counts: RunCounts, details: Record<string, unknown>) {
  return {
    count(kind: 'read' | 'written' | 'skipped' | 'failed', n = 1, reason?: string) {
      counts[kind] += n;
      if (reason) counts.reasons[reason] = (counts.reasons[reason] ?? 0) + n;
    },
    /** At most 100 samples per key. */
    note(key: string, item: unknown) {
      const list = (details[key] ?? []) as unknown[];
      details[key] = list;
      if (list.length < 100) list.push(item);
    },
    detail(key: string, value: unknown) {
      details[key] = value;
    },
  };
}
