import type { Db } from '../db/index.js';
import { invalidInput } from '../errors.js';
import { nextRunAt } from '../pipelines/schedule.js';
import { duration } from './message.js';
import type { AlertCondition } from './schema.js';

/** One subject (pipeline, destination, budget) for which a rule's condition holds right now. */
export interface Observation {
  subject: string;
  label: string;
  summary: string;
  details: Record<string, unknown>;
  /** How long the condition must hold before it fires (a budget's "for Y minutes"). */
  holdMs: number;
}

/** A vendor budget as /api/limits describes it (see hub.ts `limits()`): only the fields alerts read. */
interface LimitRow {
  account: string;
  connector: string;
  connections: string[];
  bucket: string;
  usage: Array<{ used: number; limit: number; window: { windowMs: number; label?: string | undefined } }>;
  reported: { used: number; limit: number; spentSince: number; state: string } | null;
}

export interface Budget {
  /** `<account>:<bucket>`, the scope a budget rule names. */
  key: string;
  label: string;
  /** The fullest of its windows (and of what the vendor reported), 0–100+. */
  percent: number;
  details: Record<string, unknown>;
}

const MINUTE = 60_000;
/** A stale check allows this share of an interval (at most STALE_GRACE_MAX_MS) for the run itself to finish. */
const STALE_GRACE_SHARE = 0.1;
const STALE_GRACE_MAX_MS = 30 * MINUTE;

const windowName = (windowMs: number, label?: string) =>
  label ??
  (windowMs === MINUTE
    ? 'minute'
    : windowMs === 3_600_000
      ? 'hour'
      : windowMs === 86_400_000
        ? 'day'
        : `${windowMs} ms`);
const round = (n: number) => Math.round(n * 10) / 10;

export function budgetsOf(limits: unknown): Budget[] {
  if (!Array.isArray(limits)) return [];
  return (limits as LimitRow[]).map((row) => {
    const parts: Record<string, unknown> = {};
    let percent = 0;
    for (const u of row.usage ?? []) {
      if (!(u.limit > 0)) continue;
      const share = (u.used / u.limit) * 100;
      parts[`per ${windowName(u.window.windowMs, u.window.label)}`] = `${u.used}/${u.limit}`;
      percent = Math.max(percent, share);
    }
    const reported = row.reported;
    if (reported) {
      const used = reported.used + reported.spentSince;
      const share = reported.limit > 0 ? (used / reported.limit) * 100 : reported.state === 'exhausted' ? 100 : 0;
      parts['reported by the vendor'] = reported.limit > 0 ? `${used}/${reported.limit}` : reported.state;
      percent = Math.max(percent, share);
    }
    return {
      key: `${row.account}:${row.bucket}`,
      label: `${row.connector} ${row.bucket} budget (${row.connections.join(', ')})`,
      percent: round(percent),
      details: parts,
    };
  });
}

/** Reads the hub's tables (and budget use) to say where each condition holds. */
export function createObserver(deps: { db: Db; now: () => number; limits: () => Promise<unknown> }) {
  const { db, now } = deps;

  const destinationNames = async () =>
    new Map((await db.selectFrom('destinations').select(['id', 'name']).execute()).map((d) => [d.id, d.name] as const));

  async function runFailed(pipelineId: string | null): Promise<Observation[]> {
    let latest = db
      .selectFrom('runs as r2')
      .select((eb) => eb.fn.max('r2.id').as('id'))
      .where('r2.status', '!=', 'running')
      .groupBy('r2.pipeline_id');
    if (pipelineId) latest = latest.where('r2.pipeline_id', '=', pipelineId);
    const rows = await db
      .selectFrom('runs')
      .innerJoin('pipelines', 'pipelines.id', 'runs.pipeline_id')
      .select(['runs.id', 'runs.pipeline_id', 'runs.finished_at', 'runs.error_json', 'pipelines.name'])
      .where('runs.id', 'in', latest)
      .where('runs.status', '=', 'failed')
      .execute();
    return rows.map((r) => {
      const error = r.error_json ? (JSON.parse(r.error_json) as { code?: string; message?: string }) : null;
      return {
        subject: r.pipeline_id,
        label: `pipeline “${r.name}”`,
        summary: `Run ${r.id} of pipeline “${r.name}” failed${error?.message ? `: ${error.message}` : ''}`,
        details: {
          run: r.id,
          error: error?.code,
          finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
        },
        holdMs: 0,
      };
    });
  }

  async function stale(pipelineId: string | null, periods: number): Promise<Observation[]> {
    let pipelines = db
      .selectFrom('pipelines')
      .select(['id', 'name', 'schedule', 'created_at'])
      .where('enabled', '=', 1);
    if (pipelineId) pipelines = pipelines.where('id', '=', pipelineId);
    const successes = new Map(
      (
        await db
          .selectFrom('runs')
          .select(['pipeline_id', (eb) => eb.fn.max('started_at').as('at')])
          .where('status', '=', 'completed')
          .groupBy('pipeline_id')
          .execute()
      ).map((r) => [r.pipeline_id, Number(r.at)] as const),
    );
    const at = now();
    const out: Observation[] = [];
    for (const p of await pipelines.execute()) {
      let interval: number;
      try {
        // The gap between the next two scheduled times: an hourly schedule's is an hour.
        const next = nextRunAt(p.schedule, at);
        interval = nextRunAt(p.schedule, next) - next;
      } catch {
        continue;
      }
      const last = successes.get(p.id);
      const since = last ?? Date.parse(p.created_at);
      const allowed = periods * interval + Math.min(interval * STALE_GRACE_SHARE, STALE_GRACE_MAX_MS);
      if (at - since <= allowed) continue;
      out.push({
        subject: p.id,
        label: `pipeline “${p.name}”`,
        summary: `Pipeline “${p.name}” has not succeeded for ${duration(at - since)} (${last === undefined ? 'never since it was created' : 'since its last successful run'}; allowed ${periods} × ${duration(interval)})`,
        details: {
          schedule: p.schedule,
          lastSuccess: last === undefined ? 'never' : new Date(last).toISOString(),
        },
        holdMs: 0,
      });
    }
    return out;
  }

  async function failedEvents(destinationId: string | null, threshold: number, periodMinutes: number) {
    let q = db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'failed')
      .where('updated_at', '>=', now() - periodMinutes * MINUTE);
    if (destinationId) q = q.where('destination_id', '=', destinationId);
    const count = Number((await q.executeTakeFirst())?.n ?? 0);
    if (count <= threshold) return [];
    const where = destinationId
      ? `destination “${(await destinationNames()).get(destinationId) ?? destinationId}”`
      : 'all destinations';
    return [
      {
        subject: destinationId ?? '*',
        label: where,
        summary: `${count} ${count === 1 ? 'event' : 'events'} failed in the last ${duration(periodMinutes * MINUTE)} (${where}; more than ${threshold})`,
        details: { failed: count, threshold, periodMinutes },
        holdMs: 0,
      },
    ];
  }

  async function budgetUsed(key: string | null, percent: number, minutes: number): Promise<Observation[]> {
    return budgetsOf(await deps.limits())
      .filter((b) => (key === null || b.key === key) && b.percent >= percent)
      .map((b) => ({
        subject: b.key,
        label: b.label,
        summary: `${b.label} is at ${b.percent}% (alert at ${percent}%${minutes > 0 ? ` for ${minutes} min` : ''})`,
        details: { percent: b.percent, ...b.details },
        holdMs: minutes * MINUTE,
      }));
  }

  async function waitingAge(destinationId: string | null, minutes: number): Promise<Observation[]> {
    let q = db
      .selectFrom('events')
      .innerJoin('sources', 'sources.id', 'events.source_id')
      .select([
        'sources.destination_id as destinationId',
        (eb) => eb.fn.min('events.received_at').as('oldest'),
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .where('events.state', 'in', ['received', 'retrying'])
      .where('sources.destination_id', 'is not', null)
      .groupBy('sources.destination_id');
    if (destinationId) q = q.where('sources.destination_id', '=', destinationId);
    const at = now();
    const rows = (await q.execute()).filter((r) => at - Number(r.oldest) >= minutes * MINUTE);
    if (rows.length === 0) return [];
    const names = await destinationNames();
    return rows.map((r) => {
      const id = r.destinationId as string;
      const name = names.get(id) ?? id;
      const age = at - Number(r.oldest);
      return {
        subject: id,
        label: `destination “${name}”`,
        summary: `The oldest event waiting for destination “${name}” is ${duration(age)} old (alert at ${duration(minutes * MINUTE)}); ${Number(r.n)} waiting`,
        details: { waiting: Number(r.n), oldestReceivedAt: new Date(Number(r.oldest)).toISOString() },
        holdMs: 0,
      };
    });
  }

  return {
    /** Every subject for which `condition` holds now; subjects not listed are fine. */
    observe(condition: AlertCondition): Promise<Observation[]> {
      switch (condition.type) {
        case 'run_failed':
          return runFailed(condition.pipelineId);
        case 'pipeline_stale':
          return stale(condition.pipelineId, condition.periods);
        case 'failed_events':
          return failedEvents(condition.destinationId, condition.threshold, condition.periodMinutes);
        case 'budget_used':
          return budgetUsed(condition.budget, condition.percent, condition.minutes);
        case 'waiting_age':
          return waitingAge(condition.destinationId, condition.minutes);
      }
    },
    /** Budgets a rule can name, with their use now. */
    async budgets(): Promise<Budget[]> {
      return budgetsOf(await deps.limits());
    },
    /** A rule may only name a pipeline, destination or budget that exists. */
    async checkScope(condition: AlertCondition): Promise<void> {
      if ('pipelineId' in condition && condition.pipelineId) {
        const found = await db
          .selectFrom('pipelines')
          .select('id')
          .where('id', '=', condition.pipelineId)
          .executeTakeFirst();
        if (!found)
          throw invalidInput([
            { path: 'condition.pipelineId', message: `no pipeline with id ${condition.pipelineId}` },
          ]);
      }
      if ('destinationId' in condition && condition.destinationId) {
        const found = await db
          .selectFrom('destinations')
          .select('id')
          .where('id', '=', condition.destinationId)
          .executeTakeFirst();
        if (!found) {
          throw invalidInput([
            { path: 'condition.destinationId', message: `no destination with id ${condition.destinationId}` },
          ]);
        }
      }
      if (condition.type === 'budget_used' && condition.budget) {
        const keys = (await this.budgets()).map((b) => b.key);
        if (!keys.includes(condition.budget)) {
          const known = keys.length ? `known: ${keys.join(', ')}` : 'there are no budgets yet (add a connection first)';
          throw invalidInput([{ path: 'condition.budget', message: `no budget ${condition.budget}; ${known}` }]);
        }
      }
    },
  };
}

export type Observer = ReturnType<typeof createObserver>;
