import { randomUUID } from 'node:crypto';
import type { KeyValueState, ServiceHost, StoredEventSummary } from '@synchub/core';
import { QualtricsError } from './errors.js';
import {
  builtSample,
  checkTemplate,
  emptyValuesReason,
  missingMessage,
  type Sample,
  type TemplateCheck,
} from './sample.js';
import type { QualtricsDb, TriggerDeliveriesTable, TriggerRulesTable } from './schema.js';
import { buildPayload, type TemplateRow } from './template.js';

export interface RuleView {
  id: string;
  triggerId: string;
  /** Only events from this source; null: any source. */
  sourceId: string | null;
  type: 'track';
  event: string;
  enabled: boolean;
  createdAt: string;
}

export interface RuleInput {
  triggerId: string;
  sourceId?: string | null | undefined;
  type?: 'track' | undefined;
  event: string;
  enabled?: boolean | undefined;
  /** An event as the app sends it, to check the trigger's key/values against (else the latest stored one). */
  sample?: Record<string, unknown> | undefined;
}

/** What a saved rule's key/values were checked against, and what they would send for it. */
export interface RuleCheck {
  sample: { source: Sample['source']; eventId: number | null };
  values: Record<string, unknown>;
  /** Paths into properties/context that only a real or pasted event can confirm. */
  unverified: string[];
}

const ruleView = (r: TriggerRulesTable): RuleView => ({
  id: r.id,
  triggerId: r.trigger_id,
  sourceId: r.source_id,
  type: r.event_type as 'track',
  event: r.event_name,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
});

/** Where the scan of stored hub events has got to: a key of the service's own state (an event id). */
export const CURSOR_KEY = 'rules.lastEventId';
/** Events looked at per scan step. */
const SCAN_BATCH = 2000;
/** Deliveries per insert statement (keeps well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 200;
/** How far back (in stored events) a rule looks for its latest matching event to check a template against. */
const SAMPLE_LOOKBACK = 50_000;
/**
 * With no active rule, how often the cursor jumping to the newest event is stored. After a crash it can
 * lag by this much: a rule re-activated then may match events of its last seconds of inactivity.
 */
const IDLE_CURSOR_WRITE_MS = 30_000;

type Active = Pick<
  TriggerRulesTable,
  'id' | 'trigger_id' | 'source_id' | 'event_type' | 'event_name' | 'after_event_id'
> & {
  template_json: string;
};
type NewDelivery = Omit<TriggerDeliveriesTable, 'id' | 'status_code' | 'event_id' | 'request_id' | 'delivered_at'>;

const matches = (
  rule: { event_type: string; event_name: string; source_id: string | null },
  e: StoredEventSummary,
): boolean =>
  rule.event_type === e.type &&
  rule.event_name === e.name &&
  (rule.source_id === null || rule.source_id === e.sourceId);

/**
 * Rules "hub event → workflow trigger" and the scan that applies them. Ingest is never slowed: the scan
 * reads stored events after a cursor (woken by the host's "accepted" notice, and by a timer) and stores
 * each match as a trigger delivery, then moves the cursor. A crash between the two repeats the step on
 * the next scan, and the unique index (one delivery per trigger and event) makes the repeat store nothing.
 */
export function createRuleStore(deps: {
  db: QualtricsDb;
  /** The service's own key/value state (the cursor). */
  state: KeyValueState;
  events: ServiceHost['events'];
  now: () => number;
  triggerExists(id: string): Promise<boolean>;
  sourceExists(id: string): Promise<boolean>;
}) {
  const { db, state, events, now } = deps;
  /** The newest event id passed over while no rule was active, not stored yet (see `scan`). */
  let skipped: number | undefined;
  let skippedStoredAt = Number.NEGATIVE_INFINITY;
  const storeSkipped = async (): Promise<number | undefined> => {
    const id = skipped;
    if (id !== undefined) await state.set(CURSOR_KEY, id);
    skipped = undefined;
    skippedStoredAt = now();
    return id;
  };
  const iso = () => new Date(now()).toISOString();

  const activeRules = (): Promise<Active[]> =>
    db
      .selectFrom('trigger_rules as r')
      .innerJoin('workflow_triggers as t', 't.id', 'r.trigger_id')
      .select([
        'r.id',
        'r.trigger_id',
        'r.source_id',
        'r.event_type',
        'r.event_name',
        'r.after_event_id',
        't.template_json',
      ])
      .where('r.enabled', '=', 1)
      .where('t.enabled', '=', 1)
      .execute();

  const row = async (id: string) => {
    const r = await db.selectFrom('trigger_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new QualtricsError('not_found', `No trigger rule with id ${id}`);
    return r;
  };
  const check = async (input: { triggerId?: string | undefined; sourceId?: string | null | undefined }) => {
    if (input.triggerId !== undefined && !(await deps.triggerExists(input.triggerId))) {
      throw new QualtricsError('invalid_input', `triggerId: no workflow trigger with id ${input.triggerId}`, {
        issues: [{ path: 'triggerId', message: 'unknown trigger' }],
      });
    }
    if (input.sourceId && !(await deps.sourceExists(input.sourceId))) {
      throw new QualtricsError('invalid_input', `sourceId: no source with id ${input.sourceId}`, {
        issues: [{ path: 'sourceId', message: 'unknown source' }],
      });
    }
  };

  /** One step: the deliveries for up to SCAN_BATCH events after `cursor`, then the cursor moved past them. */
  async function applyStep(cursor: number): Promise<{ matched: number; more: boolean; last: number }> {
    const rules = await activeRules();
    const batch = await events.after(cursor, SCAN_BATCH);
    const t = now();
    const rows: NewDelivery[] = [];
    for (const e of batch) {
      const hits = rules.filter((r) => e.id > r.after_event_id && matches(r, e));
      // Two rules of one trigger matching one event still make one call.
      for (const rule of new Map(hits.map((h) => [h.trigger_id, h])).values()) {
        const template = JSON.parse(rule.template_json) as TemplateRow[];
        const payload = JSON.stringify(buildPayload(template, e.message));
        // A call with nothing in it is kept as failed with the reason, never sent (replay rebuilds it).
        const empty = emptyValuesReason(template, e.message);
        rows.push({
          trigger_id: rule.trigger_id,
          origin: 'event',
          origin_ref: String(e.id),
          payload_json: payload,
          state: empty ? 'failed' : 'pending',
          attempts: 0,
          next_attempt_at: 0,
          last_error_json: empty ? JSON.stringify({ code: 'no_values', message: empty, at: t }) : null,
          created_at: t,
          updated_at: t,
        });
      }
    }
    let matched = 0;
    if (rows.length > 0) {
      await db.transaction().execute(async (tx) => {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          const result = await tx
            .insertInto('trigger_deliveries')
            .values(rows.slice(i, i + INSERT_CHUNK))
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          matched += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
      });
    }
    const last = batch.at(-1)?.id ?? cursor;
    if (last !== cursor) await state.set(CURSOR_KEY, last);
    return { matched, more: batch.length === SCAN_BATCH, last };
  }

  /** The latest stored event the rule would match, looking back at most SAMPLE_LOOKBACK ids, newest window first. */
  async function latestMatching(rule: { event_type: string; event_name: string; source_id: string | null }) {
    const newest = await events.latestId();
    const floor = Math.max(0, newest - SAMPLE_LOOKBACK);
    for (let hi = newest; hi > floor; hi -= SCAN_BATCH) {
      const lo = Math.max(floor, hi - SCAN_BATCH);
      // Ids are unique, so at most SCAN_BATCH events lie in (lo, hi]: one read gets them all.
      const window = (await events.after(lo, SCAN_BATCH)).filter((e) => e.id <= hi);
      const hit = window.findLast((e) => matches(rule, e));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The pasted sample, else the latest stored event the rule would match, else one built from the spec. */
  const sampleFor = async (
    rule: { type: string; event: string; sourceId: string | null },
    pasted?: Record<string, unknown>,
  ): Promise<Sample> => {
    if (pasted) return { source: 'pasted', eventId: null, payload: pasted };
    const hit = await latestMatching({ event_type: rule.type, event_name: rule.event, source_id: rule.sourceId });
    if (hit) return { source: 'event', eventId: hit.id, payload: hit.message };
    return builtSample(rule.type, rule.event);
  };

  /** Refuses (400) key/values that lead nowhere in the rule's sample event, naming them and what it has. */
  const checkRule = async (
    template: TemplateRow[],
    rule: { type: string; event: string; sourceId: string | null },
    pasted?: Record<string, unknown>,
  ): Promise<RuleCheck> => {
    const sample = await sampleFor(rule, pasted);
    const check: TemplateCheck = checkTemplate(template, sample);
    if (check.missing.length > 0) {
      const message = missingMessage(check, sample, rule.type, rule.event);
      throw new QualtricsError('invalid_input', message, {
        issues: check.missing.map((m) => ({
          path: `template.${m.index}.value`,
          message: `${m.path} finds nothing in the sample ${rule.type} event`,
        })),
        sample: { source: sample.source, eventId: sample.eventId },
      });
    }
    return {
      sample: { source: sample.source, eventId: sample.eventId },
      values: check.values,
      unverified: check.unverified,
    };
  };
  const triggerTemplate = async (triggerId: string): Promise<TemplateRow[]> => {
    const t = await db
      .selectFrom('workflow_triggers')
      .select('template_json')
      .where('id', '=', triggerId)
      .executeTakeFirst();
    return t ? (JSON.parse(t.template_json) as TemplateRow[]) : [];
  };

  return {
    checkRule,
    /**
     * A trigger's new key/values checked against the events each of its enabled rules feeds it; the
     * message names the rule. Nothing to check for a trigger without rules (webhook input is free-form).
     */
    async checkTemplateForRules(triggerId: string, template: TemplateRow[]): Promise<void> {
      const rules = await db
        .selectFrom('trigger_rules')
        .selectAll()
        .where('trigger_id', '=', triggerId)
        .where('enabled', '=', 1)
        .execute();
      for (const r of rules) {
        try {
          await checkRule(template, { type: r.event_type, event: r.event_name, sourceId: r.source_id });
        } catch (error) {
          const e = error as QualtricsError;
          throw new QualtricsError('invalid_input', `Rule "${r.event_type} ${r.event_name}": ${e.message}`, e.extra);
        }
      }
    },
    async list(filter: { triggerId?: string | undefined } = {}): Promise<RuleView[]> {
      let q = db.selectFrom('trigger_rules').selectAll();
      if (filter.triggerId) q = q.where('trigger_id', '=', filter.triggerId);
      return (await q.orderBy('created_at').orderBy('event_name').execute()).map(ruleView);
    },
    /** A new rule fires for events stored from now on, never for the history already stored. */
    async create(input: RuleInput): Promise<RuleView & { check: RuleCheck }> {
      await check(input);
      const checked = await checkRule(
        await triggerTemplate(input.triggerId),
        { type: input.type ?? 'track', event: input.event, sourceId: input.sourceId || null },
        input.sample,
      );
      const r: TriggerRulesTable = {
        id: randomUUID(),
        trigger_id: input.triggerId,
        source_id: input.sourceId || null,
        event_type: input.type ?? 'track',
        event_name: input.event,
        enabled: input.enabled === false ? 0 : 1,
        after_event_id: await events.latestId(),
        created_at: iso(),
      };
      await db.insertInto('trigger_rules').values(r).execute();
      return { ...ruleView(r), check: checked };
    },
    async update(id: string, patch: Partial<Omit<RuleInput, 'triggerId'>>): Promise<RuleView> {
      const r = await row(id);
      await check({ sourceId: patch.sourceId });
      const next: TriggerRulesTable = {
        ...r,
        source_id: patch.sourceId === undefined ? r.source_id : patch.sourceId || null,
        event_name: patch.event ?? r.event_name,
        enabled: patch.enabled === undefined ? r.enabled : patch.enabled ? 1 : 0,
      };
      // Another event (or source) feeds the trigger from now on: its key/values must still find values.
      if (patch.event !== undefined || patch.sourceId !== undefined || patch.sample !== undefined) {
        await checkRule(
          await triggerTemplate(r.trigger_id),
          { type: next.event_type, event: next.event_name, sourceId: next.source_id },
          patch.sample,
        );
      }
      await db.updateTable('trigger_rules').set(next).where('id', '=', id).execute();
      return ruleView(next);
    },
    async remove(id: string): Promise<void> {
      const result = await db.deleteFrom('trigger_rules').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new QualtricsError('not_found', `No trigger rule with id ${id}`);
    },
    /**
     * Turn events stored since the last scan into deliveries: at most `maxSteps` batches, so a large
     * backlog never holds the worker for long (`more` says there is more to scan). With no active rule
     * the cursor just jumps to the newest event.
     */
    async scan(maxSteps = 5): Promise<{ matched: number; more: boolean }> {
      let stored = await state.get<number>(CURSOR_KEY);
      const rules = await activeRules();
      if (rules.length === 0) {
        // Nothing to match: the cursor only keeps up with the newest event. Storing it on every wake (several
        // a second during ingest) cost a synced write on the hub's event loop each time, so it is kept in
        // memory and stored at most every IDLE_CURSOR_WRITE_MS, and at once when a rule becomes active.
        const newest = await events.latestId();
        if (stored !== newest) {
          skipped = newest;
          if (stored === undefined || now() - skippedStoredAt >= IDLE_CURSOR_WRITE_MS) await storeSkipped();
        }
        return { matched: 0, more: false };
      }
      if (skipped !== undefined && (stored === undefined || skipped > stored)) stored = await storeSkipped();
      // First scan: from the oldest rule's creation (each rule skips what came before itself).
      let cursor = stored ?? Math.min(...rules.map((r) => r.after_event_id));
      let matched = 0;
      for (let step = 1; ; step++) {
        const done = await applyStep(cursor);
        matched += done.matched;
        if (!done.more || step >= maxSteps) return { matched, more: done.more };
        cursor = done.last;
      }
    },
  };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
