import { seededRandom } from '../common.js';

export interface QualtricsResponse {
  responseId: string;
  values: Record<string, unknown>;
  labels: Record<string, unknown>;
  displayedFields: string[];
  displayedValues: Record<string, unknown>;
}

export interface QualtricsSurvey {
  id: string;
  name: string;
  ownerId: string;
  creationDate: string;
  lastModified: string;
  isActive: boolean;
  responses: QualtricsResponse[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomString(random: () => number, length: number, alphabet = ALNUM): string {
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

export function uuid(random: () => number): string {
  const hex = randomString(random, 32, '0123456789abcdef');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Gainsight GSIDs look like `1P02` + 32 upper-case letters and digits. */
export function gainsightGsid(random: () => number): string {
  return `1P02${randomString(random, 32, UPPER)}`;
}

/** NPS group as Qualtrics exports it: 1 detractor (0–6), 2 passive (7–8), 3 promoter (9–10). */
export function npsGroup(score: number): 1 | 2 | 3 {
  return score <= 6 ? 1 : score <= 8 ? 2 : 3;
}

const SURVEY_NAMES = ['Relationship NPS', 'Onboarding Feedback', 'Support CSAT', 'Quarterly Pulse', 'Renewal Check-in'];
const COMMENTS = {
  1: ['Too many bugs lately.', 'Support takes days to answer.', 'Pricing went up without notice.'],
  2: ['Works fine, reporting could be better.', 'Decent, onboarding was slow.', 'Okay overall.'],
  3: ['Love the new dashboards!', 'Our CSM is fantastic.', 'Saves my team hours every week.'],
} as const;
const COMPANY_NAMES = [
  'Blue Harbor Inc',
  'North Forge Labs',
  'Silver Peak Group',
  'Rapid Wave Co',
  'Green Field Systems',
];

export interface SeedOptions {
  seed: number;
  surveys: number;
  responsesPerSurvey: number;
  companyGsids: string[] | undefined;
  now: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * One response as the export file carries it. `recordedAt` fixes the recorded time (a respondent
 * finishing now); otherwise it falls somewhere in the 60 days before `now`. `index` varies the
 * respondent's address; `values` override generated ones.
 */
export function generateResponse(
  random: () => number,
  companies: { gsid: string; name: string }[],
  options: {
    index: number;
    now: number;
    recordedAt?: number | undefined;
    values?: Record<string, unknown> | undefined;
  },
): QualtricsResponse {
  const r = options.index;
  const responseId = `R_${randomString(random, 15)}`;
  const recorded = options.recordedAt ?? options.now - Math.floor(random() * 60 * 86_400_000) - 60_000;
  const duration = 30 + Math.floor(random() * 400);
  const finished = random() >= 0.1;
  const company = companies[Math.floor(random() * companies.length)] ?? { gsid: '', name: '' };
  const score = Math.min(10, Math.floor(random() * 11.5));
  const group = npsGroup(score);
  const pool = COMMENTS[group];
  const values: Record<string, unknown> = {
    startDate: iso(recorded - duration * 1000),
    endDate: iso(recorded),
    status: 0,
    ipAddress: `203.0.113.${(r % 250) + 1}`,
    progress: finished ? 100 : 40,
    duration,
    finished: finished ? 1 : 0,
    recordedDate: new Date(recorded).toISOString(),
    _recordId: responseId,
    distributionChannel: 'email',
    userLanguage: 'EN',
    CompanyGSID: company.gsid,
    CompanyName: company.name,
    RecipientEmail: `contact${r + 1}@${company.name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`,
  };
  if (finished || random() < 0.5) {
    values.QID1 = score;
    values.QID1_NPS_GROUP = group;
  }
  if (finished) values.QID2_TEXT = pool[Math.floor(random() * pool.length)];
  Object.assign(values, options.values);
  const groupLabel = { 1: 'Detractor', 2: 'Passive', 3: 'Promoter' }[group];
  return {
    responseId,
    values,
    labels: {
      status: 'IP Address',
      finished: values.finished === 1 ? 'True' : 'False',
      ...('QID1' in values ? { QID1: String(values.QID1), QID1_NPS_GROUP: groupLabel } : {}),
    },
    displayedFields: ['QID1', 'QID2'],
    displayedValues: { QID1: Array.from({ length: 11 }, (_, n) => n) },
  };
}

/** Seeded surveys with responses recorded over the last 60 days (about one in ten unfinished). */
export function seedSurveys(options: SeedOptions): {
  surveys: QualtricsSurvey[];
  companies: { gsid: string; name: string }[];
} {
  const random = seededRandom(options.seed * 31 + 3);
  const gsids = options.companyGsids ?? Array.from({ length: 5 }, () => gainsightGsid(random));
  const companies = gsids.map((gsid, n) => ({ gsid, name: COMPANY_NAMES[n % COMPANY_NAMES.length] as string }));
  const ownerId = `UR_${randomString(random, 15)}`;
  const surveys = Array.from({ length: options.surveys }, (_, s): QualtricsSurvey => {
    const created = options.now - (120 + s * 7) * 86_400_000;
    const responses = Array.from({ length: options.responsesPerSurvey }, (_, r) =>
      generateResponse(random, companies, { index: r, now: options.now }),
    );
    responses.sort((a, b) => String(a.values.recordedDate).localeCompare(String(b.values.recordedDate)));
    return {
      id: `SV_${randomString(random, 15)}`,
      name: SURVEY_NAMES[s % SURVEY_NAMES.length] + (s >= SURVEY_NAMES.length ? ` ${s + 1}` : ''),
      ownerId,
      creationDate: iso(created),
      lastModified: iso(created + 86_400_000),
      isActive: s % 4 !== 3,
      responses,
    };
  });
  return { surveys, companies };
}

/** `GET /surveys/{id}` result: the survey's questions and embedded data, as the v3 API describes them. */
export function surveyDefinition(survey: QualtricsSurvey, brandId: string) {
  return {
    id: survey.id,
    name: survey.name,
    ownerId: survey.ownerId,
    organizationId: brandId,
    isActive: survey.isActive,
    creationDate: survey.creationDate,
    lastModifiedDate: survey.lastModified,
    expiration: { startDate: null, endDate: null },
    questions: {
      QID1: {
        questionType: { type: 'MC', selector: 'NPS', subSelector: null },
        questionText: 'How likely are you to recommend us to a friend or colleague?',
        questionLabel: null,
        questionName: 'Q1',
      },
      QID2: {
        questionType: { type: 'TE', selector: 'ML', subSelector: null },
        questionText: 'What is the main reason for your score?',
        questionLabel: null,
        questionName: 'Q2',
      },
    },
    exportColumnMap: {
      Q1: { question: 'QID1' },
      Q1_NPS_GROUP: { question: 'QID1', subQuestion: 'NPS_GROUP' },
      Q2: { question: 'QID2' },
    },
    embeddedData: [{ name: 'CompanyGSID' }, { name: 'CompanyName' }, { name: 'RecipientEmail' }],
    responseCounts: { auditable: survey.responses.length, generated: 0, deleted: 0 },
  };
}
