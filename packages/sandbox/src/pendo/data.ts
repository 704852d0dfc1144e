/**
 * Deterministic Pendo data, computed from (seed, index, day) on demand: nothing is stored per
 * account or per event, so a million accounts cost no memory until a pipeline reads them.
 */
export const DAY_MS = 86_400_000;

export type PendoFieldType = 'string' | 'boolean' | 'integer' | 'float' | 'time' | 'list';
export type PendoFieldGroup = 'auto' | 'agent' | 'custom' | 'salesforce';

/** One field as `GET /api/v1/metadata/schema/account` describes it. */
export interface PendoFieldSchema {
  Type: PendoFieldType;
  DisplayName: string;
  ElementType: string;
  ElementFormat: string;
  Dirty: boolean;
  isHidden: boolean;
  isDeleted: boolean;
  isCalculated: boolean;
  isPerApp: boolean;
  neverIndex: boolean;
}

export type PendoSchema = Record<PendoFieldGroup, Record<string, PendoFieldSchema>>;

export interface PendoDataOptions {
  seed: number;
  /** Number of generated accounts (ignored when `accountIds` is given). */
  accounts: number;
  /** Explicit account ids (e.g. to line up with a Salesforce simulator's Account field). */
  accountIds?: string[] | undefined;
  /** Mean identified visitors per account. */
  visitorsPerAccount: number;
  /** Anonymous visitors per day (no account; dropped by `identified`). */
  anonymousPerDay: number;
  features: number;
  pages: number;
  /** Days of event history before "now". */
  historyDays: number;
  /** Integer custom fields of every third account come back as strings (a quirk users report). */
  integerStrings: boolean;
}

export interface EventRow {
  accountId: string | null;
  visitorId: string;
  appId: number;
  day: number;
  numEvents: number;
  numMinutes: number;
  featureId?: string;
  pageId?: string;
  /** pollEvents rows: the poll, its guide and the answer (0–10 for an NPS poll). */
  pollId?: string;
  guideId?: string;
  pollResponse?: number;
}

export type EventSource = 'events' | 'featureEvents' | 'pageEvents' | 'pollEvents';

/** 32-bit mix of integers (murmur3 finaliser over a running hash). */
function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

const unit = (...values: number[]) => mix(...values) / 4294967296;

const ADJECTIVES = ['Blue', 'Bright', 'North', 'Silver', 'Rapid', 'Green', 'Summit', 'Clear', 'Prime', 'Urban'];
const NOUNS = ['Harbor', 'Logic', 'Peak', 'Forge', 'Wave', 'Field', 'Stone', 'Bridge', 'Spark', 'Grove'];
const SUFFIXES = ['Inc', 'Labs', 'Group', 'Systems', 'Co'];
const TIERS = ['Bronze', 'Silver', 'Gold', 'Platinum'];
const CSMS = ['Ana Ruiz', 'Ben Okafor', 'Chloe Martin', 'Dev Patel'];
const INDUSTRIES = ['Software', 'Retail', 'Healthcare', 'Finance', 'Manufacturing'];
const FEATURE_NAMES = ['Export CSV', 'Create Report', 'Invite User', 'Dashboard Filter', 'Share Link', 'Bulk Edit'];
const PAGE_NAMES = ['Home', 'Reports', 'Settings', 'Billing', 'Integrations', 'Users'];

function field(Type: PendoFieldType, DisplayName: string): PendoFieldSchema {
  return {
    Type,
    DisplayName,
    ElementType: Type === 'list' ? 'string' : '',
    ElementFormat: '',
    Dirty: false,
    isHidden: false,
    isDeleted: false,
    isCalculated: false,
    isPerApp: false,
    neverIndex: false,
  };
}

/** The account schema a fresh subscription has, plus the custom fields the demo writes to. */
export function defaultAccountSchema(): PendoSchema {
  return {
    auto: {
      firstvisit: field('time', 'First Visit'),
      lastvisit: field('time', 'Last Visit'),
      lastupdated: field('time', 'Last Updated'),
      idhash: field('integer', 'ID Hash'),
    },
    agent: { name: field('string', 'Name'), planlevel: field('string', 'Plan Level') },
    custom: {
      healthscore: field('integer', 'Health Score'),
      renewaldate: field('time', 'Renewal Date'),
      csm: field('string', 'CSM'),
      tier: field('string', 'Tier'),
      arr: field('float', 'ARR'),
      churnrisk: field('boolean', 'Churn Risk'),
    },
    salesforce: {
      sfdc_account_id: field('string', 'Salesforce Account ID'),
      industry: field('string', 'Industry'),
      gainsight_health_score__c: field('float', 'Gainsight Health Score'),
    },
  };
}

export interface PendoData {
  readonly options: PendoDataOptions;
  accountCount(): number;
  accountIdAt(index: number): string;
  /** Index of the first account whose id is > (or >=) `id`, ids being sorted. */
  seekAccount(id: string, inclusive: boolean): number;
  hasAccount(id: string): boolean;
  /** The account row the `accounts` source yields (custom values written through the API win). */
  accountRow(index: number, now: number, written: Map<string, Record<string, unknown>>): Record<string, unknown>;
  visitorCount(index: number): number;
  visitorId(index: number, visitor: number): string;
  visitorRow(index: number, visitor: number, now: number): Record<string, unknown>;
  /** Event rows of one UTC day, ordered by account then visitor. */
  eventsOfDay(source: EventSource, day: number): Generator<EventRow>;
  features: { id: string; name: string; pageId: string }[];
  /** The subscription's NPS poll (pollEvents rows answer it). */
  npsPoll: { id: string; guideId: string; name: string };
  pages: { id: string; name: string }[];
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function createPendoData(options: PendoDataOptions): PendoData {
  const { seed } = options;
  const explicit = options.accountIds ? [...new Set(options.accountIds)].sort() : undefined;
  const count = explicit ? explicit.length : options.accounts;
  const width = Math.max(6, String(count).length);
  const accountIdAt = (i: number) => explicit?.[i] ?? `acct-${String(i + 1).padStart(width, '0')}`;

  const pages = Array.from({ length: options.pages }, (_, k) => ({
    id: `page-${(mix(seed, 7, k) % 1e8).toString(36)}${k}`,
    name: PAGE_NAMES[k % PAGE_NAMES.length] + (k >= PAGE_NAMES.length ? ` ${k}` : ''),
  }));
  const features = Array.from({ length: options.features }, (_, k) => ({
    id: `feat-${(mix(seed, 8, k) % 1e8).toString(36)}${k}`,
    name: FEATURE_NAMES[k % FEATURE_NAMES.length] + (k >= FEATURE_NAMES.length ? ` ${k}` : ''),
    pageId: pages.length > 0 ? (pages[k % pages.length]?.id ?? '') : '',
  }));

  const npsPoll = {
    id: `poll-nps-${(mix(seed, 19) % 1e8).toString(36)}`,
    guideId: `guide-nps-${(mix(seed, 19, 1) % 1e8).toString(36)}`,
    name: 'NPS',
  };

  // Share of days an account is active: about one account in ten has gone quiet.
  const activity = (i: number) => [0, 0.3, 0.6, 0.9, 0.9, 0.6, 0.3, 0.9, 0.6, 0.9][mix(seed, 1, i) % 10] as number;
  const visitorCount = (i: number) =>
    1 + Math.floor(unit(seed, 2, i) * Math.max(1, 2 * options.visitorsPerAccount - 1));
  const visitorId = (i: number, j: number) => `user${j + 1}@${accountIdAt(i)}.example.com`;
  const dayIndex = (day: number) => Math.floor(day / DAY_MS);
  const accountActive = (i: number, d: number) => unit(seed, 3, i, d) < activity(i);
  const visitorActive = (i: number, j: number, d: number) => j === 0 || unit(seed, 4, i, j, d) < 0.6;

  function lastActiveDay(i: number, now: number, visitor?: number): number | null {
    const today = dayIndex(now);
    for (let d = today; d > today - options.historyDays; d -= 1) {
      if (accountActive(i, d) && (visitor === undefined || visitorActive(i, visitor, d))) return d * DAY_MS;
    }
    return null;
  }

  function* eventsOfDay(source: EventSource, day: number): Generator<EventRow> {
    const d = dayIndex(day);
    for (let i = 0; i < count; i += 1) {
      if (!accountActive(i, d)) continue;
      const accountId = accountIdAt(i);
      for (let j = 0; j < visitorCount(i); j += 1) {
        if (!visitorActive(i, j, d)) continue;
        const base = { accountId, visitorId: visitorId(i, j), appId: -323232, day: d * DAY_MS };
        if (source === 'events') {
          yield {
            ...base,
            numEvents: 5 + Math.floor(unit(seed, 5, i, j, d) * 95),
            numMinutes: 1 + Math.floor(unit(seed, 6, i, j, d) * 60),
          };
        } else if (source === 'featureEvents') {
          for (const [k, feature] of features.entries()) {
            if (unit(seed, 9, i, j, d, k) >= 0.4) continue;
            yield {
              ...base,
              featureId: feature.id,
              numEvents: 1 + Math.floor(unit(seed, 10, i, j, d, k) * 20),
              numMinutes: Math.floor(unit(seed, 11, i, j, d, k) * 10),
            };
          }
        } else if (source === 'pollEvents') {
          // About one visitor-day in twelve answers the NPS poll; busier accounts score higher.
          if (unit(seed, 17, i, j, d) >= 1 / 12) continue;
          const lean = activity(i) * 6;
          yield {
            ...base,
            numEvents: 1,
            numMinutes: 0,
            pollId: npsPoll.id,
            guideId: npsPoll.guideId,
            pollResponse: Math.min(10, Math.floor(lean + unit(seed, 18, i, j, d) * 5)),
          };
        } else {
          for (const [k, page] of pages.entries()) {
            if (unit(seed, 12, i, j, d, k) >= 0.5) continue;
            yield {
              ...base,
              pageId: page.id,
              numEvents: 1 + Math.floor(unit(seed, 13, i, j, d, k) * 30),
              numMinutes: 1 + Math.floor(unit(seed, 14, i, j, d, k) * 20),
            };
          }
        }
      }
    }
    if (source !== 'events') return;
    for (let a = 0; a < options.anonymousPerDay; a += 1) {
      yield {
        accountId: null,
        visitorId: `_PENDO_T_${mix(seed, 15, d, a).toString(36)}`,
        appId: -323232,
        day: d * DAY_MS,
        numEvents: 1 + Math.floor(unit(seed, 16, d, a) * 10),
        numMinutes: 1,
      };
    }
  }

  function seekAccount(id: string, inclusive: boolean): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = accountIdAt(mid);
      if (at < id || (!inclusive && at === id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    options,
    accountCount: () => count,
    accountIdAt,
    seekAccount,
    hasAccount: (id) => {
      const i = seekAccount(id, true);
      return i < count && accountIdAt(i) === id;
    },
    visitorCount,
    visitorId,
    eventsOfDay,
    features,
    npsPoll,
    pages,
    accountRow(i, now, written) {
      const accountId = accountIdAt(i);
      const name = `${ADJECTIVES[mix(seed, 20, i) % 10]} ${NOUNS[mix(seed, 21, i) % 10]} ${SUFFIXES[mix(seed, 22, i) % 5]}`;
      const firstvisit = startOfDay(now) - (options.historyDays + (mix(seed, 23, i) % 400)) * DAY_MS;
      const healthscore = 20 + (mix(seed, 24, i) % 81);
      const custom: Record<string, unknown> = {
        healthscore: options.integerStrings && i % 3 === 2 ? String(healthscore) : healthscore,
        renewaldate: startOfDay(now) + (30 + (mix(seed, 25, i) % 300)) * DAY_MS,
        csm: CSMS[mix(seed, 26, i) % CSMS.length],
        tier: TIERS[mix(seed, 27, i) % TIERS.length],
        arr: Math.round(unit(seed, 28, i) * 200_000_00) / 100,
        churnrisk: healthscore < 40,
        ...written.get(accountId),
      };
      return {
        accountId,
        metadata: {
          auto: {
            firstvisit,
            lastvisit: lastActiveDay(i, now),
            lastupdated: startOfDay(now),
            idhash: mix(seed, 29, i),
          },
          agent: { name, planlevel: TIERS[mix(seed, 27, i) % TIERS.length] },
          custom,
          salesforce: {
            sfdc_account_id: `001${(mix(seed, 30, i) % 1e9).toString().padStart(9, '0')}AAA`,
            industry: INDUSTRIES[mix(seed, 31, i) % INDUSTRIES.length],
            gainsight_health_score__c: healthscore,
          },
        },
      };
    },
    visitorRow(i, j, now) {
      const id = visitorId(i, j);
      return {
        visitorId: id,
        metadata: {
          auto: {
            accountid: accountIdAt(i),
            accountids: [accountIdAt(i)],
            email: id,
            firstvisit: startOfDay(now) - (options.historyDays + (mix(seed, 32, i, j) % 200)) * DAY_MS,
            lastvisit: lastActiveDay(i, now, j),
          },
          agent: { email: id, role: j === 0 ? 'admin' : 'user' },
        },
      };
    },
  };
}
