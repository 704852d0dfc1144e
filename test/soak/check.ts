import type { GainsightRow } from '@synchub/sandbox';

/** A tracking-spec message as the harness sent it. */
export interface SentMessage {
  type: string;
  messageId: string;
  traits?: Record<string, unknown>;
  context?: { traits?: Record<string, unknown> };
  properties?: Record<string, unknown>;
}

/** An event as the hub stored it (read back through its API or its database). */
export interface StoredEvent {
  id: number;
  messageId: string;
  state: string;
  /** Sends of it that got no answer, as the hub counted them (its possible duplicates). */
  unansweredSends: number;
}

export interface VendorView {
  rows(object: 'person' | 'company' | 'company_person'): GainsightRow[];
  /** Published track bodies. */
  tracks: Array<Record<string, unknown>>;
}

export interface CheckOptions {
  /** Every message the harness sent, acknowledged or not (a request cut off may still have been stored). */
  sent: Map<string, SentMessage>;
  acked: Set<string>;
  stored: StoredEvent[];
  vendor: VendorView;
  /** identify trait → Person field, group trait → Company field: the values checked per entity. */
  personFields: Array<[string, string]>;
  companyFields: Array<[string, string]>;
  /** The track property unique to each track. */
  trackKey: string;
}

export interface CheckResult {
  problems: string[];
  counts: Record<string, number>;
}

const same = (a: unknown, b: unknown) => a !== undefined && a !== null && String(a) === String(b);

/**
 * What the delivery guarantee promises, checked at the vendor for each message: every acknowledged
 * message stored and delivered; every track published (by its unique property), more than once only
 * as often as the hub counted sends without an answer on it; every person and company holding the
 * value of its last update (in the order the hub stored them); every group's association present; no
 * person or company twice.
 */
export function checkAtVendor(o: CheckOptions): CheckResult {
  const problems: string[] = [];
  const storedById = new Map(o.stored.map((e) => [e.messageId, e]));
  for (const id of o.acked) if (!storedById.has(id)) problems.push(`acknowledged message ${id} was not stored`);
  for (const e of o.stored)
    if (e.state !== 'delivered') problems.push(`event ${e.id} (${e.messageId}) ended ${e.state}, not delivered`);

  // The stored messages in the hub's order: the order updates of one entity must land in.
  const ordered = [...o.stored]
    .sort((a, b) => a.id - b.id)
    .flatMap((e) => {
      const m = o.sent.get(e.messageId);
      return m ? [{ event: e, message: m }] : [];
    });
  if (ordered.length !== o.stored.length) problems.push('the hub holds messages the harness never sent');

  // Tracks: each arrived, duplicates only where the hub counted a send without an answer.
  const arrivals = new Map<string, number>();
  for (const body of o.vendor.tracks) {
    const key = String(body[o.trackKey]);
    arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
  }
  let tracks = 0;
  let duplicates = 0;
  const expectedTracks = new Set<string>();
  for (const { event, message } of ordered) {
    if (message.type !== 'track') continue;
    tracks += 1;
    const key = String(message.properties?.[o.trackKey]);
    expectedTracks.add(key);
    const n = arrivals.get(key) ?? 0;
    if (n === 0) problems.push(`track ${o.trackKey}=${key} (event ${event.id}) never reached the vendor`);
    if (n > 1) duplicates += n - 1;
    if (n - 1 > event.unansweredSends)
      problems.push(
        `track ${o.trackKey}=${key} arrived ${n} times but the hub counted ${event.unansweredSends} unanswered send(s)`,
      );
  }
  for (const key of arrivals.keys())
    if (!expectedTracks.has(key)) problems.push(`a track ${o.trackKey}=${key} arrived that the hub never stored`);

  // People and companies: the value of the last stored update of each field.
  const lastPerson = new Map<string, Map<string, unknown>>();
  const lastCompany = new Map<string, Map<string, unknown>>();
  const links = new Set<string>();
  for (const { message } of ordered) {
    const traits = message.traits ?? {};
    if (message.type === 'identify') {
      const email = String(traits.email).toLowerCase();
      const fields = lastPerson.get(email) ?? new Map<string, unknown>();
      lastPerson.set(email, fields);
      for (const [trait, field] of o.personFields) if (trait in traits) fields.set(field, traits[trait]);
    } else if (message.type === 'group') {
      const name = String(traits.name);
      const fields = lastCompany.get(name) ?? new Map<string, unknown>();
      lastCompany.set(name, fields);
      for (const [trait, field] of o.companyFields) if (trait in traits) fields.set(field, traits[trait]);
      links.add(`${String(message.context?.traits?.email).toLowerCase()}|${name}`);
    }
  }
  const people = o.vendor.rows('person');
  const companies = o.vendor.rows('company');
  const personByEmail = new Map(people.map((p) => [String(p.Email).toLowerCase(), p]));
  const companyByName = new Map(companies.map((c) => [String(c.Name), c]));
  if (personByEmail.size !== people.length) problems.push('a person exists twice at the vendor');
  if (companyByName.size !== companies.length) problems.push('a company exists twice at the vendor');
  for (const [email, fields] of lastPerson) {
    const row = personByEmail.get(email);
    if (!row) {
      problems.push(`person ${email} is missing at the vendor`);
      continue;
    }
    for (const [field, value] of fields)
      if (!same(row[field], value))
        problems.push(
          `person ${email}: ${field} is ${JSON.stringify(row[field])}, last update said ${JSON.stringify(value)}`,
        );
  }
  for (const [name, fields] of lastCompany) {
    const row = companyByName.get(name);
    if (!row) {
      problems.push(`company ${name} is missing at the vendor`);
      continue;
    }
    for (const [field, value] of fields)
      if (!same(row[field], value))
        problems.push(
          `company ${name}: ${field} is ${JSON.stringify(row[field])}, last update said ${JSON.stringify(value)}`,
        );
  }
  const linked = new Set(o.vendor.rows('company_person').map((l) => `${l.Person_ID}|${l.Company_ID}`));
  for (const link of links) {
    const [email, name] = link.split('|') as [string, string];
    const person = personByEmail.get(email)?.Gsid;
    const company = companyByName.get(name)?.Gsid;
    if (!person || !company || !linked.has(`${person}|${company}`))
      problems.push(`${email} is not associated with ${name} at the vendor`);
  }
  return {
    problems,
    counts: {
      stored: o.stored.length,
      acknowledged: o.acked.size,
      tracks,
      'track duplicates': duplicates,
      'unanswered sends counted': o.stored.reduce((n, e) => n + e.unansweredSends, 0),
      people: lastPerson.size,
      companies: lastCompany.size,
      associations: links.size,
    },
  };
}

/** The first problems, then how many more: a failing checker's report stays readable. */
export function summarise(problems: string[], max = 8): string {
  if (problems.length === 0) return 'none';
  const more = problems.length > max ? `\n    … and ${problems.length - max} more` : '';
  return `${problems.length}\n${problems
    .slice(0, max)
    .map((p) => `    - ${p}`)
    .join('\n')}${more}`;
}
