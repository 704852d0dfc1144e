import type { SecretBox } from '../crypto.js';
import type { Db } from '../db/index.js';
import { invalidInput } from '../errors.js';
import type { HubLogger } from '../logger.js';
import { deliver, RETRY_DELAYS_MS, sendersOf } from './channels.js';
import { createObserver, type Observation } from './conditions.js';
import type { Notification } from './message.js';
import type { AlertHistoryTable, AlertStatesTable, DeliveryOutcome, NotificationKind } from './schema.js';
import { alertDb, createRuleStore, type ResolvedRule, type RuleView } from './store.js';
import { conditionText, historyEntry, type RuleState, stateOf, statusOf } from './views.js';

export interface AlertOptions {
  /** How often every enabled rule is evaluated (besides right after runs and deliveries). Default 30 s. */
  intervalMs?: number | undefined;
  /** Waits between tries of a channel that failed (default RETRY_DELAYS_MS). */
  retryDelaysMs?: number[] | undefined;
  /** Quiet time after a run or delivery change before evaluating (changes come in bursts). Default 1 s. */
  debounceMs?: number | undefined;
}

/**
 * Alert rules, their evaluation and notifications. Each (rule, subject) whose condition holds has a state
 * row; it fires once (one notification), stays quiet while it holds, and sends "resolved" when it clears.
 * A notification is written to the history (pending) in the same transaction as the state change, then
 * delivered in the background with retries; one still pending at a restart is sent again at start.
 */
export function createAlerts(deps: {
  db: Db;
  box: SecretBox;
  logger: HubLogger;
  now: () => number;
  fetch: typeof fetch;
  limits: () => Promise<unknown>;
  feed: { subscribe(listener: (change: unknown) => void): () => void };
  options?: AlertOptions | undefined;
}) {
  const { logger, now } = deps;
  const db = alertDb(deps.db);
  const options = deps.options ?? {};
  const intervalMs = options.intervalMs ?? 30_000;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const observer = createObserver({ db: deps.db, now, limits: deps.limits });
  const rules = createRuleStore({
    db: deps.db,
    box: deps.box,
    now,
    onSecret: (v) => logger.addSecret(v),
    checkScope: (c) => observer.checkScope(c),
  });

  // Running: the loop and the change feed evaluate. Stopping: deliveries give up early and stay pending.
  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let soon: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const inflight = new Set<Promise<void>>();
  // Retry waits end early when the hub stops (the notification stays pending and is sent at the next start).
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
    });

  // One evaluation at a time: the state machine reads, then writes, each rule's rows.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };

  async function dispatch(historyId: number, n: Notification, rule: ResolvedRule, done: DeliveryOutcome[] = []) {
    const senders = sendersOf(rule.channels, rule.secrets, { fetch: deps.fetch }).filter(
      (s) => !done.some((d) => d.ok && d.channel === s.channel),
    );
    const fresh = await Promise.all(senders.map((s) => deliver(s, n, { delays, sleep, now, stopped: () => stopping })));
    const outcomes = [...done.filter((d) => d.ok), ...fresh];
    for (const o of fresh.filter((x) => !x.ok)) {
      logger.warn('Alert notification not delivered', {
        rule: n.rule.name,
        kind: n.kind,
        channel: o.channel,
        target: o.target,
        attempts: o.attempts,
        reason: o.error,
      });
    }
    // Cut short by a stop: stays pending, so the next start tries the channels that failed again.
    const status = stopping && fresh.some((o) => !o.ok) ? 'pending' : statusOf(outcomes);
    await db
      .updateTable('alert_history')
      .set({ status, deliveries_json: JSON.stringify(outcomes) })
      .where('id', '=', historyId)
      .execute();
  }

  const track = (work: Promise<void>) => {
    const p = work.catch((error) => logger.error('Alert delivery failed', { error }));
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const historyRow = (n: Notification): Omit<AlertHistoryTable, 'id'> => ({
    rule_id: n.rule.id,
    rule_name: n.rule.name,
    kind: n.kind,
    subject: n.subject?.id ?? null,
    label: n.subject?.label ?? null,
    summary: n.summary,
    message_json: JSON.stringify(n),
    status: 'pending',
    deliveries_json: '[]',
    at: n.at,
  });

  async function evaluateNow(): Promise<{ fired: number; resolved: number }> {
    const enabled = await rules.enabled();
    const outbox: Array<{ id: number; n: Notification; rule: ResolvedRule }> = [];
    for (const rule of enabled) {
      let observed: Observation[];
      try {
        observed = await observer.observe(rule.view.condition);
      } catch (error) {
        // An unreadable condition keeps its state: neither a false alarm nor a false "resolved".
        logger.warn('Alert rule not evaluated', { rule: rule.view.name, error });
        continue;
      }
      const at = now();
      const notification = (kind: NotificationKind, s: AlertStatesTable, o?: Observation): Notification => ({
        kind,
        rule: { id: rule.view.id, name: rule.view.name },
        condition: rule.view.condition,
        subject: { id: s.subject, label: o?.label ?? s.label },
        summary: kind === 'resolved' ? `Resolved: ${s.summary}` : (o?.summary ?? s.summary),
        details: o?.details ?? JSON.parse(s.details_json),
        at,
        firingSince: s.firing_since ?? undefined,
      });
      await db.transaction().execute(async (tx) => {
        const states = new Map(
          (await tx.selectFrom('alert_states').selectAll().where('rule_id', '=', rule.view.id).execute()).map(
            (s) => [s.subject, s] as const,
          ),
        );
        for (const o of observed) {
          const current = states.get(o.subject);
          states.delete(o.subject);
          const state: AlertStatesTable = {
            rule_id: rule.view.id,
            subject: o.subject,
            label: o.label,
            pending_since: current?.pending_since ?? at,
            firing_since: current?.firing_since ?? null,
            summary: o.summary,
            details_json: JSON.stringify(o.details),
            updated_at: at,
          };
          const fires = state.firing_since === null && at - state.pending_since >= o.holdMs;
          if (fires) state.firing_since = at;
          if (current) {
            await tx
              .updateTable('alert_states')
              .set(state)
              .where('rule_id', '=', state.rule_id)
              .where('subject', '=', state.subject)
              .execute();
          } else {
            await tx.insertInto('alert_states').values(state).execute();
          }
          if (fires) {
            const n = notification('firing', { ...state, firing_since: null }, o);
            const { id } = await tx
              .insertInto('alert_history')
              .values(historyRow(n))
              .returning('id')
              .executeTakeFirstOrThrow();
            outbox.push({ id, n, rule });
          }
        }
        // Whatever no longer holds clears: a firing one says so once; a pending one just goes.
        for (const s of states.values()) {
          await tx
            .deleteFrom('alert_states')
            .where('rule_id', '=', s.rule_id)
            .where('subject', '=', s.subject)
            .execute();
          if (s.firing_since === null) continue;
          const n = notification('resolved', s);
          const { id } = await tx
            .insertInto('alert_history')
            .values(historyRow(n))
            .returning('id')
            .executeTakeFirstOrThrow();
          outbox.push({ id, n, rule });
        }
      });
    }
    // Disabled and deleted rules keep no state (enabling one again starts it afresh).
    const ids = enabled.map((r) => r.view.id);
    let cleanup = db.deleteFrom('alert_states');
    if (ids.length > 0) cleanup = cleanup.where('rule_id', 'not in', ids);
    await cleanup.execute();

    for (const { id, n, rule } of outbox) {
      logger.info(n.kind === 'firing' ? 'Alert firing' : 'Alert resolved', { rule: n.rule.name, summary: n.summary });
      track(dispatch(id, n, rule));
    }
    return {
      fired: outbox.filter((o) => o.n.kind === 'firing').length,
      resolved: outbox.filter((o) => o.n.kind === 'resolved').length,
    };
  }

  /** Notifications a stop (or crash) left pending: try their channels again. */
  async function resendPending(): Promise<void> {
    const pending = await db.selectFrom('alert_history').selectAll().where('status', '=', 'pending').execute();
    for (const row of pending) {
      const n = JSON.parse(row.message_json) as Notification;
      const done = JSON.parse(row.deliveries_json) as DeliveryOutcome[];
      const rule = await rules.resolve(row.rule_id).catch(() => undefined);
      if (!rule) {
        // Deleted before it went out: its channels went with it.
        await db.updateTable('alert_history').set({ status: 'failed' }).where('id', '=', row.id).execute();
        continue;
      }
      track(dispatch(row.id, n, rule, done));
    }
  }

  const evaluateSoon = () => {
    if (!running || soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      void evaluate().catch((error) => logger.error('Alert evaluation failed', { error }));
    }, options.debounceMs ?? 1000);
  };

  const evaluate = () => serial(evaluateNow);

  const describe = async (rule: RuleView) => {
    const states = await db.selectFrom('alert_states').selectAll().where('rule_id', '=', rule.id).execute();
    return { ...rule, state: stateOf(states) };
  };

  return {
    rules,
    /** Budgets a rule can name (`/api/limits`' accounts and buckets) with their use now. */
    budgets: () => observer.budgets(),
    /** Evaluate every enabled rule now; notifications go out in the background (see `settled`). */
    evaluate,
    /** Resolves once every notification under way has been delivered or given up on. */
    async settled(): Promise<void> {
      await chain;
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    async list(): Promise<Array<RuleView & { state: RuleState }>> {
      const all = await db.selectFrom('alert_states').selectAll().execute();
      return (await rules.list()).map((rule) => ({
        ...rule,
        state: stateOf(all.filter((s) => s.rule_id === rule.id)),
      }));
    },
    get: async (id: string) => describe(await rules.get(id)),
    async create(input: Parameters<typeof rules.create>[0]) {
      const rule = await rules.create(input);
      evaluateSoon();
      return describe(rule);
    },
    async update(id: string, patch: Parameters<typeof rules.update>[1]) {
      const { rule, conditionChanged } = await serial(async () => {
        const updated = await rules.update(id, patch);
        // A new condition starts afresh (no "resolved" for what the old one saw); a disabled rule keeps no state.
        if (updated.conditionChanged || !updated.rule.enabled) {
          await db.deleteFrom('alert_states').where('rule_id', '=', id).execute();
        }
        return updated;
      });
      if (conditionChanged || patch.enabled) evaluateSoon();
      return describe(rule);
    },
    async remove(id: string) {
      await serial(async () => {
        await rules.remove(id);
        await db.deleteFrom('alert_states').where('rule_id', '=', id).execute();
      });
    },
    async history(q: { ruleId?: string | undefined; before?: number | undefined; limit: number }) {
      let query = db.selectFrom('alert_history').selectAll().orderBy('id', 'desc').limit(q.limit);
      if (q.ruleId) query = query.where('rule_id', '=', q.ruleId);
      if (q.before) query = query.where('id', '<', q.before);
      return (await query.execute()).map(historyEntry);
    },
    /** Sends a test alert through each of the rule's channels now (one try each); recorded in the history. */
    async test(id: string): Promise<DeliveryOutcome[]> {
      const rule = await rules.resolve(id);
      const senders = sendersOf(rule.channels, rule.secrets, { fetch: deps.fetch });
      if (senders.length === 0) {
        throw invalidInput([{ path: 'channels', message: 'this rule has no channel: add a webhook URL or an e-mail' }]);
      }
      const n: Notification = {
        kind: 'test',
        rule: { id: rule.view.id, name: rule.view.name },
        condition: rule.view.condition,
        subject: null,
        summary: `Test alert for “${rule.view.name}” (${conditionText(rule.view.condition)}). Real alerts look like this.`,
        details: {},
        at: now(),
      };
      const outcomes = await Promise.all(senders.map((s) => deliver(s, n, { delays: [], sleep, now })));
      await db
        .insertInto('alert_history')
        .values({ ...historyRow(n), status: statusOf(outcomes), deliveries_json: JSON.stringify(outcomes) })
        .execute();
      return outcomes;
    },
    async start(): Promise<void> {
      if (running) return;
      running = true;
      stopping = false;
      await resendPending();
      // A run that ended, or events that failed, can start or end a condition at once; the rest (time
      // passing, backlogs draining) waits for the loop, so busy delivery does not evaluate every second.
      unsubscribe = deps.feed.subscribe((change) => {
        const c = change as { kind?: unknown; status?: unknown; failed?: unknown };
        if ((c.kind === 'run' && c.status !== 'running') || (c.kind === 'delivery' && Number(c.failed) > 0)) {
          evaluateSoon();
        }
      });
      const loop = () => {
        if (!running) return;
        timer = setTimeout(async () => {
          await evaluate().catch((error) => logger.error('Alert evaluation failed', { error }));
          loop();
        }, intervalMs);
      };
      await evaluate().catch((error) => logger.error('Alert evaluation failed', { error }));
      loop();
    },
    async stop(): Promise<void> {
      running = false;
      stopping = true;
      unsubscribe?.();
      clearTimeout(timer);
      clearTimeout(soon);
      soon = undefined;
      for (const wake of [...sleepers]) wake();
      await chain;
      await Promise.all([...inflight]);
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
