import {
  combineOutcomes,
  DELIVERED,
  type DeliveryHooks,
  type DeliveryOutcome,
  type DestinationTarget,
  type DueEvent,
  isDataOutcome,
  type KnownUsers,
  outcomeOf,
  type SyncRecord,
  type WriteResult,
  type WriterDefinition,
} from '@synchub/core';
import type { GainsightSecrets, GainsightSettings } from '../settings.js';
import { contextEmailOf, type GainsightMapping, type KnownUser, type MappedCall } from './mapping.js';

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
  delete(name: string) {
    this.map.delete(name);
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

/** What one event said about an entity, kept apart from the merged record so it can be sent alone. */
interface Part {
  eventId: number;
  record: SyncRecord;
}

interface CompanyWork {
  /** The window's updates merged in event order (later fields win). */
  fields: SyncRecord;
  parts: Part[];
}

interface PersonWork {
  fields: SyncRecord;
  /** In event order: identify parts carry person fields, group parts name the company to link. */
  parts: Array<Part & { company?: string }>;
  companies: Set<string>;
}

/**
 * Deliver one window of events to Gainsight with as few calls as the vendor allows:
 * identify/group for the same person or company are merged (last write wins per field), companies are
 * looked up in one query per 500 names and written 50 per call, each person is upserted once with all
 * their company associations, and each track is one publish.
 *
 * A merged call the vendor refuses for a reason in the data is sent again as each event's own update,
 * one by one in event order, so only the events that carried the bad data fail, each with the vendor's
 * own answer. Sending one by one stops at the first call that must be retried: the later updates of
 * that entity are retried with it, never landing before it.
 *
 * Each identify's and track's fate is reported through `hooks.onOutcome` as soon as its call is answered,
 * the group events' in the returned map (see below); every call runs inside `hooks.sending` with the
 * events it carries. A group call without context.traits.email takes the email the host knows for its
 * user (`hooks.users`: the user's latest identify in the same source).
 */
export async function deliverToGainsight(
  events: DueEvent[],
  mapping: GainsightMapping,
  target: GainsightTarget,
  cache: CompanyCache,
  hooks: DeliveryHooks & { users?: KnownUsers | undefined } = {},
): Promise<Map<number, DeliveryOutcome>> {
  const now = () => target.ctx.now();
  const outcomes = new Map<number, DeliveryOutcome>();
  const report = (ids: number[], outcome: DeliveryOutcome) => {
    if (ids.length === 0) return;
    for (const id of ids) outcomes.set(id, outcome);
    hooks.onOutcome?.(ids, outcome);
  };
  const io: Io = {
    target,
    send: hooks.sending ?? ((_ids, call) => call()),
  };
  const persons = new Map<string, PersonWork>();
  const companies = new Map<string, CompanyWork>();
  const tracks: Array<{ id: number; call: Extract<MappedCall, { kind: 'track' }> }> = [];

  const personFor = (email: string) =>
    getOrCreate(persons, email.toLowerCase(), () => ({
      fields: { Email: email },
      parts: [],
      companies: new Set<string>(),
    }));

  const known = await knownUsersOf(events, hooks.users);
  for (const { id, message } of events) {
    const call = mapping.map(message, known.get(id));
    switch (call.kind) {
      case 'error':
        outcomes.set(id, { kind: 'failed', error: { code: call.code, message: call.message, at: now() } });
        break;
      case 'person': {
        const p = personFor(call.email);
        Object.assign(p.fields, call.person);
        p.parts.push({ eventId: id, record: { ...call.person } });
        break;
      }
      case 'group': {
        const c = getOrCreate(companies, call.companyName, () => ({ fields: {}, parts: [] as Part[] }));
        Object.assign(c.fields, call.company);
        c.parts.push({ eventId: id, record: { ...call.company } });
        const p = personFor(call.email);
        p.companies.add(call.companyName);
        p.parts.push({ eventId: id, record: { Email: call.email }, company: call.companyName });
        break;
      }
      case 'track':
        tracks.push({ id, call });
        break;
    }
  }

  // Each group event's company write, by event id (its own answer when the merged write was refused).
  const companyOf = new Map<number, DeliveryOutcome>();
  const groupFates = new Map<DeliveryOutcome, number[]>();
  const groupFate = (eventId: number, fate: DeliveryOutcome) => getOrCreate(groupFates, fate, () => []).push(eventId);
  if (companies.size > 0) await writeCompanies(companies, io, cache, companyOf);

  // One upsert per person, carrying every company they were grouped with in this window.
  const personWriter = target.connector.writers.person_upsert as Writer | undefined;
  for (const p of persons.values()) {
    // A person is linked to a company for the group events whose own company write landed: a group the
    // vendor refused links no one (as RudderStack's would), even when another group of it was written.
    const linked = [...p.companies].filter(
      (name) =>
        cache.get(name) !== undefined &&
        p.parts.some((part) => part.company === name && companyOf.get(part.eventId)?.kind === 'delivered'),
    );
    const fateOf = (part: PersonWork['parts'][number], person: DeliveryOutcome) =>
      part.company === undefined ? person : combineOutcomes(companyOf.get(part.eventId) ?? DELIVERED, person);
    const onlyGroups = p.parts.every((part) => part.company !== undefined);
    if (onlyGroups && linked.length === 0) {
      // Nothing to associate: the group events carry their company's fate.
      for (const part of p.parts) groupFate(part.eventId, companyOf.get(part.eventId) ?? DELIVERED);
      continue;
    }
    const record: SyncRecord = { ...p.fields };
    if (linked.length > 0) record.companies = linked.map((n) => ({ Company_ID: cache.get(n) }));
    const ids = p.parts.map((part) => part.eventId);
    const { outcome } = await writeOne(io, personWriter, record, {}, ids);
    if (isDataOutcome(outcome) && p.parts.length > 1) {
      await resendPersonParts(io, personWriter, p, cache, companyOf, report, groupFate);
      continue;
    }
    const byFate = new Map<DeliveryOutcome, number[]>();
    for (const part of p.parts) {
      if (part.company === undefined) getOrCreate(byFate, outcome, () => []).push(part.eventId);
      else groupFate(part.eventId, fateOf(part, outcome));
    }
    for (const [fate, eventIds] of byFate) report(eventIds, fate);
  }
  // Group events are answered in the returned map, all at once: one whose company write landed but whose
  // person write is to be retried makes the host retry the newer groups of that company with it (its retry
  // re-sends older company fields), which it can do only for fates it has not recorded yet.
  for (const [fate, eventIds] of groupFates) for (const id of eventIds) outcomes.set(id, fate);

  const publisher = target.connector.writers.event_publish as Writer | undefined;
  for (const { id, call } of tracks) {
    const { outcome } = await writeOne(
      io,
      publisher,
      call.body,
      {
        eventName: call.eventName,
        eventVersion: call.version,
        topicName: target.topicName,
        tenantId: target.settings.tenantId,
        ...(call.contractId ? { contractId: call.contractId } : {}),
      },
      [id],
    );
    report([id], outcome);
  }
  return outcomes;
}

/**
 * What the host knows about the users of the group events that name no email themselves, by event id:
 * one look-up per source and userId. A look-up that fails leaves the event to fail with the reason.
 */
async function knownUsersOf(events: DueEvent[], users: KnownUsers | undefined): Promise<Map<number, KnownUser>> {
  const known = new Map<number, KnownUser>();
  if (!users) return known;
  const emails = new Map<string, Promise<string | undefined>>();
  for (const { id, message, sourceId } of events) {
    if (message.type !== 'group' || sourceId === undefined || typeof message.userId !== 'string') continue;
    if (contextEmailOf(message) !== undefined) continue;
    const userId = message.userId;
    const email = await getOrCreate(emails, `${sourceId}\n${userId}`, () =>
      users.email(sourceId, userId).catch(() => undefined),
    );
    if (email !== undefined) known.set(id, { email });
  }
  return known;
}

interface Io {
  target: GainsightTarget;
  send: <T>(eventIds: number[], call: () => Promise<T>) => Promise<T>;
}

/**
 * A person write the vendor refused for its data, sent again per event in event order: an identify with
 * its own fields, a group with only the association (when its company landed). The first answer that
 * must be retried is given to the rest too, so none of this person's later updates lands before it.
 */
async function resendPersonParts(
  io: Io,
  writer: Writer | undefined,
  p: PersonWork,
  cache: CompanyCache,
  companyOf: Map<number, DeliveryOutcome>,
  report: (ids: number[], outcome: DeliveryOutcome) => void,
  groupFate: (eventId: number, fate: DeliveryOutcome) => void,
) {
  const email = p.fields.Email;
  const tell = (part: PersonWork['parts'][number], fate: DeliveryOutcome) =>
    part.company === undefined ? report([part.eventId], fate) : groupFate(part.eventId, fate);
  for (const [i, part] of p.parts.entries()) {
    let outcome: DeliveryOutcome;
    if (part.company === undefined) {
      outcome = (await writeOne(io, writer, part.record, {}, [part.eventId])).outcome;
    } else {
      const company = companyOf.get(part.eventId) ?? DELIVERED;
      const gsid = cache.get(part.company);
      if (company.kind !== 'delivered' || gsid === undefined) {
        tell(part, company);
        continue;
      }
      const record = { Email: email, companies: [{ Company_ID: gsid }] };
      outcome = (await writeOne(io, writer, record, {}, [part.eventId])).outcome;
    }
    tell(part, outcome);
    if (outcome.kind === 'retry') {
      for (const rest of p.parts.slice(i + 1)) {
        const company = rest.company === undefined ? DELIVERED : (companyOf.get(rest.eventId) ?? DELIVERED);
        tell(rest, combineOutcomes(company, outcome));
      }
      return;
    }
  }
}

/** One record through one writer, inside `send`; never throws (the error becomes the outcome). */
async function writeOne(
  io: Io,
  writer: Writer | undefined,
  record: SyncRecord,
  options: Record<string, unknown>,
  eventIds: number[],
): Promise<{ outcome: DeliveryOutcome; id?: string | undefined }> {
  const { target } = io;
  if (!writer)
    return {
      outcome: {
        kind: 'failed',
        error: { code: 'config', message: 'The Gainsight connector has no such writer', at: target.ctx.now() },
      },
    };
  try {
    const [result] = await io.send(eventIds, () =>
      writer.write({ settings: target.settings, secrets: target.secrets, ctx: target.ctx, records: [record], options }),
    );
    return { outcome: resultOutcome(result, target.ctx.now()), id: result?.ok ? result.id : undefined };
  } catch (error) {
    return { outcome: outcomeOf(error, target.ctx.now()) };
  }
}

function resultOutcome(result: WriteResult | undefined, now: number): DeliveryOutcome {
  if (!result)
    return { kind: 'failed', error: { code: 'unexpected', message: 'The vendor answered without a result', at: now } };
  return result.ok ? DELIVERED : outcomeOf(result.error, now);
}

async function writeCompanies(
  companies: Map<string, CompanyWork>,
  io: Io,
  cache: CompanyCache,
  companyOf: Map<number, DeliveryOutcome>,
) {
  const { target } = io;
  const settle = (name: string, outcome: DeliveryOutcome) => {
    for (const part of companies.get(name)?.parts ?? []) companyOf.set(part.eventId, outcome);
  };
  const settled = (name: string) => companies.get(name)?.parts.every((part) => companyOf.has(part.eventId)) ?? true;
  const names = [...companies.keys()];
  const unknown = names.filter((n) => !cache.get(n));
  try {
    for (let i = 0; i < unknown.length; i += LOOKUP_CHUNK)
      await lookup(unknown.slice(i, i + LOOKUP_CHUNK), target, cache);
  } catch (error) {
    for (const n of unknown) settle(n, outcomeOf(error, target.ctx.now()));
  }
  const toInsert = unknown.filter((n) => !settled(n) && !cache.get(n));
  // Existing companies need a write only when the call carried more than the name.
  const toUpdate = names.filter(
    (n) => !settled(n) && !toInsert.includes(n) && Object.keys(companies.get(n)?.fields ?? {}).length > 1,
  );
  for (const n of names) if (!settled(n) && !toInsert.includes(n) && !toUpdate.includes(n)) settle(n, DELIVERED);

  const insert = target.connector.writers.company_insert as Writer | undefined;
  const update = target.connector.writers.company_update as Writer | undefined;
  const answers = new Map<string, DeliveryOutcome>();
  await writeBatches(io, insert, toInsert, companies, {}, answers, (name, id) => id && cache.set(name, id));
  await writeBatches(io, update, toUpdate, companies, { keys: ['Name'] }, answers, () => {});
  for (const [name, outcome] of answers) {
    const parts = companies.get(name)?.parts ?? [];
    if (isDataOutcome(outcome) && parts.length > 1) await resendCompanyParts(io, name, parts, cache, companyOf);
    else settle(name, outcome);
  }
}

/**
 * A merged company write the vendor refused for its data, sent again as each group event's own fields,
 * in event order: an insert while the company does not exist yet, an update once it does. The first
 * answer that must be retried is given to the rest too, so no later update lands before it.
 */
async function resendCompanyParts(
  io: Io,
  name: string,
  parts: Part[],
  cache: CompanyCache,
  companyOf: Map<number, DeliveryOutcome>,
) {
  const insert = io.target.connector.writers.company_insert as Writer | undefined;
  const update = io.target.connector.writers.company_update as Writer | undefined;
  for (const [i, part] of parts.entries()) {
    const record = { ...part.record, Name: name };
    let outcome: DeliveryOutcome;
    if (cache.get(name) === undefined) {
      const answer = await writeOne(io, insert, record, {}, [part.eventId]);
      if (answer.outcome.kind === 'delivered' && answer.id) cache.set(name, answer.id);
      outcome = answer.outcome;
    } else if (Object.keys(record).length > 1) {
      outcome = (await writeOne(io, update, record, { keys: ['Name'] }, [part.eventId])).outcome;
    } else {
      outcome = DELIVERED;
    }
    companyOf.set(part.eventId, outcome);
    if (outcome.kind === 'retry') {
      for (const rest of parts.slice(i + 1)) companyOf.set(rest.eventId, outcome);
      return;
    }
  }
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
 * costs a few extra calls instead of taking 49 good ones down with it. A call that fails as a whole
 * (5xx, 429) gives its answer to the rest of the batches too: a vendor that is down is not called once
 * per batch, and no later write of these companies lands before the retried one.
 */
async function writeBatches(
  io: Io,
  writer: Writer | undefined,
  names: string[],
  companies: Map<string, CompanyWork>,
  options: Record<string, unknown>,
  outcome: Map<string, DeliveryOutcome>,
  onOk: (name: string, id: string | undefined) => void,
) {
  const { target } = io;
  if (names.length === 0) return;
  if (!writer) {
    for (const n of names)
      outcome.set(n, {
        kind: 'failed',
        error: { code: 'config', message: 'Gainsight connector lacks a company writer', at: target.ctx.now() },
      });
    return;
  }
  let down: DeliveryOutcome | undefined;
  const eventsOf = (chunk: string[]) => chunk.flatMap((n) => companies.get(n)?.parts.map((p) => p.eventId) ?? []);
  const send = async (chunk: string[]): Promise<void> => {
    if (down) {
      for (const n of chunk) outcome.set(n, down);
      return;
    }
    let results: WriteResult[];
    try {
      results = await io.send(eventsOf(chunk), () =>
        writer.write({
          settings: target.settings,
          secrets: target.secrets,
          ctx: target.ctx,
          records: chunk.map((n) => companies.get(n)?.fields ?? { Name: n }),
          options,
        }),
      );
    } catch (error) {
      const failure = outcomeOf(error, target.ctx.now());
      if (failure.kind === 'retry') down = failure;
      for (const n of chunk) outcome.set(n, failure);
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
