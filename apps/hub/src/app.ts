import fs from 'node:fs';
import path from 'node:path';
import type { ConnectorContext, ConnectorDefinition } from '@synchub/core';
import { Hono, type MiddlewareHandler } from 'hono';
import type { BlankEnv } from 'hono/types';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { type Alerts, alertRoutes } from './alerts/index.js';
import type { Audit } from './audit.js';
import type { BacklogEntry } from './backlog.js';
import type { AdminAuth } from './auth.js';
import type { ConnectionStore } from './connections.js';
import { HubError, handleError } from './errors.js';
import type { LoadedPlugins } from './host/plugins.js';
import { HUB_MOUNTS, type PluginRuntime } from './host/runtime.js';
import type { HubLogger } from './logger.js';
import { accountRoutes } from './routes/accounts.js';
import { configRoutes } from './config/routes.js';
import { connectionRoutes } from './routes/connections.js';
import { connectorRoutes, type ConnectorCatalog } from './routes/connectors.js';
import { destinationRoutes } from './routes/destinations.js';
import { type ChangeFeed, eventRoutes } from './routes/events.js';
import { sourceRoutes } from './routes/sources.js';
import type { Destinations } from './destinations.js';
import type { Outbox } from './ingest/outbox.js';
import type { Refusals } from './ingest/refusals.js';
import { ingestRoutes } from './ingest/routes.js';
import type { Sources } from './sources.js';
import type { Db } from './db/index.js';
import type { PipelineKind } from './pipelines/kind.js';
import type { Previewer } from './pipelines/preview.js';
import type { Runner } from './pipelines/runner.js';
import type { PipelineStore } from './pipelines/store.js';
import { pipelineRoutes, runRoutes } from './routes/pipelines.js';
import { type Metrics, renderPrometheus } from './metrics.js';
import { overviewRoutes } from './routes/overview.js';
import { pluginRoutes, serviceDispatch } from './routes/plugins.js';
import { documenter, mountRoutes } from './openapi/describe.js';
import { createDocument } from './openapi/document.js';
import { z } from 'zod';

export const VERSION = '0.1.0';
/** API bodies are small JSON documents; anything larger is a mistake or an attack. */
export const API_BODY_LIMIT = 1024 * 1024;

/** A pipeline kind as the API shows it: JSON Schema of its settings for the dashboard's forms. */
export function describeKind(kind: PipelineKind) {
  return {
    kind: kind.kind,
    title: kind.title,
    description: kind.description,
    group: kind.group,
    connectorId: kind.connectorId,
    defaultSchedule: kind.defaultSchedule,
    settingsSchema: z.toJSONSchema(kind.settings, { io: 'input', unrepresentable: 'any' }),
  };
}

export interface AppDeps {
  db: Db;
  auth: AdminAuth;
  connections: ConnectionStore;
  catalog: ConnectorCatalog;
  audit: Audit;
  logger: HubLogger;
  contextFor(connectionId: string, connector: ConnectorDefinition, settings: unknown): ConnectorContext;
  sources: Sources;
  destinations: Destinations;
  outbox: Outbox;
  feed: ChangeFeed & { publish(change: unknown): void };
  /** Budget use per vendor account and bucket, for the dashboard. */
  limits(): Promise<unknown>;
  /** What waits for delivery per destination, with the budget's estimate (Overview and Events). */
  backlog(): Promise<BacklogEntry[]>;
  /** Requests ingest refused, per source and reason. */
  refusals?: Refusals | undefined;
  pipelines: PipelineStore;
  runner: Runner;
  /** Dry runs of pipelines (`POST /api/pipelines/preview`, `POST /api/pipelines/:id/preview`). */
  preview: Previewer;
  kinds: PipelineKind[];
  metrics: Metrics;
  alerts: Alerts;
  plugins: LoadedPlugins;
  pluginRuntime: PluginRuntime;
  /** Deadline of a connector's check and discover. */
  operationTimeoutMs: number;
  now: () => number;
  /** Built dashboard (apps/dashboard/dist); the API works without it. */
  staticDir?: string | undefined;
  startedAt: number;
}

/** Path segments under `/api` and `/hooks` the hub's own routes use: no plugin may mount there. */
export function hubMounts(app: Hono): Set<string> {
  const taken = new Set<string>(HUB_MOUNTS);
  for (const { path: route } of app.routes) {
    const [, top, segment] = route.split('/');
    if ((top === 'api' || top === 'hooks') && segment && !segment.startsWith(':') && segment !== '*')
      taken.add(segment);
  }
  return taken;
}

const unauthorized = (message: string) => ({ error: { code: 'unauthorized', message } });

export function createApp(deps: AppDeps): Hono {
  // BlankEnv: what callers of createApp type the app with (Hono's default).
  const app = new Hono<BlankEnv>();
  const doc = documenter(app, 'Hub');
  app.onError((error, c) => handleError(error, c, deps.logger));
  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.debug('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });

  doc.get('/health', {
    summary: 'Liveness: version and uptime',
    answer: () => z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() }),
    auth: 'none',
  });
  app.get('/health', (c) =>
    c.json({ status: 'ok', version: VERSION, uptimeSeconds: Math.round((deps.now() - deps.startedAt) / 1000) }),
  );

  // Ingest: Segment/RudderStack HTTP API, authenticated by source write keys (not the admin token).
  mountRoutes(
    app,
    '/v1',
    ingestRoutes({
      sources: deps.sources,
      outbox: deps.outbox,
      refusals: deps.refusals,
      onAccepted: (count) => deps.feed.publish({ kind: 'accepted', count }),
    }),
  );

  const adminOnly = bearerAuth({
    verifyToken: (token) => deps.auth.verify(token),
    noAuthenticationHeader: { message: unauthorized('Send the admin token as "Authorization: Bearer <token>"') },
    invalidAuthenticationHeader: {
      message: unauthorized('Malformed Authorization header; expected "Bearer <token>"'),
    },
    invalidToken: { message: unauthorized('Invalid admin token') },
  });

  // Prometheus scrape (bearer token, as Prometheus' `authorization` config sends it).
  doc.get('/metrics', {
    summary: 'Prometheus metrics (events by state, vendor calls, budgets, runs)',
    answer: () => z.string(),
    mediaType: 'text/plain; version=0.0.4',
  });
  app.get('/metrics', adminOnly, async (c) => {
    const runs = await deps.db
      .selectFrom('runs')
      .innerJoin('pipelines', 'pipelines.id', 'runs.pipeline_id')
      .select((eb) => [
        'pipelines.kind as kind',
        'runs.status as status',
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>(eb('runs.finished_at', '-', eb.ref('runs.started_at'))).as('ms'),
      ])
      .where('runs.status', '!=', 'running')
      .groupBy(['pipelines.kind', 'runs.status'])
      .execute();
    const body = renderPrometheus({
      eventsByState: await deps.outbox.counts(),
      calls: deps.metrics.calls(),
      limits: (await deps.limits()) as Parameters<typeof renderPrometheus>[0]['limits'],
      runs: runs.map((r) => ({
        kind: r.kind,
        status: r.status,
        count: Number(r.count),
        seconds: Number(r.ms ?? 0) / 1000,
      })),
      uptimeSeconds: Math.round((deps.now() - deps.startedAt) / 1000),
    });
    return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  const api = new Hono();
  const apiDoc = documenter(api, 'Hub');
  api.use('*', adminOnly);
  api.use(
    '*',
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: () => {
        throw new HubError('payload_too_large', `Request body is larger than ${API_BODY_LIMIT} bytes`);
      },
    }),
  );
  apiDoc.get('/session', { summary: 'Checks the admin token', answer: () => z.object({ ok: z.literal(true) }) });
  api.get('/session', (c) => c.json({ ok: true }));
  apiDoc.get('/settings', {
    summary: 'Where others reach the hub (the base of ingest and webhook URLs)',
    answer: (a) => z.object({ publicUrl: a.PublicUrl }),
  });
  api.get('/settings', (c) => c.json({ publicUrl: publicUrlView(deps.pluginRuntime.publicUrl()) }));
  mountRoutes(api, '/connectors', connectorRoutes(deps.catalog));
  mountRoutes(api, '/connections', connectionRoutes(deps));
  mountRoutes(api, '/sources', sourceRoutes({ ...deps, refusals: deps.refusals }));
  mountRoutes(api, '/destinations', destinationRoutes(deps));
  mountRoutes(api, '/events', eventRoutes(deps));
  mountRoutes(api, '/pipelines', pipelineRoutes({ ...deps, db: deps.db, describeKind: (kind) => describeKind(kind) }));
  mountRoutes(api, '/runs', runRoutes(deps.db));
  mountRoutes(api, '/accounts', accountRoutes(deps));
  mountRoutes(api, '/overview', overviewRoutes(deps));
  mountRoutes(api, '/alerts', alertRoutes(deps));
  mountRoutes(api, '/config', configRoutes(deps));
  apiDoc.get('/limits', {
    summary: 'Budget use per vendor account and bucket',
    answer: (a) => z.object({ limits: z.array(a.LimitRow) }),
  });
  api.get('/limits', async (c) => c.json({ limits: await deps.limits() }));
  apiDoc.get('/backlog', {
    summary: "What waits for delivery per destination, with the budget's estimate",
    answer: (a) => z.object({ backlog: z.array(a.BacklogEntry), at: z.number() }),
  });
  api.get('/backlog', async (c) => c.json({ backlog: await deps.backlog(), at: deps.now() }));
  apiDoc.get('/audit', {
    summary: 'Configuration changes and manual runs',
    answer: (a) => z.object({ entries: z.array(a.AuditEntry) }),
  });
  api.get('/audit', async (c) => c.json({ entries: await deps.audit.list() }));
  mountRoutes(api, '/plugins', pluginRoutes(deps));
  const openapi = createDocument(app, {
    version: VERSION,
    destinationKinds: () => deps.destinations.kinds(),
    pipelineKinds: () => deps.kinds.map((kind) => describeKind(kind)),
    services: () => deps.pluginRuntime.openapi(),
  });
  apiDoc.get('/openapi.json', {
    summary: 'This document (OpenAPI 3.1), with the settings schemas and service routes of the loaded plugins',
    answer: 'AnyObject',
  });
  api.get('/openapi.json', async (c) => c.json(await openapi()));
  // Flow plugins' services, after every route of the hub's own (a mount never shadows one of them).
  api.all('/:mount', serviceDispatch(deps.pluginRuntime, 'api'));
  api.all('/:mount/*', serviceDispatch(deps.pluginRuntime, 'api'));
  mountRoutes(app, '/api', api);
  app.all('/hooks/:mount', serviceDispatch(deps.pluginRuntime, 'hooks'));
  app.all('/hooks/:mount/*', serviceDispatch(deps.pluginRuntime, 'hooks'));

  const staticDir = deps.staticDir;
  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    const root = path.relative(process.cwd(), staticDir) || '.';
    app.use('/*', dashboardHeaders);
    // Loaded with the first request it serves: a start does not wait for it (and the Hono helpers it imports).
    let statics: Promise<MiddlewareHandler> | undefined;
    app.use('/*', async (c, next) => {
      statics ??= import('@hono/node-server/serve-static').then(({ serveStatic }) => serveStatic({ root }));
      return (await statics)(c, next);
    });
    // The dashboard routes with the URL hash, so every other GET gets the app shell.
    const shell = fs.readFileSync(path.join(staticDir, 'index.html'), 'utf8');
    app.get('/*', (c) => c.html(shell));
  } else {
    app.get('/', (c) =>
      c.text('Synchub is running. The dashboard is not built: run `npx pnpm@10 build` (or `npx pnpm@10 start`).'),
    );
  }
  return app;
}

/**
 * The dashboard's pages run only the hub's own scripts and talk only to the hub: an injected script could
 * not load or send anywhere else. It matters because the admin token is kept in localStorage (a login
 * survives a new tab), where a script on this origin could read it.
 */
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const dashboardHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.get('content-type')?.startsWith('text/html')) return;
  c.res.headers.set('content-security-policy', DASHBOARD_CSP);
  c.res.headers.set('x-content-type-options', 'nosniff');
  c.res.headers.set('referrer-policy', 'no-referrer');
};

/**
 * Where others reach the hub, for every ingest and webhook URL the dashboard shows. A loopback address is
 * flagged: vendors' webhooks and apps on other machines cannot reach it.
 */
export function publicUrlView(publicUrl: { url: string; configured: boolean }) {
  const host = new URL(publicUrl.url).hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1';
  return { ...publicUrl, loopback };
}
