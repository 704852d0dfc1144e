import type { SalesforceRecord } from './data.js';
import type { SObjectSchema } from './schema.js';

export interface SalesforceSession {
  token: string;
  grant: 'refresh_token' | 'client_credentials';
  issuedAt: number;
  lastUsedAt: number;
  userId: string;
}

/** A server-side query result being paged through `nextRecordsUrl`; it belongs to the session that ran the query. */
export interface QueryCursor {
  id: string;
  token: string;
  rows: Array<Record<string, unknown>>;
  /** Rows per page, fixed when the query ran. */
  pageSize: number;
  lastUsedAt: number;
}

export interface SalesforceState {
  /** Object metadata by API name. */
  objects: Map<string, SObjectSchema>;
  /** Records by object API name, then by 18-character id. */
  records: Map<string, Map<string, SalesforceRecord>>;
  /** Live access tokens. */
  sessions: Map<string, SalesforceSession>;
  cursors: Map<string, QueryCursor>;
  /** Times of counted API calls within the rolling 24 hours (this client's: everything the simulator served). */
  apiCalls: number[];
  /**
   * Calls the org's other integrations and users spent, as batches with the time they were made: they count
   * in the same rolling 24 hours (the budget is the org's) and age out like any call.
   */
  othersApiCalls: Array<{ at: number; count: number }>;
  dailyApiLimit: number;
  /** Rows per query page (Salesforce: up to 2,000); a smaller `Sforce-Query-Options: batchSize` wins. */
  pageSize: number;
  /** A session unused for this long answers INVALID_SESSION_ID. */
  sessionTimeoutMs: number;
  /** Whether the connected app has a run-as user for the client credentials flow. */
  clientCredentialsEnabled: boolean;
  /** Serial for query locator ids. */
  nextCursor: number;
}

/** Everything the routes need: the data, the accepted credentials (read live, so tests can rotate them), the clock. */
export interface SalesforceContext {
  state: SalesforceState;
  credentials: Record<string, string>;
  now: () => number;
}

/** Salesforce's REST error body: always an array. */
export function errorBody(errorCode: string, message: string, fields?: string[]) {
  return [fields === undefined ? { message, errorCode } : { message, errorCode, fields }];
}

const DAY_MS = 86_400_000;

/** Calls the org spent (ours and everyone else's) in the rolling 24-hour window ending now. */
export function apiUsage(state: SalesforceState, now: number): number {
  const from = now - DAY_MS;
  let drop = 0;
  while (drop < state.apiCalls.length && state.apiCalls[drop]! <= from) drop++;
  if (drop > 0) state.apiCalls.splice(0, drop);
  state.othersApiCalls = state.othersApiCalls.filter((batch) => batch.at > from);
  return state.apiCalls.length + state.othersApiCalls.reduce((sum, batch) => sum + batch.count, 0);
}
