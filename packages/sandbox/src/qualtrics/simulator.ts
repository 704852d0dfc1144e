import { type Context, Hono } from 'hono';
import { createControl, recordAndInjectFaults, seededRandom, type Simulator } from '../common.js';
import {
  generateResponse,
  type QualtricsResponse,
  type QualtricsSurvey,
  randomString,
  seedSurveys,
  surveyDefinition,
  uuid,
} from './data.js';
import { QUALTRICS_ERROR_CODES, STATUS_TEXT } from './envelope.js';

export { QUALTRICS_ERROR_CODES } from './envelope.js';

export interface QualtricsSimulatorOptions {
  seed?: number;
  apiToken?: string;
  /** Qualtrics user whose `username:apiToken` the trigger's Basic header carries. */
  username?: string;
  brandId?: string;
  /** JSON-event triggers (their urlTokenIds); `requireAuth: false` mirrors the workflow's auth toggle off. */
  triggers?: Array<string | { urlTokenId: string; requireAuth?: boolean }>;
  surveys?: number;
  responsesPerSurvey?: number;
  /** `GET /surveys` page size (Qualtrics uses 100). */
  pageSize?: number;
  /** Polls an export answers `inProgress` before it completes (default 2). */
  exportPolls?: number;
  /** Surveys whose exports end `failed`. */
  failSurveyIds?: string[];
  /** Embedded `CompanyGSID` values to spread over responses (e.g. a Gainsight simulator's companies). */
  companyGsids?: string[];
  /** Calls per minute per brand before 429 (Qualtrics: 3,000). */
  limitPerMinute?: number;
  /** `Retry-After` seconds on injected 429s. */
  retryAfterSeconds?: number;
  /** Largest JSON-event body accepted (Qualtrics: 100 KB). */
  maxEventBytes?: number;
  /** How an accepted JSON event is answered (default `envelope`); `state.triggerAnswer` changes it later. */
  triggerAnswer?: TriggerAnswer;
  now?: () => number;
}

/**
 * Shapes of the answer to an accepted JSON event. Qualtrics documents "202 with eventId and requestId"
 * but no body, so a client must accept any 2xx and look for the ids where it can:
 * - `envelope`: 202 `{"result":{"eventId"},"meta":{"httpStatus","requestId"}}` (the v3 envelope);
 * - `flat`: 202 `{"eventId","requestId"}`;
 * - `empty`: 202 with no body and no ids at all;
 * - `headers`: 200 with no body, the request id only in an `x-request-id` header.
 */
export type TriggerAnswer = 'envelope' | 'flat' | 'empty' | 'headers';
export const TRIGGER_ANSWERS: readonly TriggerAnswer[] = ['envelope', 'flat', 'empty', 'headers'];

export interface ReceivedEvent {
  /** The simulator's ids for the event; whether the answer carried them depends on `answer`. */
  eventId: string;
  requestId: string;
  /** How it was answered (`headers`: only requestId, in a header; `empty`: neither id). */
  answer: TriggerAnswer;
  urlTokenId: string;
  receivedAt: number;
  auth: 'basic' | 'token' | 'none';
  body: Record<string, unknown>;
}

export interface ExportJob {
  progressId: string;
  surveyId: string;
  startDate: string | undefined;
  endDate: string | undefined;
  polls: number;
  status: 'inProgress' | 'complete' | 'failed';
  fileId: string | undefined;
}

export interface QualtricsState {
  /** The token (and its user) the brand accepts; change it to simulate a rotated or revoked token. */
  apiToken: string;
  username: string;
  surveys: QualtricsSurvey[];
  companies: { gsid: string; name: string }[];
  triggers: Map<string, { requireAuth: boolean }>;
  /** Every JSON event a trigger accepted, in order. */
  events: ReceivedEvent[];
  exports: Map<string, ExportJob>;
  files: Map<string, { surveyId: string; responses: QualtricsResponse[] }>;
  failSurveyIds: Set<string>;
  /** How accepted JSON events are answered from now on. */
  triggerAnswer: TriggerAnswer;
}

export interface QualtricsCredentials {
  apiToken: string;
  username: string;
  brandId: string;
  /** The first trigger's urlTokenId and its path (append to the simulator's URL). */
  urlTokenId: string;
  triggerPath: string;
  [name: string]: string;
}

export interface NewResponseOptions {
  /** Recorded time in epoch ms (default: the simulator's now). */
  recordedAt?: number;
  /** Values that override the generated ones (e.g. `{ QID1: 10, QID1_NPS_GROUP: 3 }`). */
  values?: Record<string, unknown>;
}

export type QualtricsSimulator = Simulator<QualtricsState> & {
  credentials: QualtricsCredentials;
  /**
   * A respondent submits the survey: the response joins the survey (kept in recorded order), so the
   * next export whose range covers it includes it. Throws for an unknown survey id.
   */
  addResponse(surveyId: string, options?: NewResponseOptions): QualtricsResponse;
};

/**
 * Qualtrics as the hub meets it: JSON-event workflow triggers (202 with eventId + requestId) and the
 * REST v3 survey API (envelopes, paged survey list, the response export flow), with the 3,000
 * calls/minute brand limit and Qualtrics-style error envelopes.
 */
export function createQualtricsSimulator(options: QualtricsSimulatorOptions = {}): QualtricsSimulator {
  const seed = options.seed ?? 1;
  const control = createControl(seed);
  const random = seededRandom(seed * 131 + 17);
  const now = options.now ?? Date.now;
  const apiToken = options.apiToken ?? randomString(random, 40);
  const username = options.username ?? 'integration.user@example.com#simbrand';
  const brandId = options.brandId ?? 'simbrand';
  const pageSize = options.pageSize ?? 100;
  const maxEventBytes = options.maxEventBytes ?? 100 * 1024;
  const limitPerMinute = options.limitPerMinute ?? 3000;
  const triggerSpecs = options.triggers ?? [uuid(random)];
  const seeded = seedSurveys({
    seed,
    surveys: options.surveys ?? 3,
    responsesPerSurvey: options.responsesPerSurvey ?? 40,
    companyGsids: options.companyGsids,
    now: now(),
  });
  const state: QualtricsState = {
    apiToken,
    username,
    ...seeded,
    triggers: new Map(
      triggerSpecs.map((t) =>
        typeof t === 'string' ? [t, { requireAuth: true }] : [t.urlTokenId, { requireAuth: t.requireAuth ?? true }],
      ),
    ),
    events: [],
    exports: new Map(),
    files: new Map(),
    failSurveyIds: new Set(options.failSurveyIds ?? []),
    triggerAnswer: options.triggerAnswer ?? 'envelope',
  };

  const envelope = (status: number) => ({
    httpStatus: `${status} - ${STATUS_TEXT[status] ?? 'Error'}`,
    requestId: uuid(random),
  });
  const ok = (c: Context, result: unknown, status: 200 | 202 = 200) =>
    c.json({ result, meta: envelope(status) }, status);
  const fail = (status: number, errorMessage: string, errorCode: string, headers: Record<string, string> = {}) => {
    const { httpStatus, requestId } = envelope(status);
    return new Response(JSON.stringify({ meta: { httpStatus, error: { errorMessage, errorCode }, requestId } }), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };

  const app = new Hono();
  app.use(
    '*',
    recordAndInjectFaults(control, {
      rateLimited: () =>
        fail(429, 'Too many requests. Please wait before trying again.', QUALTRICS_ERROR_CODES.rateLimited, {
          'retry-after': String(options.retryAfterSeconds ?? 5),
        }),
      serverError: (status) => fail(status, 'An unexpected error occurred.', QUALTRICS_ERROR_CODES.server),
    }),
  );

  // The brand's fixed one-minute window, shared by triggers and REST calls.
  let window = { start: 0, count: 0 };
  app.use('*', async (_c, next) => {
    const t = now();
    const start = Math.floor(t / 60_000) * 60_000;
    if (window.start !== start) window = { start, count: 0 };
    window.count += 1;
    if (window.count > limitPerMinute) {
      const wait = Math.max(1, Math.ceil((start + 60_000 - t) / 1000));
      return fail(429, 'Too many requests. Please wait before trying again.', QUALTRICS_ERROR_CODES.rateLimited, {
        'retry-after': String(wait),
      });
    }
    await next();
  });

  /** Which credentials a request carries: valid Basic, valid token, none, or wrong ones. */
  function authOf(c: Context): 'basic' | 'token' | 'none' | 'invalid' {
    const header = c.req.header('authorization');
    const token = c.req.header('x-api-token');
    if (header?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.lastIndexOf(':');
      return colon > 0 && decoded.slice(0, colon) === state.username && decoded.slice(colon + 1) === state.apiToken
        ? 'basic'
        : 'invalid';
    }
    if (header) return 'invalid';
    if (token !== undefined) return token === state.apiToken ? 'token' : 'invalid';
    return 'none';
  }

  const trigger = async (c: Context) => {
    const raw = await c.req.text();
    if (Buffer.byteLength(raw, 'utf8') > maxEventBytes) {
      return fail(
        413,
        `Request body exceeds the ${maxEventBytes / 1024} KB limit for JSON events.`,
        QUALTRICS_ERROR_CODES.tooLarge,
      );
    }
    const urlTokenId = c.req.query('urlTokenId') ?? c.req.query('triggerId');
    const known = urlTokenId === undefined ? undefined : state.triggers.get(urlTokenId);
    const auth = authOf(c);
    if (auth === 'invalid' || (auth === 'none' && known?.requireAuth !== false)) {
      return fail(401, 'Authentication failed: check the username and API token.', QUALTRICS_ERROR_CODES.auth);
    }
    if (urlTokenId === undefined) return fail(400, 'Missing urlTokenId.', QUALTRICS_ERROR_CODES.validation);
    if (!known)
      return fail(404, `No JSON event trigger matches urlTokenId ${urlTokenId}.`, QUALTRICS_ERROR_CODES.notFound);
    let body: unknown;
    try {
      body = raw.trim() === '' ? null : JSON.parse(raw);
    } catch {
      return fail(400, 'Request body is not valid JSON.', QUALTRICS_ERROR_CODES.validation);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return fail(400, 'Request body must be a JSON object.', QUALTRICS_ERROR_CODES.validation);
    }
    // The product document promises "202, eventId and requestId" without a shape; by default we answer
    // in the v3 envelope (eventId in result, requestId in meta); `triggerAnswer` serves the other shapes
    // a real brand might send, so clients are tested against each.
    const meta = envelope(202);
    const eventId = uuid(random);
    const answer = state.triggerAnswer;
    state.events.push({
      eventId,
      requestId: meta.requestId,
      answer,
      urlTokenId,
      receivedAt: now(),
      auth,
      body: body as Record<string, unknown>,
    });
    if (answer === 'flat') return c.json({ eventId, requestId: meta.requestId }, 202);
    if (answer === 'empty') return c.body(null, 202);
    if (answer === 'headers') return c.body(null, 200, { 'x-request-id': meta.requestId });
    return c.json({ result: { eventId }, meta }, 202);
  };
  app.post('/inbound-event/v1/events/json/triggers', trigger);
  app.post('/inbound-event/v1/events/JSON/triggers', trigger);

  app.use('/API/v3/*', async (c, next) => {
    if (authOf(c) !== 'token') {
      return fail(401, 'Invalid or missing X-API-TOKEN.', QUALTRICS_ERROR_CODES.auth);
    }
    await next();
  });

  const findSurvey = (id: string) => state.surveys.find((s) => s.id === id);
  const noSurvey = (id: string) => fail(404, `Survey ${id} was not found.`, QUALTRICS_ERROR_CODES.notFound);

  app.get('/API/v3/surveys', (c) => {
    const offsetText = c.req.query('offset') ?? '0';
    const offset = /^\d+$/.test(offsetText) ? Number(offsetText) : Number.NaN;
    if (!Number.isInteger(offset))
      return fail(400, 'offset must be a non-negative integer.', QUALTRICS_ERROR_CODES.validation);
    const page = state.surveys.slice(offset, offset + pageSize);
    const next = offset + pageSize < state.surveys.length ? offset + pageSize : null;
    const url = new URL(c.req.url);
    return ok(c, {
      elements: page.map(({ id, name, ownerId, lastModified, creationDate, isActive }) => ({
        id,
        name,
        ownerId,
        lastModified,
        creationDate,
        isActive,
      })),
      nextPage: next === null ? null : `${url.origin}/API/v3/surveys?offset=${next}`,
    });
  });

  app.get('/API/v3/surveys/:surveyId', (c) => {
    const survey = findSurvey(c.req.param('surveyId'));
    return survey ? ok(c, surveyDefinition(survey, brandId)) : noSurvey(c.req.param('surveyId'));
  });

  app.post('/API/v3/surveys/:surveyId/export-responses', async (c) => {
    const survey = findSurvey(c.req.param('surveyId'));
    if (!survey) return noSurvey(c.req.param('surveyId'));
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return fail(400, 'Request body is not valid JSON.', QUALTRICS_ERROR_CODES.validation);
    }
    if (body === null || typeof body !== 'object')
      return fail(400, 'Invalid request body.', QUALTRICS_ERROR_CODES.validation);
    if (body.format === undefined)
      return fail(400, 'Missing required property: format.', QUALTRICS_ERROR_CODES.validation);
    if (!['json', 'csv', 'tsv', 'spss', 'xml', 'ndjson'].includes(String(body.format))) {
      return fail(400, `Invalid format: ${String(body.format)}.`, QUALTRICS_ERROR_CODES.validation);
    }
    // The real API zips the file unless compress is false; the simulator only serves plain JSON.
    if (body.format !== 'json' || body.compress !== false) {
      return fail(
        400,
        'The simulator serves format "json" with compress: false only.',
        QUALTRICS_ERROR_CODES.validation,
      );
    }
    for (const key of ['startDate', 'endDate'] as const) {
      const v = body[key];
      if (
        v !== undefined &&
        (typeof v !== 'string' || !/T.*(Z|[+-]\d\d:?\d\d)$/.test(v) || Number.isNaN(Date.parse(v)))
      ) {
        return fail(400, `${key} must be an ISO 8601 date-time with a time zone.`, QUALTRICS_ERROR_CODES.validation);
      }
    }
    const job: ExportJob = {
      progressId: `ES_${randomString(random, 15)}`,
      surveyId: survey.id,
      startDate: body.startDate as string | undefined,
      endDate: body.endDate as string | undefined,
      polls: 0,
      status: 'inProgress',
      fileId: undefined,
    };
    state.exports.set(job.progressId, job);
    return ok(c, { progressId: job.progressId, percentComplete: 0, status: 'inProgress' });
  });

  app.get('/API/v3/surveys/:surveyId/export-responses/:progressId', (c) => {
    const job = state.exports.get(c.req.param('progressId'));
    if (!findSurvey(c.req.param('surveyId'))) return noSurvey(c.req.param('surveyId'));
    if (!job || job.surveyId !== c.req.param('surveyId')) {
      return fail(404, `Export ${c.req.param('progressId')} was not found.`, QUALTRICS_ERROR_CODES.notFound);
    }
    const polls = options.exportPolls ?? 2;
    job.polls += 1;
    if (job.status === 'inProgress' && job.polls > polls) {
      if (state.failSurveyIds.has(job.surveyId)) job.status = 'failed';
      else {
        const survey = findSurvey(job.surveyId) as QualtricsSurvey;
        const from = job.startDate ? Date.parse(job.startDate) : Number.NEGATIVE_INFINITY;
        const to = job.endDate ? Date.parse(job.endDate) : Number.POSITIVE_INFINITY;
        job.fileId = `${uuid(random)}-def`;
        job.status = 'complete';
        state.files.set(job.fileId, {
          surveyId: job.surveyId,
          responses: survey.responses.filter((r) => {
            const at = Date.parse(String(r.values.recordedDate));
            return at >= from && at < to;
          }),
        });
      }
    }
    const percentComplete = job.status === 'inProgress' ? Math.round((job.polls / (polls + 1)) * 100) : 100;
    return ok(c, {
      ...(job.fileId ? { fileId: job.fileId } : {}),
      percentComplete: job.status === 'failed' ? Math.min(percentComplete, 90) : percentComplete,
      status: job.status,
    });
  });

  app.get('/API/v3/surveys/:surveyId/export-responses/:fileId/file', (c) => {
    const file = state.files.get(c.req.param('fileId'));
    if (!findSurvey(c.req.param('surveyId'))) return noSurvey(c.req.param('surveyId'));
    if (!file || file.surveyId !== c.req.param('surveyId')) {
      return fail(404, `File ${c.req.param('fileId')} was not found.`, QUALTRICS_ERROR_CODES.notFound);
    }
    // The file is the export itself, not wrapped in the result/meta envelope.
    return c.json({ responses: file.responses });
  });

  app.notFound(() => fail(404, 'The requested resource does not exist.', QUALTRICS_ERROR_CODES.notFound));
  app.onError(() => fail(500, 'An unexpected error occurred.', QUALTRICS_ERROR_CODES.server));

  function addResponse(surveyId: string, added: NewResponseOptions = {}): QualtricsResponse {
    const survey = findSurvey(surveyId);
    if (!survey) throw new Error(`no survey ${surveyId} in the Qualtrics simulator`);
    const response = generateResponse(random, state.companies, {
      index: survey.responses.length,
      now: now(),
      recordedAt: added.recordedAt ?? now(),
      values: added.values,
    });
    const at = Date.parse(String(response.values.recordedDate));
    // After every response recorded at or before it: exports list responses in recorded order.
    const after = survey.responses.findIndex((r) => Date.parse(String(r.values.recordedDate)) > at);
    survey.responses.splice(after === -1 ? survey.responses.length : after, 0, response);
    return response;
  }

  const [firstTrigger] = state.triggers.keys();
  return {
    app,
    control,
    state,
    addResponse,
    credentials: {
      apiToken,
      username,
      brandId,
      urlTokenId: firstTrigger ?? '',
      triggerPath: `/inbound-event/v1/events/json/triggers?urlTokenId=${firstTrigger ?? ''}`,
    },
  };
}
