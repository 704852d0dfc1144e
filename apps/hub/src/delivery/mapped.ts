import {
  combineOutcomes,
  ConnectorError,
  DELIVERED,
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
export async function deliverMapped(args: {
  events: DueEvent[];
  definition: EventDestinationDefinition;
  settings: unknown;
  target: DestinationTarget;
}): Promise<Map<number, DeliveryOutcome>> {
  const { events, definition, settings, target } = args;
  const now = () => target.ctx.now();
  const map = definition.map;
  if (!map) throw new ConnectorError('config', 'The destination has neither map nor deliver');
  const outcomes = new Map<number, DeliveryOutcome>();
  const settle = (eventId: number, outcome: DeliveryOutcome) =>
    outcomes.set(eventId, combineOutcomes(outcomes.get(eventId) ?? DELIVERED, outcome));
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
    for (const r of mapped.records) addRecord(groups, target, definition.merge, id, r, settle, now);
  }

  for (const group of groups.values()) await writeGroup(group, target, settle, now);
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
) {
  const { writer, options } = group;
  const itemOf = new Map<SyncRecord, Item>(group.items.map((item) => [item.record, item]));
  const answered = new Map<Item, WriteResult>();
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
  try {
    await write(
      group.items.map((item) => item.record),
      (records, results) =>
        records.forEach((record, i) => {
          const item = itemOf.get(record);
          const result = results[i];
          if (item && result) answered.set(item, result);
        }),
    );
  } catch (error) {
    // The call failed as a whole: what it carried, and what was still to send, share its answer.
    const outcome = outcomeOf(error, now());
    for (const item of group.items)
      if (!answered.has(item)) for (const part of item.parts) settle(part.eventId, outcome);
  }
  for (const [item, result] of answered) {
    if (!result.ok && isDataError(result.error) && item.parts.length > 1) {
      // The vendor refused what several events said together: ask again per event, so a good update is
      // not failed for a bad one merged into the same record.
      for (const part of item.parts) {
        try {
          const [own] = await write([part.record]);
          settle(part.eventId, resultOutcome(own, now()));
        } catch (error) {
          settle(part.eventId, outcomeOf(error, now()));
        }
      }
      continue;
    }
    const outcome = resultOutcome(result, now());
    for (const part of item.parts) settle(part.eventId, outcome);
  }
}
