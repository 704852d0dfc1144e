import { Hono } from 'hono';
import { createControl, recordAndInjectFaults, seededRandom, type Simulator } from '../common.js';
import {
  createPendoData,
  DAY_MS,
  defaultAccountSchema,
  type PendoData,
  type PendoFieldType,
  type PendoSchema,
  startOfDay,
} from './data.js';
import { PipelineError, runPipeline } from './pipeline.js';

export interface PendoSimulatorOptions {
  seed?: number;
  /** Generated accounts (default 50); a million is fine, rows are computed when read. */
  accounts?: number;
  /** Use these account ids instead of generated ones (e.g. ids a Salesforce simulator also holds). */
  accountIds?: string[];
  visitorsPerAccount?: number;
  anonymousPerDay?: number;
  features?: number;
  pages?: number;
  historyDays?: number;
  /** Integer custom fields of every third account come back as strings (default true, as users report). */
  integerStrings?: boolean;
  /** Replace the seeded custom fields (name → type). */
  customFields?: Record<string, PendoFieldType>;
  /** Read-write integration key (default derived from the seed). */
  integrationKey?: string;
  /** Key without write access. */
  readOnlyKey?: string;
  /** `Retry-After` seconds on injected 429s; Pendo documents none, so none by default. */
  retryAfterSeconds?: number;
  now?: () => number;
}

export interface PendoReport {
  id: string;
  name: string;
  kind: 'account';
  /** Window of the report's date range, in days ending yesterday. */
  days: number;
}

export interface PendoWriteOutcome {
  at: number;
  accountId: unknown;
  ok: boolean;
  reason?: string;
}

export interface PendoState {
  data: PendoData;
  schema: PendoSchema;
  /** Custom values written through the API, by account id (they override generated values). */
  written: Map<string, Record<string, unknown>>;
  /** Every row the metadata write endpoint judged, with why it failed. */
  writes: PendoWriteOutcome[];
  reports: PendoReport[];
  /** Integration keys the simulator accepts and whether each may write. */
  keys: Map<string, { write: boolean }>;
}

export interface PendoCredentials {
  /** Key with write access. */
  integrationKey: string;
  /** Key without write access: metadata writes answer 403. */
  readOnlyKey: string;
  [name: string]: string;
}

export type PendoSimulator = Simulator<PendoState> & { credentials: PendoCredentials };

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(`${body}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

/** Coerce one written value to its schema type the way Pendo stores it; undefined = refused. */
function coerce(type: PendoFieldType, value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (value === null) return { ok: true, value: null };
  switch (type) {
    case 'string':
      return ['string', 'number', 'boolean'].includes(typeof value)
        ? { ok: true, value: String(value) }
        : { ok: false };
    case 'integer': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'float': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return { ok: true, value: /^true$/i.test(value) };
      return { ok: false };
    case 'time': {
      const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isFinite(ms) ? { ok: true, value: ms } : { ok: false };
    }
    case 'list':
      return Array.isArray(value) ? { ok: true, value } : { ok: false };
  }
}

/** One row per account over the report's window, computed from the same events the aggregation API serves. */
function reportRows(state: PendoState, report: PendoReport, now: number): Record<string, unknown>[] {
  const { data } = state;
  const today = startOfDay(now);
  const totals = new Map<string, { visitors: Set<string>; minutes: number; events: number; days: Set<number> }>();
  for (let day = today - report.days * DAY_MS; day < today; day += DAY_MS) {
    for (const row of data.eventsOfDay('events', day)) {
      if (!row.accountId) continue;
      let t = totals.get(row.accountId);
      if (!t) {
        t = { visitors: new Set(), minutes: 0, events: 0, days: new Set() };
        totals.set(row.accountId, t);
      }
      t.visitors.add(row.visitorId);
      t.minutes += row.numMinutes;
      t.events += row.numEvents;
      t.days.add(row.day);
    }
  }
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < data.accountCount(); i += 1) {
    const account = data.accountRow(i, now, state.written) as {
      accountId: string;
      metadata: { agent: { name: string } };
    };
    const t = totals.get(account.accountId);
    const nps = (i * 37 + report.days) % 11;
    rows.push({
      accountId: account.accountId,
      accountName: account.metadata.agent.name,
      visitors: t?.visitors.size ?? 0,
      timeOnSite: t?.minutes ?? 0,
      numEvents: t?.events ?? 0,
      daysActive: t?.days.size ?? 0,
      lastVisit: t ? Math.max(...t.days) : null,
      npsResponses: t ? (i % 4) + 1 : 0,
      npsScore: t ? (nps - 5) * 20 : null,
    });
  }
  return rows;
}

/**
 * Pendo's v1 API as far as the hub uses it: aggregation pipelines over accounts and events,
 * account reports, the account metadata schema and custom metadata writes, behind
 * `x-pendo-integration-key` (read-only keys cannot write). Error bodies follow Pendo: plain text,
 * except request validation (422 JSON).
 */
export function createPendoSimulator(options: PendoSimulatorOptions = {}): PendoSimulator {
  const seed = options.seed ?? 1;
  const control = createControl(seed);
  const idRandom = seededRandom(seed + 7919);
  const now = options.now ?? Date.now;
  const integrationKey = options.integrationKey ?? `${uuid(idRandom)}.us`;
  const readOnlyKey = options.readOnlyKey ?? `${uuid(idRandom)}.us`;
  const schema = defaultAccountSchema();
  if (options.customFields) {
    schema.custom = Object.fromEntries(
      Object.entries(options.customFields).map(([name, type]) => [
        name,
        { ...schema.agent.name, Type: type, DisplayName: name },
      ]),
    ) as PendoSchema['custom'];
  }
  const state: PendoState = {
    data: createPendoData({
      seed,
      accounts: options.accounts ?? 50,
      accountIds: options.accountIds,
      visitorsPerAccount: options.visitorsPerAccount ?? 5,
      anonymousPerDay: options.anonymousPerDay ?? 2,
      features: options.features ?? 6,
      pages: options.pages ?? 6,
      historyDays: options.historyDays ?? 90,
      integerStrings: options.integerStrings ?? true,
    }),
    schema,
    written: new Map(),
    writes: [],
    reports: [
      { id: 'aCcT7dUsAgE-rpt01', name: 'Account usage (last 7 days)', kind: 'account', days: 7 },
      { id: 'aCcT30dUsAgE-rpt02', name: 'Account usage (last 30 days)', kind: 'account', days: 30 },
    ],
    keys: new Map([
      [integrationKey, { write: true }],
      [readOnlyKey, { write: false }],
    ]),
  };

  const app = new Hono();
  app.use(
    '*',
    recordAndInjectFaults(control, {
      rateLimited: () =>
        text(
          429,
          'Too Many Requests',
          options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) },
        ),
      serverError: (status) => text(status, status === 500 ? 'Internal Server Error' : 'Service Unavailable'),
    }),
  );
  app.use('/api/*', async (c, next) => {
    const key = c.req.header('x-pendo-integration-key');
    if (!key || !state.keys.has(key)) {
      return text(
        401,
        key ? 'Unauthorized: invalid integration key' : 'Unauthorized: missing x-pendo-integration-key header',
      );
    }
    await next();
  });

  app.post('/api/v1/aggregation', async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (error) {
      return text(400, `invalid JSON body: ${(error as Error).message}`);
    }
    const req = (body as { request?: { pipeline?: unknown } } | null)?.request;
    const mimeType = (body as { response?: { mimeType?: unknown } } | null)?.response?.mimeType;
    if (
      req?.pipeline === undefined ||
      req.pipeline === null ||
      (Array.isArray(req.pipeline) && req.pipeline.length === 0)
    ) {
      return c.json({ overall: {}, fields: { pipeline: 'Required' } }, 422);
    }
    if (!Array.isArray(req.pipeline)) return c.json({ overall: {}, fields: { pipeline: 'Must be a list' } }, 422);
    if (mimeType !== undefined && mimeType !== 'application/json') {
      return text(400, `response.mimeType ${JSON.stringify(mimeType)} is not supported by the simulator`);
    }
    try {
      return c.json(runPipeline(req.pipeline, { data: state.data, now: now(), written: state.written }));
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      return typeof error.body === 'string' ? text(error.status, error.body) : c.json(error.body, 422);
    }
  });

  app.get('/api/v1/report', (c) =>
    c.json(state.reports.map((r) => ({ id: r.id, name: r.name, kind: r.kind, level: 'account', shared: true }))),
  );
  app.get('/api/v1/report/:reportId/results.json', (c) => {
    const report = state.reports.find((r) => r.id === c.req.param('reportId'));
    if (!report) return text(404, `report ${c.req.param('reportId')} not found`);
    return c.json(reportRows(state, report, now()));
  });

  app.get('/api/v1/feature', (c) => c.json(state.data.features.map((f) => ({ ...f, kind: 'Feature' }))));
  app.get('/api/v1/page', (c) => c.json(state.data.pages.map((p) => ({ ...p, kind: 'Page' }))));

  app.get('/api/v1/metadata/schema/account', (c) => c.json(state.schema));

  app.post('/api/v1/metadata/account/custom/value', async (c) => {
    const key = c.req.header('x-pendo-integration-key') as string;
    if (!state.keys.get(key)?.write) return text(403, 'Forbidden: integration key does not have write access');
    let rows: unknown;
    try {
      rows = JSON.parse(await c.req.text());
    } catch (error) {
      return text(400, `invalid JSON body: ${(error as Error).message}`);
    }
    if (!Array.isArray(rows)) return text(400, 'expected a JSON array of {"accountId","values"} objects');
    const missing: string[] = [];
    let updated = 0;
    const at = now();
    for (const raw of rows) {
      const row = (raw ?? {}) as { accountId?: unknown; values?: unknown };
      const fail = (reason: string) => state.writes.push({ at, accountId: row.accountId, ok: false, reason });
      if (typeof row.accountId !== 'string' || row.accountId === '') {
        fail('accountId missing');
        continue;
      }
      if (!state.data.hasAccount(row.accountId)) {
        missing.push(row.accountId);
        fail('account not found');
        continue;
      }
      if (row.values === null || typeof row.values !== 'object' || Array.isArray(row.values)) {
        fail('values must be an object');
        continue;
      }
      const coerced: Record<string, unknown> = {};
      let reason: string | undefined;
      for (const [name, value] of Object.entries(row.values)) {
        const field = state.schema.custom[name];
        if (!field) {
          reason = `unknown custom field "${name}"`;
          break;
        }
        const result = coerce(field.Type, value);
        if (!result.ok) {
          reason = `value for "${name}" is not a valid ${field.Type}`;
          break;
        }
        coerced[name] = result.value;
      }
      if (reason) {
        fail(reason);
        continue;
      }
      state.written.set(row.accountId, { ...state.written.get(row.accountId), ...coerced });
      state.writes.push({ at, accountId: row.accountId, ok: true });
      updated += 1;
    }
    return c.json({ total: rows.length, updated, failed: rows.length - updated, missing });
  });

  // Go's default answers, as Pendo's API gives them.
  app.notFound(() => text(404, '404 page not found'));
  app.onError(() => text(500, 'Internal Server Error'));

  return { app, control, state, credentials: { integrationKey, readOnlyKey } };
}
