import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { sqliteOf } from '../db/index.js';
import type { TriggerRulesTable } from '../db/schema.js';
import { HubError } from '../errors.js';
import {
  builtSample,
  checkTemplate,
  emptyValuesReason,
  missingMessage,
  type Sample,
  type TemplateCheck,
} from './sample.js';
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

/** Where the scan of ingested events has got to (a row in the hub's `meta` table). */
export const CURSOR_KEY = 'qualtrics.rules.lastEventId';
/** Events looked at per scan step; a match costs one more read (its payload) and one insert. */
const SCAN_BATCH = 2000;
/** How far back (in stored events) a rule looks for its latest matching event to check a template against. */
const SAMPLE_LOOKBACK = 50_000;

/**
 * Rules "hub event → workflow trigger" and the scan that applies them. Ingest is never slowed: the
 * scan reads events after a cursor (woken by ingest's accepted notice, and by a timer), and stores
 * each match as a trigger delivery in the same transaction that moves the cursor — so a crash
 * neither loses a match nor makes it twice (one delivery per trigger and event, by a unique index).
 */
export function createRuleStore(deps: {
  db: Db;
  now: () => number;
  triggerExists(id: string): Promise<boolean>;
  sourceExists(id: string): Promise<boolean>;
}) {
  const { db, now } = deps;
  const sqlite = sqliteOf(db);
  const iso = () => new Date(now()).toISOString();

  const maxEventId = sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events');
  const readCursor = sqlite.prepare('SELECT value FROM meta WHERE key = ?');
  const writeCursor = sqlite.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const activeRules = sqlite.prepare(
    `SELECT r.id, r.trigger_id, r.source_id, r.event_type, r.event_name, r.after_event_id, t.template_json
     FROM trigger_rules r JOIN workflow_triggers t ON t.id = r.trigger_id WHERE r.enabled = 1 AND t.enabled = 1`,
  );
  const scanStep = sqlite.prepare(
    `SELECT id, source_id, type, CASE WHEN type = 'track' THEN json_extract(payload_json, '$.event') END AS name
     FROM events WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const payloadOf = sqlite.prepare('SELECT payload_json FROM events WHERE id = ?');
  const insertDelivery = sqlite.prepare(
    `INSERT OR IGNORE INTO trigger_deliveries (trigger_id, origin, origin_ref, payload_json, state, attempts,
     next_attempt_at, created_at, updated_at) VALUES (?, 'event', ?, ?, 'pending', 0, 0, ?, ?)`,
  );
  // A call with nothing in it is kept as failed with the reason, never sent (replay rebuilds it).
  const insertEmpty = sqlite.prepare(
    `INSERT OR IGNORE INTO trigger_deliveries (trigger_id, origin, origin_ref, payload_json, state, attempts,
     next_attempt_at, last_error_json, created_at, updated_at) VALUES (?, 'event', ?, ?, 'failed', 0, 0, ?, ?, ?)`,
  );
  const latestMatching = sqlite.prepare(
    `SELECT id, payload_json FROM events WHERE id > ? AND type = ? AND json_extract(payload_json, '$.event') = ?
     AND (? IS NULL OR source_id = ?) ORDER BY id DESC LIMIT 1`,
  );
  const templateOf = sqlite.prepare('SELECT template_json FROM workflow_triggers WHERE id = ?');

  const row = async (id: string) => {
    const r = await db.selectFrom('trigger_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HubError('not_found', `No trigger rule with id ${id}`);
    return r;
  };
  const check = async (input: { triggerId?: string | undefined; sourceId?: string | null | undefined }) => {
    if (input.triggerId !== undefined && !(await deps.triggerExists(input.triggerId))) {
      throw new HubError('invalid_input', `triggerId: no workflow trigger with id ${input.triggerId}`, {
        issues: [{ path: 'triggerId', message: 'unknown trigger' }],
      });
    }
    if (input.sourceId && !(await deps.sourceExists(input.sourceId))) {
      throw new HubError('invalid_input', `sourceId: no source with id ${input.sourceId}`, {
        issues: [{ path: 'sourceId', message: 'unknown source' }],
      });
    }
  };

  type Active = {
    id: string;
    trigger_id: string;
    source_id: string | null;
    event_type: string;
    event_name: string;
    after_event_id: number;
    template_json: string;
  };

  const applyStep = sqlite.transaction((cursor: number) => {
    const rules = activeRules.all() as Active[];
    const events = scanStep.all(cursor, SCAN_BATCH) as Array<{
      id: number;
      source_id: string;
      type: string;
      name: string | null;
    }>;
    let matched = 0;
    const t = now();
    for (const e of events) {
      const hits = rules.filter(
        (r) =>
          e.id > r.after_event_id &&
          r.event_type === e.type &&
          r.event_name === e.name &&
          (r.source_id === null || r.source_id === e.source_id),
      );
      if (hits.length === 0) continue;
      const message = JSON.parse((payloadOf.get(e.id) as { payload_json: string }).payload_json);
      // Two rules of one trigger matching one event still make one call.
      for (const [triggerId, rule] of new Map(hits.map((h) => [h.trigger_id, h]))) {
        const template = JSON.parse(rule.template_json) as TemplateRow[];
        const payload = JSON.stringify(buildPayload(template, message));
        const empty = emptyValuesReason(template, message);
        matched += empty
          ? insertEmpty.run(
              triggerId,
              String(e.id),
              payload,
              JSON.stringify({ code: 'no_values', message: empty, at: t }),
              t,
              t,
            ).changes
          : insertDelivery.run(triggerId, String(e.id), payload, t, t).changes;
      }
    }
    const last = events.at(-1)?.id ?? cursor;
    writeCursor.run(CURSOR_KEY, String(last));
    return { scanned: events.length, matched, more: events.length === SCAN_BATCH };
  });

  /** The pasted sample, else the latest stored event the rule would match, else one built from the spec. */
  const sampleFor = (
    rule: { type: string; event: string; sourceId: string | null },
    pasted?: Record<string, unknown>,
  ) => {
    if (pasted) return { source: 'pasted', eventId: null, payload: pasted } satisfies Sample;
    const newest = (maxEventId.get() as { id: number }).id;
    const hit = latestMatching.get(
      Math.max(0, newest - SAMPLE_LOOKBACK),
      rule.type,
      rule.event,
      rule.sourceId,
      rule.sourceId,
    ) as { id: number; payload_json: string } | undefined;
    if (hit) return { source: 'event', eventId: hit.id, payload: JSON.parse(hit.payload_json) } satisfies Sample;
    return builtSample(rule.type, rule.event);
  };

  /** Refuses (400) key/values that lead nowhere in the rule's sample event, naming them and what it has. */
  const checkRule = (
    template: TemplateRow[],
    rule: { type: string; event: string; sourceId: string | null },
    pasted?: Record<string, unknown>,
  ): RuleCheck => {
    const sample = sampleFor(rule, pasted);
    const check: TemplateCheck = checkTemplate(template, sample);
    if (check.missing.length > 0) {
      const message = missingMessage(check, sample, rule.type, rule.event);
      throw new HubError('invalid_input', message, {
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
  const triggerTemplate = (triggerId: string): TemplateRow[] => {
    const t = templateOf.get(triggerId) as { template_json: string } | undefined;
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
          checkRule(template, { type: r.event_type, event: r.event_name, sourceId: r.source_id });
        } catch (error) {
          const e = error as HubError;
          throw new HubError('invalid_input', `Rule "${r.event_type} ${r.event_name}": ${e.message}`, e.extra);
        }
      }
    },
    async list(filter: { triggerId?: string | undefined } = {}): Promise<RuleView[]> {
      let q = db.selectFrom('trigger_rules').selectAll();
      if (filter.triggerId) q = q.where('trigger_id', '=', filter.triggerId);
      return (await q.orderBy('created_at').orderBy('event_name').execute()).map(ruleView);
    },
    /** A new rule fires for events ingested from now on, never for the history already stored. */
    async create(input: RuleInput): Promise<RuleView & { check: RuleCheck }> {
      await check(input);
      const checked = checkRule(
        triggerTemplate(input.triggerId),
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
        after_event_id: (maxEventId.get() as { id: number }).id,
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
        checkRule(
          triggerTemplate(r.trigger_id),
          { type: next.event_type, event: next.event_name, sourceId: next.source_id },
          patch.sample,
        );
      }
      await db.updateTable('trigger_rules').set(next).where('id', '=', id).execute();
      return ruleView(next);
    },
    async remove(id: string): Promise<void> {
      const result = await db.deleteFrom('trigger_rules').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HubError('not_found', `No trigger rule with id ${id}`);
    },
    /**
     * Turn events ingested since the last scan into deliveries: at most `maxSteps` batches, so a large
     * backlog never holds the event loop for long (`more` says there is more to scan). With no active
     * rule the cursor just jumps to the newest event.
     */
    scan(maxSteps = 5): { matched: number; more: boolean } {
      const stored = readCursor.get(CURSOR_KEY) as { value: string } | undefined;
      const rules = activeRules.all() as Active[];
      if (rules.length === 0) {
        const newest = String((maxEventId.get() as { id: number }).id);
        if (stored?.value !== newest) writeCursor.run(CURSOR_KEY, newest);
        return { matched: 0, more: false };
      }
      // First scan: from the oldest rule's creation (each rule skips what came before itself).
      let cursor = stored ? Number(stored.value) : Math.min(...rules.map((r) => r.after_event_id));
      let matched = 0;
      for (let step = 1; ; step++) {
        const done = applyStep(cursor);
        matched += done.matched;
        if (!done.more || step >= maxSteps) return { matched, more: done.more };
        cursor = Number((readCursor.get(CURSOR_KEY) as { value: string }).value);
      }
    },
  };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
