import { type ConnectorContext, ConnectorError, errorFromAnswer, type HttpAnswer, httpRequest } from '@synchub/core';
import { apiBaseOf, locationOf, type QualtricsSecrets, type QualtricsSettings, triggerUrlOf } from './settings.js';

export interface QualtricsSurveySummary {
  id: string;
  name: string;
  ownerId?: string;
  lastModified?: string;
  creationDate?: string;
  isActive?: boolean;
}

export interface QualtricsExportStatus {
  status: 'inProgress' | 'complete' | 'failed';
  percentComplete: number;
  fileId?: string | undefined;
}

export interface QualtricsExportedResponse {
  responseId: string;
  values: Record<string, unknown>;
  [key: string]: unknown;
}

/** Qualtrics accepted the event (any 2xx); the ids where its answer carried them, null where it did not. */
export interface QualtricsTriggerResult {
  status: number;
  eventId: string | null;
  requestId: string | null;
  /** The answer body as it came (null when empty). */
  body: unknown;
}

export interface QualtricsClient {
  /** Every survey the token can see, following `result.nextPage`. */
  listSurveys(): Promise<QualtricsSurveySummary[]>;
  /** `GET /surveys/{id}`: questions, embedded data, export column map. */
  getSurvey(surveyId: string): Promise<Record<string, unknown>>;
  /** Start a JSON response export; `startDate` keeps only responses recorded from then on. */
  startExport(surveyId: string, range?: { startDate?: string; endDate?: string }): Promise<string>;
  pollExport(surveyId: string, progressId: string): Promise<QualtricsExportStatus>;
  downloadExport(surveyId: string, fileId: string): Promise<QualtricsExportedResponse[]>;
  /**
   * Fire the workflow's JSON-event trigger. Any 2xx means the workflow was triggered: Qualtrics promises
   * "202 with eventId and requestId" but documents no shape, so the ids are looked for in the body's usual
   * places and in the headers, and are null when absent.
   */
  triggerEvent(payload: Record<string, unknown>): Promise<QualtricsTriggerResult>;
}

/** Qualtrics refuses JSON-event bodies above 100 KB: refuse them here without spending a call. */
export const MAX_EVENT_BYTES = 100 * 1024;
/** Safety stop for `nextPage` loops. */
const MAX_PAGES = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `meta.error` of a Qualtrics error envelope, when the body is one. */
function envelopeError(body: unknown): { errorMessage?: string; errorCode?: string } {
  const error = isObject(body) && isObject(body.meta) ? body.meta.error : undefined;
  if (!isObject(error)) return {};
  return {
    errorMessage: typeof error.errorMessage === 'string' ? error.errorMessage : undefined,
    errorCode: typeof error.errorCode === 'string' ? error.errorCode : undefined,
  };
}

function failure(answer: HttpAnswer, now: number, what: string, where: string, secret: string): ConnectorError {
  const { errorMessage, errorCode } = envelopeError(answer.body);
  let said = errorMessage ?? (typeof answer.body === 'string' ? answer.body.trim().slice(0, 200) : '');
  if (secret) said = said.split(secret).join('***');
  const detail = said ? `: ${said}` : '';
  const lead =
    answer.status === 401
      ? `Qualtrics (${where}) rejected the API token while trying to ${what} (401)`
      : answer.status === 429
        ? `Qualtrics (${where}) is rate limiting this brand (429) while trying to ${what}`
        : `Qualtrics (${where}) could not ${what} (${answer.status})`;
  return errorFromAnswer(answer, now, `${lead}${detail}`, { vendorCode: errorCode });
}

/** A string or number id, as text. */
const idText = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;

/** The first id found under one of `names` (case-insensitive) in the given objects, in order. */
function findId(places: unknown[], names: string[]): string | null {
  for (const place of places) {
    if (!isObject(place)) continue;
    for (const [key, value] of Object.entries(place)) {
      if (names.includes(key.toLowerCase())) {
        const id = idText(value);
        if (id) return id;
      }
    }
  }
  return null;
}

const EVENT_ID_KEYS = ['eventid', 'event_id'];
const REQUEST_ID_KEYS = ['requestid', 'request_id'];
const EVENT_ID_HEADERS = ['x-qualtrics-event-id', 'x-event-id', 'event-id'];
const REQUEST_ID_HEADERS = ['x-qualtrics-request-id', 'x-request-id', 'request-id', 'x-requestid'];

/**
 * eventId and requestId from an accepted trigger's answer, wherever it carries them: the v3 envelope
 * (`result.eventId`, `meta.requestId`), the top level, a `data` wrapper, `result.id`, or the headers.
 */
export function triggerIds(answer: Pick<HttpAnswer, 'body' | 'headers'>): {
  eventId: string | null;
  requestId: string | null;
} {
  const b = isObject(answer.body) ? answer.body : {};
  const header = (names: string[]) => {
    for (const name of names) {
      const value = idText(answer.headers?.get(name)?.trim());
      if (value) return value;
    }
    return null;
  };
  const eventId =
    findId([b.result, b, b.data, b.meta], EVENT_ID_KEYS) ??
    (isObject(b.result) ? idText(b.result.id) : null) ??
    header(EVENT_ID_HEADERS);
  const requestId = findId([b.meta, b, b.result, b.data], REQUEST_ID_KEYS) ?? header(REQUEST_ID_HEADERS);
  return { eventId, requestId };
}

function unexpected(what: string, answer: HttpAnswer): ConnectorError {
  return new ConnectorError('unexpected', `Qualtrics answered ${what} in a shape the connector does not understand`, {
    status: answer.status,
    body: answer.body,
  });
}

export function createQualtricsClient(
  settings: QualtricsSettings,
  secrets: QualtricsSecrets,
  ctx: ConnectorContext,
): QualtricsClient {
  const api = apiBaseOf(settings);
  const where = locationOf(settings);
  const token = secrets.apiToken;

  async function send(
    what: string,
    url: string,
    init: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      /** The call changes something at Qualtrics (fires a workflow): a dry run records it and answers this. */
      write?: { dryRunAnswer: unknown };
    },
  ) {
    // A write a dry run only records costs no call: it must not spend the brand's budget either.
    if (!(init.write && ctx.dryRun)) await ctx.acquire?.('api');
    const answer = await httpRequest(ctx, {
      method: init.method ?? 'GET',
      url,
      headers: init.headers ?? { 'x-api-token': token },
      body: init.body,
      ...(init.write ? { write: true, dryRunAnswer: init.write.dryRunAnswer } : {}),
    });
    if (answer.status < 200 || answer.status >= 300) throw failure(answer, ctx.now(), what, where, token);
    return answer;
  }

  /** A v3 call whose answer is the `{result, meta}` envelope: returns `result`. */
  async function v3(what: string, url: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
    const answer = await send(what, url, init);
    if (!isObject(answer.body) || !('result' in answer.body)) throw unexpected(what, answer);
    return answer.body.result;
  }

  /** `nextPage` is absolute; keep following it only on our own host so the token never leaves it. */
  function sameHost(next: string): string {
    const target = new URL(next, api);
    const own = new URL(api);
    return target.origin === own.origin ? target.toString() : `${own.origin}${target.pathname}${target.search}`;
  }

  const surveyPath = (id: string) => `${api}/surveys/${encodeURIComponent(id)}`;

  return {
    async listSurveys() {
      const surveys: QualtricsSurveySummary[] = [];
      let url: string | null = `${api}/surveys`;
      for (let page = 0; url; page += 1) {
        if (page >= MAX_PAGES)
          throw new ConnectorError('unexpected', `Qualtrics kept paging surveys past ${MAX_PAGES} pages`);
        const result = await v3('list surveys', url);
        const elements = isObject(result) ? result.elements : undefined;
        if (!Array.isArray(elements))
          throw new ConnectorError('unexpected', 'Qualtrics answered the survey list without elements', {
            body: result,
          });
        surveys.push(...(elements as QualtricsSurveySummary[]));
        const next = isObject(result) ? result.nextPage : null;
        url = typeof next === 'string' && next !== '' ? sameHost(next) : null;
      }
      return surveys;
    },

    async getSurvey(surveyId) {
      const result = await v3(`read survey ${surveyId}`, surveyPath(surveyId));
      if (!isObject(result))
        throw new ConnectorError('unexpected', `Qualtrics answered survey ${surveyId} without a result`);
      return result;
    },

    async startExport(surveyId, range = {}) {
      const result = await v3(`start a response export of ${surveyId}`, `${surveyPath(surveyId)}/export-responses`, {
        method: 'POST',
        body: { format: 'json', compress: false, ...range },
      });
      const progressId = isObject(result) ? result.progressId : undefined;
      if (typeof progressId !== 'string')
        throw new ConnectorError('unexpected', 'Qualtrics started an export without a progressId', { body: result });
      return progressId;
    },

    async pollExport(surveyId, progressId) {
      const result = await v3(
        `poll export ${progressId}`,
        `${surveyPath(surveyId)}/export-responses/${encodeURIComponent(progressId)}`,
      );
      const status = isObject(result) ? result.status : undefined;
      if (!isObject(result) || (status !== 'inProgress' && status !== 'complete' && status !== 'failed')) {
        throw new ConnectorError('unexpected', `Qualtrics answered export ${progressId} with an unknown status`, {
          body: result,
        });
      }
      return {
        status,
        percentComplete: typeof result.percentComplete === 'number' ? result.percentComplete : 0,
        fileId: typeof result.fileId === 'string' ? result.fileId : undefined,
      };
    },

    async downloadExport(surveyId, fileId) {
      // The file is the export itself, not an envelope.
      const answer = await send(
        `download export file ${fileId}`,
        `${surveyPath(surveyId)}/export-responses/${encodeURIComponent(fileId)}/file`,
        {},
      );
      const responses = isObject(answer.body) ? answer.body.responses : undefined;
      if (!Array.isArray(responses)) throw unexpected(`export file ${fileId}`, answer);
      return responses as QualtricsExportedResponse[];
    },

    async triggerEvent(payload) {
      const url = triggerUrlOf(settings);
      const body = JSON.stringify(payload);
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > MAX_EVENT_BYTES) {
        throw new ConnectorError(
          'invalid_request',
          `The event body is ${Math.ceil(bytes / 1024)} KB; Qualtrics accepts at most ${MAX_EVENT_BYTES / 1024} KB`,
        );
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (settings.username) {
        headers.authorization = `Basic ${Buffer.from(`${settings.username}:${token}`, 'utf8').toString('base64')}`;
      } else headers['x-api-token'] = token;
      const dryRunAnswer = {
        result: { eventId: 'dry-run' },
        meta: { httpStatus: '202 - Accepted', requestId: 'dry-run' },
      };
      const answer = await send('trigger the workflow', url, {
        method: 'POST',
        // The object, not `body`: the same JSON on the wire, and a dry run shows it structured.
        body: payload,
        headers,
        write: { dryRunAnswer },
      });
      // A dry run's recorded call answers 200: it stands for the 202 Qualtrics would send.
      const status = ctx.dryRun ? 202 : answer.status;
      // `send` threw for anything but a 2xx: the workflow has been triggered, whatever the body says.
      return { status, ...triggerIds(answer), body: answer.body };
    },
  };
}
