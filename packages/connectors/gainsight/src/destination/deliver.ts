import {
  combineOutcomes,
  DELIVERED,
  type DeliveryOutcome,
  type DestinationTarget,
  type DueEvent,
  outcomeOf,
  type SyncRecord,
  type WriteResult,
  type WriterDefinition,
} from '@synchub/core';
import type { GainsightSecrets, GainsightSettings } from '../settings.js';
import type { GainsightMapping, MappedCall } from './mapping.js';

export type GainsightTarget = DestinationTarget<GainsightSettings, GainsightSecrets> & {
  topicName: string | undefined;
};

type Writer = WriterDefinition<GainsightSettings, GainsightSecrets>;

/** Company Name → Gsid, shared across windows of one destination (bounded). */
export class CompanyCache {
  private readonly map = new Map<string, string>();
  constructor(private readonly max = 50_000) {}
  get(name: string) {
    return this.map.get(name);
  }
  set(name: string, gsid: string) {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(name, gsid);
  }
}

const COMPANY_CACHE = 'companies';

/** The destination's company cache, kept in the memory the host holds per destination. */
export function companyCacheOf(state: Map<string, unknown>): CompanyCache {
  const found = state.get(COMPANY_CACHE);
  if (found instanceof CompanyCache) return found;
  const cache = new CompanyCache();
  state.set(COMPANY_CACHE, cache);
  return cache;
}

const LOOKUP_CHUNK = 500;

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/**
 * Deliver one window of events to Gainsight with as few calls as the vendor allows:
 * identify/group for the same person or company are merged (last write wins per field), companies are
 * looked up in one query per 500 names and written 50 per call, each person is upserted once with all
 * their company associations, and each track is one publish.
 */
export async function deliverToGainsight(
  events: DueEvent[],
  mapping: GainsightMapping,
  target: GainsightTarget,
  cache: CompanyCache,
): Promise<Map<number, DeliveryOutcome>> {
  const now = () => target.ctx.now();
  const outcomes = new Map<number, DeliveryOutcome>();
  const persons = new Map<string, { fields: SyncRecord; companies: Set<string>; events: number[] }>();
  const companies = new Map<string, { fields: SyncRecord; events: number[] }>();
  const tracks: Array<{ id: number; call: Extract<MappedCall, { kind: 'track' }> }> = [];
  const groupOf = new Map<number, { name: string; email: string }>();

  const personFor = (email: string) => {
    return getOrCreate(persons, email.toLowerCase(), () => ({
      fields: { Email: email },
      companies: new Set<string>(),
      events: [],
    }));
  };

  for (const { id, message } of events) {
    const call = mapping.map(message);
    switch (call.kind) {
      case 'error':
        outcomes.set(id, { kind: 'failed', error: { code: call.code, message: call.message, at: now() } });
        break;
      case 'person': {
        const p = personFor(call.email);
        Object.assign(p.fields, call.person);
        p.events.push(id);
        break;
      }
      case 'group': {
        const c = getOrCreate(companies, call.companyName, () => ({ fields: {}, events: [] as number[] }));
        Object.assign(c.fields, call.company);
        c.events.push(id);
        const p = personFor(call.email);
        p.companies.add(call.companyName);
        p.events.push(id);
        groupOf.set(id, { name: call.companyName, email: call.email });
        break;
      }
      case 'track':
        tracks.push({ id, call });
        break;
    }
  }

  const companyOutcome = new Map<string, DeliveryOutcome>();
  if (companies.size > 0) await writeCompanies(companies, target, cache, companyOutcome);

  // One upsert per person, carrying every company they were grouped with in this window.
  const personOutcome = new Map<string, DeliveryOutcome>();
  const personWriter = target.connector.writers.person_upsert as Writer | undefined;
  for (const [key, p] of persons) {
    const ok = [...p.companies].filter((n) => companyOutcome.get(n)?.kind === 'delivered' && cache.get(n));
    const onlyGroups = p.events.every((id) => groupOf.has(id));
    if (onlyGroups && ok.length === 0) continue; // nothing to associate: the group events carry the company's fate
    const record: SyncRecord = { ...p.fields };
    if (ok.length > 0) record.companies = ok.map((n) => ({ Company_ID: cache.get(n) }));
    personOutcome.set(key, await writeOne(personWriter, record, {}, target));
  }

  for (const { id, call } of tracks) {
    const outcome = await writeOne(
      target.connector.writers.event_publish as Writer | undefined,
      call.body,
      {
        eventName: call.eventName,
        eventVersion: call.version,
        topicName: target.topicName,
        tenantId: target.settings.tenantId,
        ...(call.contractId ? { contractId: call.contractId } : {}),
      },
      target,
    );
    outcomes.set(id, outcome);
  }

  for (const [key, p] of persons) {
    for (const id of p.events) {
      if (outcomes.has(id)) continue;
      const group = groupOf.get(id);
      const person = personOutcome.get(key) ?? DELIVERED;
      outcomes.set(id, group ? combineOutcomes(companyOutcome.get(group.name) ?? DELIVERED, person) : person);
    }
  }
  return outcomes;
}

async function writeOne(
  writer: Writer | undefined,
  record: SyncRecord,
  options: Record<string, unknown>,
  target: GainsightTarget,
): Promise<DeliveryOutcome> {
  if (!writer)
    return {
      kind: 'failed',
      error: { code: 'config', message: 'The Gainsight connector has no such writer', at: target.ctx.now() },
    };
  try {
    const [result] = await writer.write({
      settings: target.settings,
      secrets: target.secrets,
      ctx: target.ctx,
      records: [record],
      options,
    });
    return resultOutcome(result, target.ctx.now());
  } catch (error) {
    return outcomeOf(error, target.ctx.now());
  }
}

function resultOutcome(result: WriteResult | undefined, now: number): DeliveryOutcome {
  if (!result)
    return { kind: 'failed', error: { code: 'unexpected', message: 'The vendor answered without a result', at: now } };
  return result.ok ? DELIVERED : outcomeOf(result.error, now);
}

async function writeCompanies(
  companies: Map<string, { fields: SyncRecord }>,
  target: GainsightTarget,
  cache: CompanyCache,
  outcome: Map<string, DeliveryOutcome>,
) {
  const names = [...companies.keys()];
  const unknown = names.filter((n) => !cache.get(n));
  try {
    for (let i = 0; i < unknown.length; i += LOOKUP_CHUNK)
      await lookup(unknown.slice(i, i + LOOKUP_CHUNK), target, cache);
  } catch (error) {
    for (const n of unknown) outcome.set(n, outcomeOf(error, target.ctx.now()));
  }
  const toInsert = unknown.filter((n) => !outcome.has(n) && !cache.get(n));
  // Existing companies need a write only when the call carried more than the name.
  const toUpdate = names.filter(
    (n) => !outcome.has(n) && !toInsert.includes(n) && Object.keys(companies.get(n)?.fields ?? {}).length > 1,
  );
  for (const n of names)
    if (!outcome.has(n) && !toInsert.includes(n) && !toUpdate.includes(n)) outcome.set(n, DELIVERED);

  const insert = target.connector.writers.company_insert as Writer | undefined;
  const update = target.connector.writers.company_update as Writer | undefined;
  await writeBatches(insert, toInsert, companies, {}, target, outcome, (name, id) => id && cache.set(name, id));
  await writeBatches(update, toUpdate, companies, { keys: ['Name'] }, target, outcome, () => {});
}

async function lookup(names: string[], target: GainsightTarget, cache: CompanyCache) {
  const stream = target.connector.streams.records;
  if (!stream) throw new Error('The Gainsight connector has no records stream');
  const pages = stream.read({
    settings: target.settings,
    secrets: target.secrets,
    ctx: target.ctx,
    cursor: null,
    options: {
      object: 'Company',
      select: ['Gsid', 'Name'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: names, operator: 'IN' }], expression: 'A' },
    },
  });
  for await (const page of pages) {
    for (const r of page.records)
      if (typeof r.Name === 'string' && typeof r.Gsid === 'string') cache.set(r.Name, r.Gsid);
  }
}

/**
 * Batches of the writer's size. Gainsight fails a whole Company call when one record is invalid, so a
 * batch that fails as invalid is split in halves until the bad records are isolated: one bad company
 * costs a few extra calls instead of taking 49 good ones down with it.
 */
async function writeBatches(
  writer: Writer | undefined,
  names: string[],
  companies: Map<string, { fields: SyncRecord }>,
  options: Record<string, unknown>,
  target: GainsightTarget,
  outcome: Map<string, DeliveryOutcome>,
  onOk: (name: string, id: string | undefined) => void,
) {
  if (names.length === 0) return;
  if (!writer) {
    for (const n of names)
      outcome.set(n, {
        kind: 'failed',
        error: { code: 'config', message: 'Gainsight connector lacks a company writer', at: target.ctx.now() },
      });
    return;
  }
  const send = async (chunk: string[]): Promise<void> => {
    let results: WriteResult[];
    try {
      results = await writer.write({
        settings: target.settings,
        secrets: target.secrets,
        ctx: target.ctx,
        records: chunk.map((n) => companies.get(n)?.fields ?? { Name: n }),
        options,
      });
    } catch (error) {
      for (const n of chunk) outcome.set(n, outcomeOf(error, target.ctx.now()));
      return;
    }
    const allFailed = results.every((r) => !r.ok);
    if (allFailed && chunk.length > 1 && results.some((r) => !r.ok && r.error.code === 'invalid_request')) {
      const half = Math.ceil(chunk.length / 2);
      await send(chunk.slice(0, half));
      await send(chunk.slice(half));
      return;
    }
    chunk.forEach((n, i) => {
      const r = results[i];
      if (r?.ok) onOk(n, r.id);
      outcome.set(n, resultOutcome(r, target.ctx.now()));
    });
  };
  for (let i = 0; i < names.length; i += writer.batchSize) await send(names.slice(i, i + writer.batchSize));
}
