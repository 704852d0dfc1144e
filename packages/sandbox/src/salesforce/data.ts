/** Record ids, Salesforce's value formats, and the deterministic seed data of the simulated org. */
import { seededRandom } from '../common.js';
import type { FieldValue } from './soql-eval.js';

export type SalesforceRecord = Record<string, FieldValue>;

const CHECKSUM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character suffix that makes a 15-character (case-sensitive) id case-insensitively unique. */
export function toId18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let j = 0; j < 5; j++) {
      const c = id15[chunk * 5 + j]!;
      if (c >= 'A' && c <= 'Z') flags |= 1 << j;
    }
    suffix += CHECKSUM_CHARS[flags];
  }
  return id15 + suffix;
}

/** A 15- or 18-character id as its 18-character form; undefined when it is not a well-formed id. */
export function normalizeId(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(raw)) return undefined;
  const id18 = toId18(raw.slice(0, 15));
  if (raw.length === 18 && raw.slice(15).toUpperCase() !== id18.slice(15)) return undefined;
  return id18;
}

/** `prefix` (e.g. 001) + pod + a base-62 serial, in 18-character form. */
export function makeId(prefix: string, serial: number): string {
  let digits = '';
  let n = serial;
  do {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  } while (n > 0);
  return toId18(`${prefix}5g00000${digits.padStart(5, '0')}`);
}

/** Salesforce writes datetimes as `2024-05-01T20:49:32.000+0000`. */
export function formatDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function parseDatetime(value: string): number {
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

export const ORG_ID = toId18('00D5g000004SimA');
/** The user every API write is attributed to (LastModifiedById). */
export const INTEGRATION_USER_ID = makeId('005', 1);

const ADJECTIVES = [
  'Acme',
  'Blue',
  'Summit',
  'Northwind',
  'Vertex',
  'Harbor',
  'Pioneer',
  'Silver',
  'Granite',
  'Nimbus',
];
const NOUNS = [
  'Robotics',
  'Analytics',
  'Logistics',
  'Health',
  'Foods',
  'Energy',
  'Software',
  'Media',
  'Labs',
  'Capital',
];
const SUFFIXES = ['Inc', 'LLC', 'Corp', 'GmbH', 'Ltd'];
const CITIES: Array<[string, string, string]> = [
  ['San Francisco', 'CA', 'United States'],
  ['Austin', 'TX', 'United States'],
  ['New York', 'NY', 'United States'],
  ['London', 'England', 'United Kingdom'],
  ['Berlin', 'Berlin', 'Germany'],
  ['Toronto', 'ON', 'Canada'],
];
const INDUSTRIES = ['Banking', 'Education', 'Healthcare', 'Manufacturing', 'Media', 'Retail', 'Technology'];
const TIERS = ['Enterprise', 'Mid-Market', 'SMB'];
const STAGES = ['Onboarding', 'Adopting', 'Mature', 'At Risk'];

/** Accounts, contacts and users were created and last modified relative to this fixed point. */
const BASE_TIME = Date.UTC(2024, 4, 1);

function system(createdAt: number, modifiedAt: number, createdBy: string): SalesforceRecord {
  return {
    CreatedDate: formatDatetime(createdAt),
    CreatedById: createdBy,
    LastModifiedDate: formatDatetime(modifiedAt),
    LastModifiedById: createdBy,
    SystemModstamp: formatDatetime(modifiedAt),
  };
}

export interface SeedData {
  users: SalesforceRecord[];
  accounts: SalesforceRecord[];
  contacts: SalesforceRecord[];
}

/**
 * The same seed and count always give the same org: ids `001…` in creation order, every fifth account
 * without a GSID (so the fallback match has misses), every seventh a child of an earlier account, and
 * SystemModstamps strictly increasing with the index (so incremental pulls are predictable). `gsids`
 * sets account i's Gainsight_GSID__c to the i-th entry (null or past the end: none).
 */
export function seedOrg(options: {
  accounts: number;
  seed: number;
  gsids?: Array<string | null> | undefined;
}): SeedData {
  const random = seededRandom(options.seed);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const people: Array<[string, string]> = [
    ['Integration', 'User'],
    ['Dana', 'Whitfield'],
    ['Marcus', 'Osei'],
  ];
  const users = people.map(([first, last], i) => ({
    Id: makeId('005', i + 1),
    Username: `${first.toLowerCase()}.${last.toLowerCase()}@sim.example.com`,
    FirstName: first,
    LastName: last,
    Name: `${first} ${last}`,
    Email: `${first.toLowerCase()}.${last.toLowerCase()}@sim.example.com`,
    IsActive: true,
    ...system(BASE_TIME - 400 * 86_400_000, BASE_TIME - 400 * 86_400_000, makeId('005', 1)),
  }));
  const owners = users.slice(1).map((u) => u.Id);
  const accounts: SalesforceRecord[] = [];
  const contacts: SalesforceRecord[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < options.accounts; i++) {
    const id = makeId('001', i + 1);
    let name = `${pick(ADJECTIVES)} ${pick(NOUNS)} ${pick(SUFFIXES)}`;
    if (usedNames.has(name)) name = `${name} ${i + 1}`;
    usedNames.add(name);
    const slug = name
      .toLowerCase()
      .replace(/ (inc|llc|corp|gmbh|ltd)\b/, '')
      .replace(/[^a-z0-9]+/g, '');
    const [city, state, country] = pick(CITIES);
    const createdAt = BASE_TIME - (300 - i) * 3_600_000;
    const modifiedAt = BASE_TIME + i * 37 * 60_000 + Math.floor(random() * 60) * 1000;
    const ownerId = pick(owners);
    const hasUsage = random() < 0.6;
    const renewal = new Date(BASE_TIME + Math.floor(30 + random() * 330) * 86_400_000).toISOString().slice(0, 10);
    let gsid = '1P02';
    for (let k = 0; k < 32; k++) gsid += '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(random() * 36)];
    accounts.push({
      Id: id,
      IsDeleted: false,
      Name: name,
      Type: i % 6 === 5 ? 'Prospect' : 'Customer - Direct',
      ParentId: i % 7 === 6 && i > 0 ? makeId('001', Math.floor(random() * i) + 1) : null,
      BillingStreet: `${100 + Math.floor(random() * 900)} Market Street`,
      BillingCity: city,
      BillingState: state,
      BillingPostalCode: String(10000 + Math.floor(random() * 89999)),
      BillingCountry: country,
      Phone: `+1 555 01${String(i % 100).padStart(2, '0')}`,
      Website: `https://www.${slug}.example.com`,
      Industry: pick(INDUSTRIES),
      AnnualRevenue: Math.round(random() * 500) * 100_000,
      NumberOfEmployees: 10 + Math.floor(random() * 5000),
      Description: null,
      OwnerId: ownerId,
      ...system(createdAt, modifiedAt, ownerId),
      LastActivityDate: null,
      Domain__c: `${slug}.example.com`,
      Renewal_Date__c: renewal,
      // Given GSIDs (a Gainsight simulator's company Gsids) replace the generated ones, which are still drawn.
      Gainsight_GSID__c: options.gsids ? (options.gsids[i] ?? null) : i % 5 === 4 ? null : gsid,
      Health_Score__c: Math.round(random() * 10_000) / 100,
      Customer_Tier__c: pick(TIERS),
      Gainsight_Stage__c: pick(STAGES),
      CSM_Notes__c: null,
      Pendo_numberofvisitors_last30d__c: hasUsage ? 1 + Math.floor(random() * 400) : null,
      Pendo_numberofvisitors_last7d__c: null,
      Pendo_timeonsite_last30d__c: hasUsage ? Math.round(random() * 50_000) / 100 : null,
      Pendo_lastvisit_last30d__c: hasUsage ? formatDatetime(BASE_TIME - Math.floor(random() * 30 * 86_400_000)) : null,
      Pendo_featureclicks_last30d__c: null,
      Pendo_nps_score__c: null,
    });
    const first = pick(['Alex', 'Sam', 'Priya', 'Jordan', 'Mei', 'Omar', 'Lena', 'Tomas']);
    const last = pick(['Nguyen', 'Smith', 'Garcia', 'Kowalski', 'Haddad', 'Okafor', 'Lindqvist']);
    contacts.push({
      Id: makeId('003', i + 1),
      IsDeleted: false,
      AccountId: id,
      FirstName: first,
      LastName: last,
      Name: `${first} ${last}`,
      Email: `${first.toLowerCase()}.${last.toLowerCase()}@${slug}.example.com`,
      Phone: null,
      Title: pick(['VP Operations', 'Head of CS', 'IT Director', 'Product Manager']),
      OwnerId: ownerId,
      ...system(createdAt, modifiedAt, ownerId),
    });
  }
  return { users, accounts, contacts };
}
