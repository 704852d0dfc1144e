import {
  backoffMs,
  ConnectorError,
  type ConnectorContext,
  maskRequest,
  outcomeOf,
  type PlannedRequest,
  SECRET_MASK,
  type ServiceConnectionUse,
  type ServiceHost,
  secretValues,
  type WriteResult,
} from '@synchub/core';
import { createDeliveryStore, type DeliveryError, type DeliveryOrigin } from './deliveries.js';
import { createRuleStore } from './rules.js';
import { emptyValuesReason } from './sample.js';
import type { QualtricsDb } from './schema.js';
import { buildPayload } from './template.js';
import { createTriggerStore, type TriggerView } from './triggers.js';

export interface QualtricsOptions {
  /** Attempts before a retryable failure is given up (kept as failed, replayable). */
  maxAttempts?: number | undefined;
  random?: () => number;
}

/** What one call to the workflow's JSON-event URL came to. */
export type SendResult =
  | { ok: true; status: number | null; eventId: string | null; requestId: string | null }
  | { ok: false; retry: boolean; retryAt?: number | undefined; error: DeliveryError };

export type TestResult = { dryRun: false; deliveryId: number } & (
  | { ok: true; status: number | null; eventId: string | null; requestId: string | null }
  | { ok: false; status: number | null; error: DeliveryError }
);

/** What "Test" would send, without sending it: the request with its credentials masked. */
export interface TestPlan {
  dryRun: true;
  request: PlannedRequest | null;
  /** Says what confirming does: the real workflow runs. */
  warning: string;
  /** Why no request could be built (no trigger URL, a deleted connection…); null when there is one. */
  error: { code: string; message: string } | null;
}

/** Credential headers masked, keeping the scheme (`Basic ••••`) so the plan shows which auth is used. */
function maskPlanned(request: PlannedRequest, secrets: unknown): PlannedRequest {
  const masked = maskRequest(request, secretValues(secrets));
  for (const [name, value] of Object.entries(request.headers)) {
    const scheme = /^(basic|bearer)\s/i.exec(value)?.[1];
    if (name.toLowerCase() === 'authorization' && scheme) masked.headers[name] = `${scheme} ${SECRET_MASK}`;
  }
  return masked;
}

export interface CycleSummary {
  matched: number;
  /** More ingested events wait to be scanned. */
  moreEvents: boolean;
  taken: number;
  delivered: number;
  retrying: number;
  failed: number;
}

export const MAX_ATTEMPTS = 10;
/** Safety net: the event scan also runs this often, in case a wake-up was missed. */
const POLL_MS = 5000;
const PER_CYCLE = 100;

/** `meta.httpStatus` ("413 - Payload Too Large") of a Qualtrics error envelope, as a number. */
function statusInBody(body: unknown): number | undefined {
  const meta = (body as { meta?: { httpStatus?: unknown } } | undefined)?.meta;
  const match = typeof meta?.httpStatus === 'string' ? /^(\d{3})\b/.exec(meta.httpStatus) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Gainsight ↔ Qualtrics workflow triggers: the stores, the call to the connector's `trigger_event`
 * writer, and a small worker that delivers queued calls (webhook and event rules) with retries.
 * Everything goes through the host API: connections, stored events, the service's state and its tables.
 */
export function createQualtrics(host: ServiceHost, options: QualtricsOptions = {}) {
  const db = host.database as QualtricsDb;
  const now = () => host.now();
  const log = host.log;
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const connectorOf = async (id: string) => (await host.connections.list()).find((c) => c.id === id)?.connectorId;
  const triggers = createTriggerStore({ db, now, connectorOf });
  const deliveries = createDeliveryStore(db, now);
  const rules = createRuleStore({
    db,
    state: host.state,
    events: host.events,
    now,
    triggerExists: async (id) =>
      Boolean(await db.selectFrom('workflow_triggers').select('id').where('id', '=', id).executeTakeFirst()),
    sourceExists: async (id) => (await host.sources.list()).some((s) => s.id === id),
  });
  // The service's calls (a "Test" from the API) end when the service stops; the worker's calls end when the
  // worker stops, which may happen many times over (on a shared database it runs only while this process
  // holds the plugin's lease), so each start gets a fresh controller.
  const lifetime = new AbortController();
  let worker: AbortController | undefined;

  /**
   * One call through the Qualtrics connector's trigger_event writer; never throws. With `plan`, a dry
   * run: the writer's call is recorded there (masked), not sent. `signal` ends the call (default: the
   * service's stop).
   */
  async function send(
    trigger: TriggerView,
    payload: Record<string, unknown>,
    plan?: PlannedRequest[],
    signal: AbortSignal = lifetime.signal,
  ): Promise<SendResult> {
    try {
      const { connector, settings, secrets, ctx: base } = await host.connections.get(trigger.connectionId, signal);
      const writer = connector.writers.trigger_event;
      if (!writer) throw new ConnectorError('config', `Connector ${connector.id} cannot trigger Qualtrics workflows`);
      const ctx: ConnectorContext = plan
        ? { ...base, dryRun: { record: (request) => plan.push(maskPlanned(request, secrets)) } }
        : base;
      const options = {
        ...(trigger.triggerUrl ? { triggerUrl: trigger.triggerUrl } : {}),
        ...(trigger.username ? { username: trigger.username } : {}),
      };
      const [result] = (await writer.write({ settings, secrets, ctx, records: [payload], options })) as [
        WriteResult | undefined,
      ];
      if (!result) throw new ConnectorError('unexpected', 'The trigger_event writer answered no result');
      if (result.ok) {
        const meta = result.meta ?? {};
        return {
          ok: true,
          status: typeof meta.status === 'number' ? meta.status : null,
          eventId: result.id ?? null,
          requestId: typeof meta.requestId === 'string' ? meta.requestId : null,
        };
      }
      // Refused for this body (malformed, too large, unreadable answer): no retry makes it pass.
      const { code, message, vendorCode, body } = result.error;
      return {
        ok: false,
        retry: false,
        error: { code, message, vendorCode, body, status: statusInBody(body), at: now() },
      };
    } catch (error) {
      // Transient and rate-limited calls are retried; auth, unknown trigger, bad settings, a deleted
      // connection (HubError not_found) are not.
      const outcome = outcomeOf(error, now());
      if (outcome.kind === 'delivered') throw new Error('unreachable');
      const kept: DeliveryError = {
        ...outcome.error,
        status: outcome.error.status ?? statusInBody(outcome.error.body),
      };
      return outcome.kind === 'retry'
        ? { ok: false, retry: true, retryAt: outcome.at, error: kept }
        : { ok: false, retry: false, error: kept };
    }
  }

  async function deliverOne(
    row: { id: number; trigger_id: string; attempts: number; payload_json: string },
    byId: Map<string, TriggerView>,
    summary: CycleSummary,
    signal: AbortSignal,
  ) {
    let trigger = byId.get(row.trigger_id);
    if (!trigger) {
      trigger = await triggers.get(row.trigger_id);
      byId.set(trigger.id, trigger);
    }
    const result = await send(trigger, JSON.parse(row.payload_json), undefined, signal);
    if (result.ok) {
      await deliveries.markDelivered(row.id, result);
      summary.delivered += 1;
      return;
    }
    // Cut short by a stop (the hub stopping, or another process taking the work over): not an attempt. The
    // row stays due as it was, for whichever process runs the worker next.
    if (signal.aborted) return;
    const attempt = row.attempts + 1;
    if (result.retry && attempt < maxAttempts) {
      const at = Math.max(result.retryAt ?? 0, now() + backoffMs(attempt, options.random));
      await deliveries.markUndelivered(row.id, 'retrying', result.error, at);
      summary.retrying += 1;
      return;
    }
    const error = result.retry
      ? { ...result.error, message: `gave up after ${attempt} attempts: ${result.error.message}` }
      : result.error;
    await deliveries.markUndelivered(row.id, 'failed', error);
    summary.failed += 1;
    log('warn', 'Qualtrics workflow trigger failed', {
      deliveryId: row.id,
      triggerId: row.trigger_id,
      code: error.code,
    });
  }

  /** One pass: turn new hub events into deliveries, then deliver what is due (until `signal` aborts). */
  async function runOnce(signal: AbortSignal = lifetime.signal): Promise<CycleSummary> {
    const scanned = await rules.scan();
    const summary: CycleSummary = {
      matched: scanned.matched,
      moreEvents: scanned.more,
      taken: 0,
      delivered: 0,
      retrying: 0,
      failed: 0,
    };
    const due = await deliveries.due(PER_CYCLE);
    const byId = new Map<string, TriggerView>();
    for (const row of due) {
      if (signal.aborted) break;
      summary.taken += 1;
      await deliverOne(row, byId, summary, signal);
    }
    return summary;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;
  let again = false;
  const schedule = (ms: number) => {
    const signal = worker?.signal;
    if (!started || !signal) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = (async () => {
        let busy = false;
        try {
          const summary = await runOnce(signal);
          busy = summary.taken >= PER_CYCLE || summary.moreEvents;
        } catch (error) {
          if (!signal.aborted) {
            log('error', 'Qualtrics trigger worker error', { error: (error as Error)?.message ?? String(error) });
          }
        }
        const nextDue = await deliveries.nextDueAt().catch(() => undefined);
        // Only now, with nothing left to await: a wake-up from here on sees no run and schedules at once.
        running = undefined;
        const wait = busy || again ? 0 : Math.min(POLL_MS, Math.max(0, (nextDue ?? Infinity) - now()));
        again = false;
        schedule(wait);
      })();
    }, ms);
  };
  // The host's "accepted" notice (events stored by ingest) wakes the rule scan.
  let unsubscribe: (() => void) | undefined;
  function wake() {
    if (running) again = true;
    else schedule(0);
  }
  async function startWorker() {
    if (started) return;
    // A test call cut short by a stop is not retried (tests are one-off): say so rather than leave it pending.
    await deliveries.failInterruptedTests();
    worker = new AbortController();
    started = true;
    unsubscribe ??= host.events.subscribe(wake);
    schedule(0);
  }
  async function stopWorker() {
    started = false;
    unsubscribe?.();
    unsubscribe = undefined;
    clearTimeout(timer);
    worker?.abort();
    await running?.catch(() => {});
  }

  return {
    triggers,
    deliveries,
    rules,
    send,
    runOnce,
    wake,
    /** Store a call for a trigger (webhook or hub), then deliver it in the background. */
    async enqueue(triggerId: string, origin: DeliveryOrigin, payload: Record<string, unknown>): Promise<number> {
      const id = await deliveries.enqueue(triggerId, origin, payload);
      wake();
      return id;
    },
    /**
     * "Test": without `confirm`, a dry run answering the request the test would send (method, URL, masked
     * Authorization, body) and sending nothing. With `confirm`, one test event now (kept as a delivery
     * with origin 'test'): the real workflow runs. Paths the input lacks get a visible placeholder so the
     * workflow's "JSON captured from most recent test" shows every key.
     */
    async test(
      triggerId: string,
      options: { input?: Record<string, unknown> | undefined; confirm?: boolean | undefined } = {},
    ): Promise<TestResult | TestPlan> {
      const trigger = await triggers.get(triggerId);
      const { input } = options;
      const payload = buildPayload(trigger.template, input ?? {}, input ? undefined : (path) => `test value (${path})`);
      if (!options.confirm) {
        const plan: PlannedRequest[] = [];
        const result = await send(trigger, payload, plan);
        return {
          dryRun: true,
          request: plan[0] ?? null,
          warning: `Sending this runs the real Qualtrics workflow of “${trigger.name}”: every task it has (emails, tickets, survey invitations…) happens for real${input ? '' : ', with the placeholder values shown'}.`,
          error: result.ok || plan.length > 0 ? null : { code: result.error.code, message: result.error.message },
        };
      }
      const deliveryId = await deliveries.enqueue(trigger.id, 'test', payload);
      const result = await send(trigger, payload);
      if (result.ok) {
        await deliveries.markDelivered(deliveryId, result);
        return { dryRun: false, deliveryId, ...result };
      }
      await deliveries.markUndelivered(deliveryId, 'failed', result.error);
      return { dryRun: false, deliveryId, ok: false, status: result.error.status ?? null, error: result.error };
    },
    /**
     * Failed deliveries back in the queue (one by id, or all, of a trigger). A call a hub event made is
     * rebuilt from that event with the trigger's current key/values, so fixing them and replaying works;
     * one that would still send nothing stays failed with the reason. Accepted calls are never sent again.
     */
    async replay(selector: { id?: number | undefined; triggerId?: string | undefined }): Promise<number> {
      let replayed = 0;
      const templates = new Map<string, TriggerView['template']>();
      for (const row of await deliveries.replayable(selector)) {
        let payload: Record<string, unknown> | undefined;
        if (row.origin === 'event' && row.origin_ref) {
          const eventId = Number(row.origin_ref);
          const [event] = await host.events.after(eventId - 1, 1);
          // Gone (pruned): the stored payload is sent again as it was.
          if (event?.id === eventId) {
            if (!templates.has(row.trigger_id))
              templates.set(row.trigger_id, (await triggers.get(row.trigger_id)).template);
            const template = templates.get(row.trigger_id) ?? [];
            payload = buildPayload(template, event.message);
            const empty = emptyValuesReason(template, event.message);
            if (empty) {
              await deliveries.refail(row.id, { code: 'no_values', message: empty, at: now() }, payload);
              continue;
            }
          }
        }
        if (await deliveries.requeue(row.id, payload)) replayed += 1;
      }
      if (replayed > 0) wake();
      return replayed;
    },
    /** Deliver until nothing is due now (tests); retries scheduled later stay queued. */
    async drain(maxCycles = 100): Promise<CycleSummary[]> {
      const all: CycleSummary[] = [];
      for (let i = 0; i < maxCycles; i++) {
        const s = await runOnce();
        if (s.taken === 0 && s.matched === 0 && !s.moreEvents) break;
        all.push(s);
      }
      return all;
    },
    /** The triggers that send through a connection (the hub refuses to delete it while any does). */
    async connectionUses(connectionId: string): Promise<ServiceConnectionUse[]> {
      const rows = await db
        .selectFrom('workflow_triggers')
        .select(['id', 'name'])
        .where('connection_id', '=', connectionId)
        .orderBy('name')
        .execute();
      return rows.map((t) => ({
        type: 'qualtrics_trigger',
        id: t.id,
        name: t.name,
        via: 'connectionId',
        label: 'Qualtrics workflow trigger',
      }));
    },
    /**
     * Start the worker (the rule scan and delivery, woken by ingest and every few seconds); again after
     * `stop` too: the hub runs it only while this process should (FlowService.background).
     */
    start: startWorker,
    /**
     * Stop the worker: its call in flight is aborted and that delivery left due as it was (not counted as
     * an attempt), for the next start here or in another process. The API keeps working.
     */
    stop: stopWorker,
    /** Stop everything: the worker, and calls the API started (a "Test"). */
    async close() {
      await stopWorker();
      lifetime.abort();
    },
  };
}

export type Qualtrics = ReturnType<typeof createQualtrics>;
