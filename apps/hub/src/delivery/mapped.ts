import {
  combineOutcomes,
  ConnectorError,
  DELIVERED,
  type DeliveryHooks,
  type DeliveryOutcome,
  type DestinationRecord,
  type DestinationTarget,
  type DueEvent,
  type EventDestinationDefinition,
  isConnectorError,
  isDataError,
  outcomeOf,
  type SyncRecord,
  type WriteResult,
  type WriterDefinition,
  writeInBatches,
} from '@synchub/core';
import { isLeaseLost } from '../db/postgres/leases.js';
import { getOrCreate } from '../util.js';

type Writer = WriterDefinition<unknown, unknown>;

/** One record to write and the events it carries: several when records of one entity were merged. */
interface Item {
  record: SyncRecord;
  parts: Array<{ eventId: number; record: SyncRecord }>;
}

interface Group {
  writer: Writer;
  options: Record<string, unknown>;
  items: Item[];
  byKey: Map<string, Item>;
}

/** Options compared by value, whatever order their keys were written in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const resultOutcome = (result: WriteResult | undefined, now: number): DeliveryOutcome =>
  result === undefined
    ? { kind: 'failed', error: { code: 'unexpected', message: 'The writer answered without a result', at: now } }
    : result.ok
      ? DELIVERED
      : outcomeOf(result.error, now);

/**
 * What a failed vendor call means for the events it carried. A lost lease is not theirs: this process no
 * longer holds the destination, nothing it settled could be recorded (acks are fenced), and the new holder
 * sends them. That error is thrown on, for the engine to drop the lane.
 */
function callOutcome(error: unknown, now: number): DeliveryOutcome {
  if (isLeaseLost(error)) throw error;
  return outcomeOf(error, now);
}

/**
 * The host's delivery for a destination that gives `map`: each message becomes records for the
 * connector's writers; records of one writer with equal options are written together in batches of the
 * writer's `batchSize` (records of one entity merged first when the destination merges); each event's
 * fate is the fate of its records.
 *
 * - A message `map` refuses (`{error}`) fails permanently with that reason (a replay after a fix sends it).
 * - A call that fails as a whole (5xx, 429, auth…) gives its records the retry or the failure it means;
 *   the rest of that writer's records are not sent in this window (they get the same answer) so a vendor
 *   that is down is not called once per batch.
 * - A batch the vendor refuses as one is split by `writeInBatches` until only the bad records fail; a
 *   merged record the vendor refuses for its data is sent again as each event's own record, one by one,
 *   so only the events that carried the bad data fail, each with its own answer.
 *
 * Throws ConnectorError 'config' when `map` does: the destination cannot work as configured.
 */
export async function deliverMapped(
  args: {
    events: DueEvent[];
    definition: EventDestinationDefinition;
    settings: unknown;
    target: DestinationTarget;
  } & DeliveryHooks,
): Promise<Map<number, DeliveryOutcome>> {
  const { events, definition, settings, target } = args;
  const now = () => target.ctx.now();
  const map = definition.map;
  if (!map) throw new ConnectorError('config', 'The destination has neither map nor deliver');
  const outcomes = new Map<number, DeliveryOutcome>();
  // Records of each event still waiting for an answer: at 0 its fate is known and reported at once.
  const pending = new Map<number, number>();
  const answered: Array<[number, DeliveryOutcome]> = [];
  const settle = (eventId: number, outcome: DeliveryOutcome) => {
    const fate = combineOutcomes(outcomes.get(eventId) ?? DELIVERED, outcome);
    outcomes.set(eventId, fate);
    const left = (pending.get(eventId) ?? 1) - 1;
    pending.set(eventId, left);
    if (left === 0) answered.push([eventId, fate]);
  };
  // Events answered in the returned map only: those of several records (some may land while another is
  // retried) and those merged with one. The host keeps their entities in order, which it can do only for
  // fates it has not recorded yet.
  const deferred = new Set<number>();
  // Reported after each vendor answer, one report per distinct fate (the host writes each in one go).
  const flush = () => {
    if (answered.length === 0) return;
    const byFate = new Map<DeliveryOutcome, number[]>();
    for (const [id, fate] of answered.splice(0)) if (!deferred.has(id)) getOrCreate(byFate, fate, () => []).push(id);
    for (const [fate, ids] of byFate) args.onOutcome?.(ids, fate);
  };
  const sending = args.sending ?? ((_ids, call) => call());
  const groups = new Map<string, Group>();

  for (const { id, message } of events) {
    let mapped: ReturnType<typeof map>;
    try {
      mapped = map(message, { settings, connectionSettings: target.settings });
    } catch (error) {
      if (isConnectorError(error) && error.code === 'config') throw error;
      settle(id, outcomeOf(error, now()));
      continue;
    }
    if ('error' in mapped) {
      settle(id, { kind: 'failed', error: { code: mapped.error.code, message: mapped.error.message, at: now() } });
      continue;
    }
    // An event that became no record is delivered: the destination chose to send nothing for it.
    outcomes.set(id, outcomes.get(id) ?? DELIVERED);
    pending.set(id, mapped.records.length);
    for (const r of mapped.records) addRecord(groups, target, definition.merge, id, r, settle, now);
  }
  answered.length = 0; // fates known before any call (no writer…) are in the returned map
  for (const group of groups.values())
    for (const item of group.items)
      if (item.parts.some((p) => (pending.get(p.eventId) ?? 0) > 1))
        for (const p of item.parts) deferred.add(p.eventId);
  for (const [id, n] of pending) if (n > 1) deferred.add(id);

  for (const group of groups.values()) await writeGroup(group, target, settle, now, sending, flush);
  flush();
  return outcomes;
}

function addRecord(
  groups: Map<string, Group>,
  target: DestinationTarget,
  merge: boolean,
  eventId: number,
  r: DestinationRecord,
  settle: (eventId: number, outcome: DeliveryOutcome) => void,
  now: () => number,
) {
  const writer = target.connector.writers[r.writer] as Writer | undefined;
  if (!writer) {
    const known = Object.keys(target.connector.writers).join(', ') || 'none';
    settle(eventId, {
      kind: 'failed',
      error: {
        code: 'config',
        message: `${target.connector.id} has no writer "${r.writer}" (writers: ${known})`,
        at: now(),
      },
    });
    return;
  }
  const options = r.options ?? {};
  const group = getOrCreate(groups, `${r.writer}\u0000${stableJson(options)}`, () => ({
    writer,
    options,
    items: [],
    byKey: new Map<string, Item>(),
  }));
  // Copies: the merged record is built in place, and each event's own record must stay as it mapped.
  const own = { ...r.record };
  if (merge && r.key !== undefined) {
    const found = group.byKey.get(r.key);
    if (found) {
      Object.assign(found.record, own); // later fields win
      found.parts.push({ eventId, record: own });
      return;
    }
    const item: Item = { record: { ...own }, parts: [{ eventId, record: own }] };
    group.byKey.set(r.key, item);
    group.items.push(item);
    return;
  }
  group.items.push({ record: own, parts: [{ eventId, record: own }] });
}

async function writeGroup(
  group: Group,
  target: DestinationTarget,
  settle: (eventId: number, outcome: DeliveryOutcome) => void,
  now: () => number,
  sending: NonNullable<DeliveryHooks['sending']>,
  flush: () => void,
) {
  const { options } = group;
  const itemOf = new Map<SyncRecord, Item>(group.items.map((item) => [item.record, item]));
  // The events a record carries: a merged record all of its parts, an event's own record (resent alone) one.
  const eventsOf = new Map<SyncRecord, number[]>();
  for (const item of group.items) {
    for (const part of item.parts) eventsOf.set(part.record, [part.eventId]);
    eventsOf.set(
      item.record,
      item.parts.map((p) => p.eventId),
    );
  }
  // Every vendor call runs inside `sending` with the events its records carry.
  const writer: Writer = {
    ...group.writer,
    write: (a) =>
      sending(
        a.records.flatMap((record) => eventsOf.get(record) ?? []),
        () => group.writer.write(a),
      ),
  };
  const merged: Array<Item> = [];
  const write = (records: SyncRecord[], onBatch?: (records: SyncRecord[], results: WriteResult[]) => void) =>
    writeInBatches({
      writer,
      records,
      options,
      settings: target.settings,
      secrets: target.secrets,
      ctx: target.ctx,
      onBatch,
    });
  const answered = new Set<Item>();
  try {
    await write(
      group.items.map((item) => item.record),
      (records, results) => {
        records.forEach((record, i) => {
          const item = itemOf.get(record);
          const result = results[i];
          if (!item || !result) return;
          answered.add(item);
          // The vendor refused what several events said together: asked again per event below.
          if (!result.ok && isDataError(result.error) && item.parts.length > 1) merged.push(item);
          else for (const part of item.parts) settle(part.eventId, resultOutcome(result, now()));
        });
        flush();
      },
    );
  } catch (error) {
    // The call failed as a whole: what it carried, and what was still to send, share its answer.
    const outcome = callOutcome(error, now());
    for (const item of group.items)
      if (!answered.has(item)) for (const part of item.parts) settle(part.eventId, outcome);
    flush();
  }
  for (const item of merged) {
    // One by one in event order, so a good update is not failed for a bad one merged into the same
    // record; the first answer to retry goes to the later parts too (none may land before it).
    for (const [i, part] of item.parts.entries()) {
      let outcome: DeliveryOutcome;
      try {
        const [own] = await write([part.record]);
        outcome = resultOutcome(own, now());
      } catch (error) {
        outcome = callOutcome(error, now());
      }
      settle(part.eventId, outcome);
      if (outcome.kind === 'retry') {
        for (const rest of item.parts.slice(i + 1)) settle(rest.eventId, outcome);
        flush();
        break;
      }
      flush();
    }
  }
}
