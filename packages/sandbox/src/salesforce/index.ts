/**
 * A Salesforce org: OAuth token endpoint, REST data API (SOQL query with paging, describe, record and
 * collection updates, limits) and the rolling daily API budget, faithful to shared/vendor-apis/salesforce.md.
 *
 * Hosts: on Salesforce the shared login host (login.salesforce.com) and the org's My Domain are two hosts.
 * Here the server root is the org's My Domain (token endpoint for both grants, and the instance that serves
 * `/services/data`), and `/login` stands in for the shared login host: its token endpoint refuses
 * client_credentials as Salesforce does. So `loginUrl: url` and `loginUrl: url + SALESFORCE_LOGIN_PATH`
 * model the two choices a user has. Token answers name the server itself (from the Host header) as
 * `instance_url`.
 */
import { Hono } from 'hono';
import { createControl, recordAndInjectFaults, type Simulator } from '../common.js';
import { tokenRoutes } from './auth.js';
import { type SalesforceRecord, seedOrg } from './data.js';
import { dataRoutes } from './routes.js';
import { OBJECTS } from './schema.js';
import { apiUsage, errorBody, type SalesforceContext, type SalesforceState } from './state.js';

export { makeId as salesforceId, formatDatetime as formatSalesforceDatetime, type SalesforceRecord } from './data.js';
export type { FieldSchema as SalesforceFieldSchema, SObjectSchema as SalesforceObjectSchema } from './schema.js';
export type { QueryCursor as SalesforceQueryCursor, SalesforceSession, SalesforceState } from './state.js';

/** Path prefix of the stand-in for the shared login host (login.salesforce.com). */
export const SALESFORCE_LOGIN_PATH = '/login';

export interface SalesforceSimulatorOptions {
  /** Seed for the org's data and for fault decisions (default 1). */
  seed?: number;
  /** Seeded accounts (default 25); each gets one contact. */
  accounts?: number;
  /**
   * Gainsight_GSID__c of the seeded accounts, in order (account i gets the i-th; null or past the end:
   * none), so a Gainsight simulator's company Gsids line up. Default: generated, every fifth empty.
   */
  gsids?: Array<string | null>;
  /** Rows per query page (default 2000, as on Salesforce); tests set it small to exercise paging. */
  pageSize?: number;
  /** Daily API request budget (default 15000, a developer org). */
  dailyApiLimit?: number;
  /** Idle time after which an access token answers INVALID_SESSION_ID (default 2 hours). */
  sessionTimeoutMs?: number;
  /** Whether the connected app has a run-as user for client_credentials (default true). */
  clientCredentials?: boolean;
  credentials?: Partial<{ clientId: string; clientSecret: string; refreshToken: string }>;
  /** Clock for sessions, cursors, the rolling budget and SystemModstamp (default Date.now). */
  now?: () => number;
}

export interface SalesforceSimulator extends Simulator<SalesforceState> {
  /** End every session now, as a timeout or an admin's revoke would: the next data call answers 401. */
  expireSessions(): void;
  /** API calls the org spent in the rolling 24 hours: this client's plus the other integrations'. */
  apiUsage(): number;
  /**
   * The org's other integrations and users have spent `calls` API calls in the rolling 24 hours (made at
   * `at`, default now, so they age out a day later): replaces what was set before. Every answer's
   * `Sforce-Limit-Info` counts them, and past the limit calls answer 403 REQUEST_LIMIT_EXCEEDED.
   */
  setOthersApiUsage(calls: number, at?: number): void;
  /** A record by object and 18-character id (the live object: tests read what writes did). */
  record(object: string, id: string): SalesforceRecord | undefined;
}

export function createSalesforceSimulator(options: SalesforceSimulatorOptions = {}): SalesforceSimulator {
  const seed = options.seed ?? 1;
  const control = createControl(seed);
  const now = options.now ?? Date.now;
  const seeded = seedOrg({ accounts: options.accounts ?? 25, seed, gsids: options.gsids });
  const byId = (rows: SalesforceRecord[]) => new Map(rows.map((r) => [String(r.Id), r]));
  const state: SalesforceState = {
    objects: new Map(OBJECTS.map((o) => [o.name, o])),
    records: new Map([
      ['Account', byId(seeded.accounts)],
      ['Contact', byId(seeded.contacts)],
      ['User', byId(seeded.users)],
    ]),
    sessions: new Map(),
    cursors: new Map(),
    apiCalls: [],
    othersApiCalls: [],
    dailyApiLimit: options.dailyApiLimit ?? 15_000,
    pageSize: options.pageSize ?? 2000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 2 * 3_600_000,
    clientCredentialsEnabled: options.clientCredentials ?? true,
    nextCursor: 1,
  };
  const credentials: Record<string, string> = {
    clientId: options.credentials?.clientId ?? '3MVG9simSynchubConnectedApp.salesforce',
    clientSecret: options.credentials?.clientSecret ?? 'sim-salesforce-client-secret',
    refreshToken: options.credentials?.refreshToken ?? '5Aep861simRefreshToken.salesforce',
  };
  const sim: SalesforceContext = { state, credentials, now };

  const app = new Hono();
  // Every data API answer says how much of the org's budget is spent, injected faults included (the routes
  // set it on the answers they make; a 401 comes before any session, so it carries none).
  app.use('/services/data/*', async (c, next) => {
    await next();
    if (
      /^\/services\/data\/v[^/]+\//.test(c.req.path) &&
      c.res.status !== 401 &&
      !c.res.headers.has('Sforce-Limit-Info')
    ) {
      c.res.headers.set('Sforce-Limit-Info', `api-usage=${apiUsage(state, now())}/${state.dailyApiLimit}`);
    }
  });
  app.use(
    '*',
    recordAndInjectFaults(control, {
      // Salesforce has no 429: "slow down" is a 403 REQUEST_LIMIT_EXCEEDED on concurrent long requests.
      rateLimited: () =>
        Response.json(errorBody('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'), { status: 403 }),
      serverError: (status) =>
        Response.json(
          status === 503
            ? errorBody('SERVER_UNAVAILABLE', 'Server temporarily unavailable, please try again later.')
            : errorBody(
                'UNKNOWN_EXCEPTION',
                'An unexpected error occurred. Please include this ErrorId if you contact support: 1428593650-46917 (-1186587913)',
              ),
          { status },
        ),
    }),
  );
  app.route('/', tokenRoutes(sim, { myDomain: true }));
  app.route(SALESFORCE_LOGIN_PATH, tokenRoutes(sim, { myDomain: false }));
  app.route('/', dataRoutes(sim));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'The requested resource does not exist'), 404));
  app.onError((error, c) =>
    c.json(errorBody('UNKNOWN_EXCEPTION', `An unexpected error occurred: ${(error as Error).message}`), 500),
  );

  return {
    app,
    control,
    state,
    credentials,
    expireSessions: () => {
      state.sessions.clear();
    },
    apiUsage: () => apiUsage(state, now()),
    setOthersApiUsage: (calls, at = now()) => {
      state.othersApiCalls = calls > 0 ? [{ at, count: Math.floor(calls) }] : [];
    },
    record: (object, id) => state.records.get(object)?.get(id),
  };
}
