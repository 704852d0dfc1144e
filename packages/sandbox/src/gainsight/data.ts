import { seededRandom } from '../common.js';
import {
  COMPANY_TYPES,
  findObject,
  INDUSTRIES,
  MANAGED_AS,
  NPS_CATEGORIES,
  REPORTING_CATEGORIES,
  STAGES,
  TAGS,
  USAGE_METRICS,
  USAGE_MODULES,
} from './catalog.js';
import { createLazyUsage } from './lazy-usage.js';
import { isoDateTime } from './values.js';
import type { GainsightDataType, GainsightObjectDef, GainsightRow, VirtualTable } from './types.js';

const DAY_MS = 86_400_000;
const GSID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Gsids are 36 upper-case alphanumerics; the first four are the object's key prefix. */
export function createGsid(random: () => number, keyPrefix: string): string {
  let id = keyPrefix.toUpperCase().slice(0, 4).padEnd(4, '0');
  while (id.length < 36) id += GSID_CHARS[Math.floor(random() * GSID_CHARS.length)];
  return id;
}

export const GSID_PATTERN = /^[0-9A-Z]{36}$/;

/** Render a stored value for an answer: dates as ISO (date-only for DATE) or epoch ms. */
export function renderValue(dataType: GainsightDataType, value: unknown, dateFormat: 'iso' | 'epoch'): unknown {
  if (value === null || value === undefined) return null;
  if ((dataType === 'DATE' || dataType === 'DATETIME') && typeof value === 'number') {
    if (dateFormat === 'epoch') return value;
    const iso = isoDateTime(value);
    return dataType === 'DATE' ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(value)) return [...value];
  return value;
}

export interface SeedCounts {
  companies: number;
  people: number;
  users: number;
  activities: number;
  usageRows: number;
  surveyResponses: number;
}

function hashName(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const COMPANY_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Oscorp',
  'Aperture',
  'Monarch',
  'Nakatomi',
  'Massive Dynamic',
  'Pied Piper',
  'Dunder Mifflin',
  'Blue Sun',
];
const COMPANY_SUFFIXES = ['Inc', 'Corp', 'Labs', 'Group', 'Systems', 'Holdings'];
const FIRST = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemi', 'Liam'];
const LAST = ['Ng', 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Varga', 'Weber', 'Xu', 'Young'];
const CITIES = ['Austin, TX', 'Berlin', 'Chicago, IL', 'Dublin', 'London', 'Pune', 'San Francisco, CA', 'Toronto'];
const TIMEZONES = ['America/Chicago', 'Europe/Berlin', 'Europe/London', 'Asia/Kolkata', 'America/Los_Angeles'];
const TITLES = ['VP Operations', 'Director of IT', 'Product Manager', 'Analyst', 'CTO', 'Account Admin'];
const SUBJECTS: Record<string, string[]> = {
  Email: ['Follow-up on renewal', 'Sent QBR deck', 'Answered billing question'],
  Meeting: ['Quarterly business review', 'Kick-off meeting', 'Roadmap session'],
  Call: ['Check-in call', 'Escalation call', 'Adoption review call'],
  Update: ['Champion changed roles', 'New admin assigned', 'Usage trending up'],
  Risk: ['Budget cuts announced', 'Low adoption flagged', 'Competitor evaluation'],
  Onboarding: ['Onboarding step 2 complete', 'Training session held', 'SSO configured'],
};
const COMMENTS = ['Great support team', 'Reports are slow', 'Love the new dashboards', 'Missing an API', ''];

function companyName(i: number): string {
  const word = COMPANY_WORDS[i % COMPANY_WORDS.length];
  const suffix = COMPANY_SUFFIXES[Math.floor(i / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length];
  const round = Math.floor(i / (COMPANY_WORDS.length * COMPANY_SUFFIXES.length));
  return `${word} ${suffix}${round > 0 ? ` ${round + 1}` : ''}`;
}

/**
 * Lazily generated, seeded tables: nothing is built until an object is first read, so a simulator
 * with 50,000 activity rows costs nothing until a test asks for activities.
 */
export function createTables(
  objects: GainsightObjectDef[],
  seed: number,
  counts: SeedCounts,
  anchor: number,
  reportingCategoryField: string,
  sfdcAccountIds: string[] = [],
  lazyUsageRows = false,
): ((objectName: string) => GainsightRow[]) & { virtual(objectName: string): VirtualTable | undefined } {
  const tables = new Map<string, GainsightRow[]>();
  // Seeded data ends at the start of the anchor day, so "last 30 days" filters find rows.
  const day0 = Math.floor(anchor / DAY_MS) * DAY_MS;
  const usageDef = findObject(objects, 'product_usage__gc');
  const lazyUsage =
    lazyUsageRows && usageDef && counts.companies > 0
      ? createLazyUsage({
          count: counts.usageRows,
          seed,
          day0,
          keyPrefix: usageDef.keyPrefix,
          companies: () => rows('company'),
        })
      : undefined;

  function rows(objectName: string): GainsightRow[] {
    const def = findObject(objects, objectName);
    if (!def) return [];
    let table = tables.get(def.objectName);
    if (!table) {
      table = [];
      tables.set(def.objectName, table);
      const random = seededRandom(hashName(seed, def.objectName));
      const generate = generators[def.objectName];
      if (generate) generate(table, random, def);
    }
    return table;
  }

  const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const int = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const ago = (random: () => number, maxDays: number) => day0 - Math.floor(random() * maxDays * DAY_MS);
  const seededAt = (table: GainsightRow[], i: number) => table[i] ?? table[0];

  type Generator = (table: GainsightRow[], random: () => number, def: GainsightObjectDef) => void;
  const generators: Record<string, Generator> = {
    gsuser(table, random, def) {
      for (let i = 0; i < counts.users; i++) {
        const first = FIRST[(i * 5) % FIRST.length] ?? 'Sam';
        const last = LAST[(i * 7 + 3) % LAST.length] ?? 'Lee';
        const created = ago(random, 900);
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          Name: `${first} ${last}`,
          FirstName: first,
          LastName: last,
          Email: `${first}.${last}@vendor.example`.toLowerCase(),
          Title: 'Customer Success Manager',
          IsActiveUser: i < counts.users - 1,
          CreatedDate: created,
          ModifiedDate: created + int(random, 0, 30) * DAY_MS,
        });
      }
    },
    company(table, random, def) {
      const users = rows('gsuser');
      for (let i = 0; i < counts.companies; i++) {
        const arr = int(random, 100, 20_000) * 100;
        const contract = ago(random, 5 * 365);
        const tags = TAGS.filter(() => random() < 0.25);
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          Name: companyName(i),
          Industry: pick(random, INDUSTRIES),
          IndustryNew: pick(random, INDUSTRIES),
          Arr: arr,
          Mrr: Math.round((arr / 12) * 100) / 100,
          Employees: int(random, 10, 20_000),
          Users: int(random, 5, 2_000),
          LifecycleInWeeks: Math.floor((day0 - contract) / (7 * DAY_MS)),
          CustomerLifetimeInMonths: Math.floor((day0 - contract) / (30 * DAY_MS)),
          OriginalContractDate: contract,
          RenewalDate: day0 + int(random, 1, 365) * DAY_MS,
          Stage: pick(random, STAGES),
          Status: random() < 0.85 ? 'Active' : pick(random, ['Inactive', 'Churn']),
          CompanyType: random() < 0.9 ? COMPANY_TYPES[0] : pick(random, COMPANY_TYPES),
          ManagedAs: pick(random, MANAGED_AS),
          Csm: users.length > 0 ? pick(random, users).Gsid : null,
          ParentCompany: i >= 10 && random() < 0.1 ? (seededAt(table, int(random, 0, 9))?.Gsid ?? null) : null,
          Tags: tags,
          // The generated id is drawn either way, so the rest of the seeded data does not shift.
          SfdcAccountId: ((generated) => sfdcAccountIds[i] ?? generated)(
            `001${createGsid(random, '5G00').slice(0, 15)}`,
          ),
          BillingAddress: `${int(random, 1, 999)} Market St, ${pick(random, CITIES)}`,
          TickerSymbol: random() < 0.3 ? companyName(i).slice(0, 4).toUpperCase().replace(/\s/g, '') : null,
          Summary: null,
          HealthScore__gc: int(random, 20, 100),
          CreatedDate: contract,
          ModifiedDate: ago(random, 60),
        });
      }
    },
    person(table, random, def) {
      const companies = rows('company');
      for (let i = 0; i < counts.people; i++) {
        const first = FIRST[i % FIRST.length] ?? 'Sam';
        const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Lee';
        const company = seededAt(companies, i % Math.max(1, counts.companies));
        const domain = company
          ? `${String(company.Name)
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, '')}.example`
          : 'example.com';
        const created = ago(random, 700);
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          Email: `${first}.${last}${i}@${domain}`.toLowerCase(),
          Name: `${first} ${last}`,
          FirstName: first,
          MiddleName: null,
          LastName: last,
          LinkedinUrl: `https://www.linkedin.com/in/${first}-${last}-${i}`.toLowerCase(),
          Location: pick(random, CITIES),
          Timezone: pick(random, TIMEZONES),
          EmailOptOut: random() < 0.05,
          DynamicResolutionKey: null,
          Comments: null,
          MasterRecordID: null,
          MasterAvatarTypeCode: null,
          ExternalRecordID__gc: `ext-${i + 1}`,
          CreatedDate: created,
          ModifiedDate: created + int(random, 0, 60) * DAY_MS,
        });
      }
    },
    company_person(table, random, def) {
      const people = rows('person');
      const companies = rows('company');
      for (let i = 0; i < counts.people && counts.companies > 0; i++) {
        const person = seededAt(people, i);
        const company = seededAt(companies, i % counts.companies);
        if (!person || !company) break;
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          Person_ID: person.Gsid,
          Company_ID: company.Gsid,
          Title: pick(random, TITLES),
          Role: pick(random, ['Champion', 'Decision Maker', 'User', 'Executive Sponsor']),
          IsPrimaryCompany: true,
          Active: true,
          CreatedDate: person.CreatedDate,
          ModifiedDate: person.ModifiedDate,
        });
      }
    },
    activity_timeline(table, random, def) {
      const companies = rows('company');
      const users = rows('gsuser');
      for (let i = 0; i < counts.activities && counts.companies > 0; i++) {
        const category = pick(random, REPORTING_CATEGORIES);
        const when = ago(random, 180) + int(random, 8, 18) * 3_600_000;
        const modified = Math.min(when + int(random, 0, 72) * 3_600_000, anchor);
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          GsCompanyId: seededAt(companies, int(random, 0, counts.companies - 1))?.Gsid ?? null,
          GsRelationshipId: null,
          AuthorId: users.length > 0 ? pick(random, users).Gsid : null,
          Subject: pick(random, SUBJECTS[category] ?? ['Note']),
          Notes: `<p>${category} logged by the CSM.</p>`,
          ActivityDate: when,
          contextname: 'Company',
          [reportingCategoryField]: category,
          Ant__Duration__c: category === 'Meeting' || category === 'Call' ? int(random, 15, 90) : null,
          Ant__Sentiment__c: pick(random, ['Positive', 'Neutral', 'Negative']),
          CreatedDate: when,
          LastModifiedDate: modified,
        });
      }
    },
    survey(table, random, def) {
      const created = day0 - 400 * DAY_MS;
      for (const [Name, SurveyType] of [
        ['Relationship NPS', 'NPS'],
        ['Support CSAT', 'CSAT'],
        ['Onboarding Feedback', 'CUSTOM'],
      ] as const) {
        const Gsid = createGsid(random, def.keyPrefix);
        table.push({ Gsid, Name, SurveyType, Status: 'Published', CreatedDate: created, ModifiedDate: created });
      }
    },
    survey_participant(table, random, def) {
      // One participant per seeded response; survey_response reuses these rows index by index.
      const surveys = rows('survey');
      const people = rows('person');
      const companies = rows('company');
      for (let i = 0; i < counts.surveyResponses && counts.people > 0 && counts.companies > 0; i++) {
        const p = int(random, 0, counts.people - 1);
        const person = seededAt(people, p);
        const sent = ago(random, 60);
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          SurveyId: seededAt(surveys, i % 3)?.Gsid ?? null,
          GsCompanyId: seededAt(companies, p % counts.companies)?.Gsid ?? null,
          PersonId: person?.Gsid ?? null,
          Email: person?.Email ?? null,
          Status: 'Responded',
          SentDate: sent,
          RespondedDate: Math.min(sent + int(random, 1, 48) * 3_600_000, anchor),
          CreatedDate: sent,
          ModifiedDate: sent,
        });
      }
    },
    survey_response(table, random, def) {
      const participants = rows('survey_participant');
      const surveys = rows('survey');
      for (let i = 0; i < participants.length && i < counts.surveyResponses; i++) {
        const participant = participants[i] as GainsightRow;
        const survey = surveys.find((s) => s.Gsid === participant.SurveyId);
        const type = String(survey?.SurveyType ?? 'NPS');
        const score = type === 'NPS' ? int(random, 0, 10) : type === 'CSAT' ? int(random, 1, 5) : null;
        const category =
          type !== 'NPS' || score === null
            ? null
            : score >= 9
              ? NPS_CATEGORIES[0]
              : score >= 7
                ? 'Passive'
                : 'Detractor';
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          SurveyId: participant.SurveyId,
          ParticipantId: participant.Gsid,
          GsCompanyId: participant.GsCompanyId,
          PersonId: participant.PersonId,
          Email: participant.Email,
          SurveyType: type,
          QuestionText: type === 'NPS' ? 'How likely are you to recommend us?' : 'How satisfied are you?',
          NPSScore: score,
          NPSCategory: category,
          Comment: pick(random, COMMENTS) || null,
          ResponseDate: participant.RespondedDate,
          CreatedDate: participant.RespondedDate,
          ModifiedDate: participant.RespondedDate,
        });
      }
    },
    product_usage__gc(table, random, def) {
      if (lazyUsage) {
        for (let i = 0; i < lazyUsage.length; i++) table.push(lazyUsage.at(i));
        return;
      }
      const companies = rows('company');
      const monday = day0 - ((new Date(day0).getUTCDay() + 6) % 7) * DAY_MS;
      for (let i = 0; i < counts.usageRows && counts.companies > 0; i++) {
        const company = seededAt(companies, int(random, 0, counts.companies - 1));
        const metric = USAGE_METRICS[i % USAGE_METRICS.length] as string;
        const week = monday - int(random, 0, 11) * 7 * DAY_MS;
        const value =
          metric === 'time_on_site_minutes'
            ? int(random, 30, 5_000)
            : metric === 'logins'
              ? int(random, 5, 900)
              : int(random, 1, 400);
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          GsCompanyId: company?.Gsid ?? null,
          AccountId__gc: company?.SfdcAccountId ?? null,
          UsageDate__gc: week,
          MetricName__gc: metric,
          MetricValue__gc: value,
          Module__gc: pick(random, USAGE_MODULES),
          ActiveUsers__gc: int(random, 1, 400),
          AggregationLevel__gc: 'ACCOUNTLEVEL',
          CreatedDate: week + DAY_MS,
          ModifiedDate: week + DAY_MS,
        });
      }
    },
    relationship_type(table, random, def) {
      for (const Name of ['Product Line', 'Region']) {
        table.push({ Gsid: createGsid(random, def.keyPrefix), Name, CreatedDate: day0, ModifiedDate: day0 });
      }
    },
    user_role(table, random, def) {
      for (const Name of ['Admin', 'CSM', 'Viewer']) {
        const at = day0 - 900 * DAY_MS;
        table.push({
          Gsid: createGsid(random, def.keyPrefix),
          Name,
          Description: null,
          CreatedDate: at,
          ModifiedDate: at,
        });
      }
    },
  };

  const virtual = (objectName: string) =>
    lazyUsage && usageDef && findObject(objects, objectName) === usageDef && !tables.has(usageDef.objectName)
      ? lazyUsage
      : undefined;
  return Object.assign(rows, { virtual });
}
