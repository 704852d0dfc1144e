/**
 * Salesforce REST client: OAuth token (refresh_token or client_credentials), the instance it names,
 * sessions kept between operations, one transparent re-login on INVALID_SESSION_ID, Salesforce's error arrays mapped to ConnectorError,
 * and the org's API usage read from `Sforce-Limit-Info` and reported to the host (`ctx.reportUsage`), whose
 * limiter paces and stops by it.
 */
import { createHash } from 'node:crypto';
import {
  type ConnectorContext,
  ConnectorError,
  DAY,
  errorFromAnswer,
  type HttpAnswer,
  httpRequest,
  isConnectorError,
  normalizeBaseUrl,
} from '@synchub/core';
import { assertCredentials, type SalesforceSecrets, type SalesforceSettings } from './settings.js';

/** Most records one `composite/sobjects` call accepts. */
export const COMPOSITE_LIMIT = 200;

export interface ApiUsage {
  used: number;
  max: number;
}

export interface QueryPage<R = SalesforceRecord> {
  totalSize: number;
  done: boolean;
  records: R[];
}

export interface QueryOptions {
  /** Rows per page wanted (`Sforce-Query-Options: batchSize`): clamped to 200–2,000, and only a hint. */
  batchSize?: number | undefined;
}

export type SalesforceRecord = { attributes?: { type: string; url?: string } } & Record<string, unknown>;

export interface SalesforceField {
  name: string;
  label: string;
  type: string;
  custom: boolean;
  updateable: boolean;
  createable: boolean;
  nillable: boolean;
  calculated?: boolean;
  defaultedOnCreate?: boolean;
  length?: number;
  picklistValues?: Array<{ value: string; label?: string; active?: boolean }>;
  referenceTo?: string[];
}

export interface SObjectDescribe {
  name: string;
  label: string;
  custom: boolean;
  keyPrefix?: string | null;
  fields: SalesforceField[];
}

export interface GlobalSObject {
  name: string;
  label: string;
  custom: boolean;
  queryable: boolean;
  updateable?: boolean;
  retrieveable?: boolean;
}

export interface CompositeRecord {
  attributes: { type: string };
  id: string;
  [field: string]: unknown;
}

export interface CompositeError {
  statusCode: string;
  message: string;
  fields?: string[];
}

export type CompositeResult = { id?: string; success: boolean; errors: CompositeError[] };

export type SalesforceLimits = Record<string, { Max: number; Remaining: number }>;

export interface SalesforceClient {
  /** The org's instance, known after the first token. */
  readonly instanceUrl: string | undefined;
  /** The last `Sforce-Limit-Info` usage seen (calls spent in the rolling 24 h / daily budget). */
  readonly apiUsage: ApiUsage | undefined;
  /** Get a token now (calls do this on demand). */
  authenticate(): Promise<void>;
  /** Pages of a SOQL query, following `nextRecordsUrl` until done. */
  query<R = SalesforceRecord>(soql: string, options?: QueryOptions): AsyncGenerator<QueryPage<R>>;
  describe(sobject: string): Promise<SObjectDescribe>;
  describeGlobal(): Promise<GlobalSObject[]>;
  updateRecord(sobject: string, id: string, fields: Record<string, unknown>): Promise<void>;
  /** One result per record, in order; a 200 answer may still hold failed records. */
  compositeUpdate(records: CompositeRecord[], allOrNone: boolean): Promise<CompositeResult[]>;
  limits(): Promise<SalesforceLimits>;
}

interface Session {
  accessToken: string;
  instanceUrl: string;
}

/** Salesforce accepts query batch sizes from 200 to 2,000 rows. */
const MIN_BATCH_SIZE = 200;
const MAX_BATCH_SIZE = 2000;

/**
 * How long to hold off after REQUEST_LIMIT_EXCEEDED ("TotalRequests"): Salesforce says no time, and the daily
 * budget is a rolling 24 h, so calls come back gradually. After this, one call probes (its answer carries
 * the usage again).
 */
const DAILY_LIMIT_BACKOFF_MS = 3_600_000;
const CONCURRENCY_BACKOFF_MS = 10_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unexpected(what: string, answer: HttpAnswer): ConnectorError {
  return new ConnectorError('unexpected', `Salesforce answered ${what} with a body we could not read`, {
    status: answer.status,
    body: answer.body,
  });
}

/** Salesforce's data API errors are arrays of `{message, errorCode, fields?}`. */
function dataError(answer: HttpAnswer, what: string, now: number): ConnectorError {
  const first = Array.isArray(answer.body) && isObject(answer.body[0]) ? answer.body[0] : undefined;
  const errorCode = typeof first?.errorCode === 'string' ? first.errorCode : undefined;
  const vendorMessage = typeof first?.message === 'string' ? first.message.trim() : `HTTP ${answer.status}`;
  const message = `Salesforce ${what} failed: ${errorCode ? `${errorCode}: ` : ''}${vendorMessage}`;
  const options = { status: answer.status, body: answer.body, vendorCode: errorCode };
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    if (isDailyLimitExceeded(answer)) {
      const retryAt = now + DAILY_LIMIT_BACKOFF_MS;
      return new ConnectorError(
        'rate_limited',
        `Salesforce org API limit reached: ${errorCode}: ${vendorMessage} The org's daily API calls are spent (by all its integrations together); the hub tries again after ${new Date(retryAt).toISOString()}`,
        { ...options, retryAt },
      );
    }
    return new ConnectorError('rate_limited', message, { ...options, retryAt: now + CONCURRENCY_BACKOFF_MS });
  }
  if (errorCode === 'INVALID_QUERY_LOCATOR') {
    // The cursor died with its session (or idled out): rerunning the query from the saved cursor works.
    return new ConnectorError('transient', `${message} (the query must be started again)`, options);
  }
  return errorFromAnswer(answer, now, message, { vendorCode: errorCode });
}

/** 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.": the org's daily budget is gone (not the concurrency limit). */
function isDailyLimitExceeded(answer: HttpAnswer): boolean {
  if (answer.status !== 403 || !Array.isArray(answer.body)) return false;
  return answer.body.some(
    (e) => isObject(e) && e.errorCode === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(String(e.message ?? '')),
  );
}

/**
 * The host refused a call for the org's budget (see the connection's dailyApi… settings): say so in
 * Salesforce's terms, from the numbers the host gave.
 */
function budgetRefusal(error: ConnectorError): ConnectorError {
  const body = isObject(error.body) ? error.body : {};
  const n = (v: unknown) => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : '?');
  const at = error.retryAt === undefined ? 'later' : new Date(error.retryAt).toISOString();
  const message =
    body.reason === 'pacing'
      ? `Salesforce org API budget nearly spent: the org has used ${n(body.used)} of its ${n(body.limit)} daily API calls, so the hub spaces its calls (past ${n(body.slowLine)}); the next may go at ${at}`
      : body.reason === 'stopped'
        ? `Salesforce org API limit reached: the org has used ${n(body.used)} of its ${n(body.limit)} daily API calls; the hub stops at ${n(body.stopLine)}, leaving the rest to the org's other integrations, and checks again at ${at}`
        : `Salesforce org API limit reached: Salesforce refused calls because the org's daily API calls are spent; the hub tries again after ${at}`;
  return new ConnectorError('rate_limited', message, { retryAt: error.retryAt, body: error.body, cause: error });
}

/** OAuth errors are `{error, error_description}`; a refused credential is `auth`, a wrong host or flow is `config`. */
function tokenError(answer: HttpAnswer, now: number): ConnectorError {
  const body = isObject(answer.body) ? answer.body : {};
  const error = typeof body.error === 'string' ? body.error : undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : `HTTP ${answer.status}`;
  if (answer.status >= 500 || answer.status === 429) {
    return errorFromAnswer(answer, now, `Salesforce token endpoint failed: ${description}`, { vendorCode: error });
  }
  if (error === 'invalid_grant' && /not supported on this domain/i.test(description)) {
    return errorFromAnswer(
      answer,
      now,
      'Salesforce refused the client_credentials flow on this login URL: use your My Domain URL (https://<domain>.my.salesforce.com)',
      { vendorCode: error, code: 'config' },
    );
  }
  if (error === 'unsupported_grant_type') {
    return errorFromAnswer(answer, now, `Salesforce does not accept this authentication flow here: ${description}`, {
      vendorCode: error,
      code: 'config',
    });
  }
  const message = `Salesforce refused the credentials: ${error ?? 'error'}: ${description}`;
  return errorFromAnswer(answer, now, message, { vendorCode: error, code: 'auth' });
}

/** The session of one connection (login URL, app, credentials), and the login under way, if any. */
interface CachedSession {
  session?: Session | undefined;
  pending?: Promise<Session> | undefined;
}

/** Sessions by connection; see `createSessionCache`. */
export type SessionCache = Map<string, CachedSession>;

/**
 * Sessions outlive one operation: a sync runs many reads and write batches, and Salesforce limits
 * logins per user per hour. Clients share this cache unless given their own (tests do).
 */
export function createSessionCache(): SessionCache {
  return new Map();
}

const sharedSessions = createSessionCache();
/** Connections remembered at most; the oldest is forgotten first. */
const MAX_CACHED_SESSIONS = 100;

function sessionKey(loginUrl: string, settings: SalesforceSettings, secrets: SalesforceSecrets): string {
  // Hashed, so the cache never holds credentials as keys; new credentials mean a new login.
  const credentials = [settings.authFlow, settings.clientId, secrets.clientSecret, secrets.refreshToken ?? ''];
  const digest = createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
  return `${loginUrl} ${settings.sandbox} ${digest}`;
}

export function createSalesforceClient(
  settings: SalesforceSettings,
  secrets: SalesforceSecrets,
  ctx: ConnectorContext,
  sessions: SessionCache = sharedSessions,
): SalesforceClient {
  const loginUrl = normalizeBaseUrl(settings.loginUrl, { allowHttp: settings.sandbox });
  const base = `/services/data/${settings.apiVersion}`;
  const key = sessionKey(loginUrl, settings, secrets);
  const cached = (): CachedSession => {
    let entry = sessions.get(key);
    if (!entry) {
      entry = {};
      sessions.set(key, entry);
      if (sessions.size > MAX_CACHED_SESSIONS) sessions.delete(sessions.keys().next().value!);
    }
    return entry;
  };
  let apiUsage: ApiUsage | undefined;
  let warnedUsage = false;

  async function requestToken(): Promise<Session> {
    assertCredentials(settings, secrets);
    const form = new URLSearchParams({ grant_type: settings.authFlow, client_id: settings.clientId });
    form.set('client_secret', secrets.clientSecret);
    if (settings.authFlow === 'refresh_token') form.set('refresh_token', secrets.refreshToken ?? '');
    const answer = await httpRequest(ctx, {
      method: 'POST',
      url: `${loginUrl}/services/oauth2/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    if (answer.status < 200 || answer.status >= 300) throw tokenError(answer, ctx.now());
    const body = isObject(answer.body) ? answer.body : {};
    if (typeof body.access_token !== 'string' || typeof body.instance_url !== 'string') {
      throw unexpected('the token request', answer);
    }
    // The instance comes from Salesforce's answer; it must meet the same https rule as the login URL.
    const instanceUrl = normalizeBaseUrl(body.instance_url, { allowHttp: settings.sandbox });
    return { accessToken: body.access_token, instanceUrl };
  }

  /** One token request at a time; callers whose token went stale all wait for the same new one. */
  function login(stale?: Session): Promise<Session> {
    const entry = cached();
    if (entry.session && entry.session !== stale) return Promise.resolve(entry.session);
    entry.pending ??= requestToken()
      .then(
        (fresh) => {
          entry.session = fresh;
          return fresh;
        },
        (error: unknown) => {
          // A refused login leaves no session to try first next time.
          entry.session = undefined;
          throw error;
        },
      )
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  }

  /**
   * Every answer says how much of the org's rolling 24 h budget is spent, by everyone: tell the host, whose
   * limiter paces and stops by it. A refusal for the spent budget holds every caller of the org.
   */
  async function readLimitInfo(answer: HttpAnswer, answeredAt: number): Promise<void> {
    const match = /api-usage=(\d+)\/(\d+)/.exec(answer.headers.get('sforce-limit-info') ?? '');
    if (match) {
      apiUsage = { used: Number(match[1]), max: Number(match[2]) };
      if (!warnedUsage && apiUsage.used >= apiUsage.max * 0.9) {
        warnedUsage = true;
        ctx.log?.('warn', 'Salesforce daily API budget is 90% spent', { ...apiUsage });
      }
    }
    const exhaustedUntil = isDailyLimitExceeded(answer) ? answeredAt + DAILY_LIMIT_BACKOFF_MS : undefined;
    if (!ctx.reportUsage || (!match && exhaustedUntil === undefined)) return;
    try {
      await ctx.reportUsage(
        match
          ? { bucket: 'api', used: Number(match[1]), limit: Number(match[2]), windowMs: DAY, exhaustedUntil }
          : { bucket: 'api', exhaustedUntil: exhaustedUntil as number },
      );
    } catch (error) {
      // The call itself went through: a host that could not keep the report must not fail it.
      ctx.log?.('warn', 'Could not report the Salesforce API usage to the hub', { error: String(error) });
    }
  }

  /** The host's limiter may refuse a call for the org's budget: in Salesforce's words. */
  async function acquire(): Promise<void> {
    try {
      await ctx.acquire?.('api');
    } catch (error) {
      if (isConnectorError(error) && error.code === 'rate_limited') throw budgetRefusal(error);
      throw error;
    }
  }

  /**
   * One data call: spends the api bucket, logs in on demand, re-logs in once on 401. A `write` changes
   * records: in a dry run it is recorded and answered `write.dryRunAnswer` (the login still goes out).
   */
  async function call(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    headers: Record<string, string> = {},
    write?: { dryRunAnswer: unknown },
  ): Promise<HttpAnswer> {
    let current = await login();
    for (let attempt = 0; ; attempt++) {
      // A write a dry run only records costs no call: it must not spend the org's budget either. Nor does
      // the repeat after INVALID_SESSION_ID: Salesforce counted no call for the refused session.
      if (attempt === 0 && !(write && ctx.dryRun)) await acquire();
      const answer = await httpRequest(ctx, {
        method,
        url: new URL(path, current.instanceUrl).toString(),
        headers: { ...headers, authorization: `Bearer ${current.accessToken}` },
        body,
        ...(write ? { write: true, dryRunAnswer: write.dryRunAnswer } : {}),
      });
      // One clock reading per answer: the hold reported to the host and the error's retryAt must agree.
      const answeredAt = ctx.now();
      await readLimitInfo(answer, answeredAt);
      if (answer.status === 401 && attempt === 0) {
        current = await login(current);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return answer;
      throw dataError(answer, what, answeredAt);
    }
  }

  return {
    get instanceUrl() {
      return sessions.get(key)?.session?.instanceUrl;
    },
    get apiUsage() {
      return apiUsage;
    },

    async authenticate() {
      await login();
    },

    async *query<R = SalesforceRecord>(soql: string, options: QueryOptions = {}): AsyncGenerator<QueryPage<R>> {
      let path = `${base}/query?q=${encodeURIComponent(soql)}`;
      const headers: Record<string, string> = {};
      if (options.batchSize !== undefined) {
        const size = Math.min(MAX_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Math.floor(options.batchSize)));
        headers['sforce-query-options'] = `batchSize=${size}`;
      }
      for (;;) {
        const answer = await call('GET', path, 'query', undefined, headers);
        const page = answer.body;
        if (!isObject(page) || !Array.isArray(page.records) || typeof page.done !== 'boolean') {
          throw unexpected('a query', answer);
        }
        const totalSize = typeof page.totalSize === 'number' ? page.totalSize : page.records.length;
        yield { totalSize, done: page.done, records: page.records as R[] };
        if (page.done) return;
        // Follow only a path on the same instance: the bearer token must never go to another host.
        if (typeof page.nextRecordsUrl !== 'string' || !/^\/services\/data\//.test(page.nextRecordsUrl)) {
          throw unexpected('a query page without a usable nextRecordsUrl', answer);
        }
        path = page.nextRecordsUrl;
      }
    },

    async describe(sobject) {
      const answer = await call(
        'GET',
        `${base}/sobjects/${encodeURIComponent(sobject)}/describe`,
        `describe ${sobject}`,
      );
      if (!isObject(answer.body) || !Array.isArray(answer.body.fields)) throw unexpected(`describe ${sobject}`, answer);
      return answer.body as unknown as SObjectDescribe;
    },

    async describeGlobal() {
      const answer = await call('GET', `${base}/sobjects`, 'describe global');
      if (!isObject(answer.body) || !Array.isArray(answer.body.sobjects)) throw unexpected('describe global', answer);
      return answer.body.sobjects as GlobalSObject[];
    },

    async updateRecord(sobject, id, fields) {
      const path = `${base}/sobjects/${encodeURIComponent(sobject)}/${encodeURIComponent(id)}`;
      // Salesforce answers a record update 204 with no body.
      await call('PATCH', path, `update ${sobject} ${id}`, fields, {}, { dryRunAnswer: null });
    },

    async compositeUpdate(records, allOrNone) {
      if (records.length === 0) return [];
      if (records.length > COMPOSITE_LIMIT) {
        throw new ConnectorError(
          'invalid_request',
          `Salesforce updates at most ${COMPOSITE_LIMIT} records per call (got ${records.length})`,
        );
      }
      const answer = await call(
        'PATCH',
        `${base}/composite/sobjects`,
        'composite update',
        { allOrNone, records },
        {},
        { dryRunAnswer: records.map((r) => ({ id: r.id, success: true, errors: [] })) },
      );
      const results = answer.body;
      if (!Array.isArray(results) || results.length !== records.length || !results.every(isObject)) {
        throw unexpected('a composite update', answer);
      }
      return results.map((r) => ({
        ...(typeof r.id === 'string' ? { id: r.id } : {}),
        success: r.success === true,
        errors: Array.isArray(r.errors) ? (r.errors as CompositeError[]) : [],
      }));
    },

    async limits() {
      const answer = await call('GET', `${base}/limits`, 'limits');
      if (!isObject(answer.body)) throw unexpected('limits', answer);
      return answer.body as SalesforceLimits;
    },
  };
}
