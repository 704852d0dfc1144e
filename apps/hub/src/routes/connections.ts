import { type ConnectorContext, type ConnectorDefinition, isConnectorError } from '@synchub/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Audit } from '../audit.js';
import type { ConnectionStore, LastCheck } from '../connections.js';
import { HubError, isHubError } from '../errors.js';
import { pluginMessage, withDeadline } from '../host/deadline.js';
import { documenter } from '../openapi/describe.js';
import { json } from '../validate.js';

const name = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');
const record = z.record(z.string(), z.unknown());

const createBody = z.strictObject({
  connectorId: z.string().min(1, 'required'),
  name,
  settings: record.default({}),
  secrets: record.default({}),
});
const patchBody = z.strictObject({ name: name.optional(), settings: record.optional(), secrets: record.optional() });
const discoverBody = z.strictObject({ objects: z.array(z.string().min(1)).max(50).optional() }).default({});

export interface ConnectionRoutesDeps {
  connections: ConnectionStore;
  audit: Audit;
  /** Context for one connector operation on one connection (limiter, logger, timeout). */
  contextFor(connectionId: string, connector: ConnectorDefinition, settings: unknown): ConnectorContext;
  /** A check or discover that takes longer is cut off (the connector may ignore its signal). */
  operationTimeoutMs: number;
  now: () => number;
}

export function connectionRoutes(deps: ConnectionRoutesDeps) {
  const { connections, audit } = deps;
  const app = new Hono();
  const doc = documenter(app, 'Connections');

  doc.get('/', { summary: 'List connections', answer: (a) => z.object({ connections: z.array(a.Connection) }) });
  app.get('/', async (c) => c.json({ connections: await connections.list() }));

  doc.post('/', {
    summary: 'Create a connection (settings and secrets checked against the connector)',
    body: createBody,
    answer: (a) => z.object({ connection: a.Connection }),
    status: 201,
  });
  app.post('/', json(createBody), async (c) => {
    const body = c.req.valid('json');
    const connection = await connections.create(body);
    await audit.record('connection.create', connection.id, {
      name: connection.name,
      connectorId: connection.connectorId,
    });
    return c.json({ connection }, 201);
  });

  doc.get('/:id', {
    summary: 'One connection (secrets masked)',
    answer: (a) => z.object({ connection: a.Connection }),
  });
  app.get('/:id', async (c) => c.json({ connection: await connections.get(c.req.param('id')) }));

  doc.patch('/:id', {
    summary: 'Change a connection',
    body: patchBody,
    answer: (a) => z.object({ connection: a.Connection }),
  });
  app.patch('/:id', json(patchBody), async (c) => {
    const body = c.req.valid('json');
    const connection = await connections.update(c.req.param('id'), body);
    await audit.record('connection.update', connection.id, {
      fields: Object.keys(body),
      secretsChanged: Object.keys(body.secrets ?? {}),
    });
    return c.json({ connection });
  });

  /** What uses the connection (pipelines, destinations, and what flow plugins' services report). */
  doc.get('/:id/usage', {
    summary: 'What uses the connection',
    answer: (a) => z.object({ usedBy: z.array(a.ConnectionUse) }),
  });
  app.get('/:id/usage', async (c) => c.json({ usedBy: await connections.usage(c.req.param('id')) }));

  /** 409 `{error: {code: 'conflict', message, usedBy}}` while anything uses it. */
  doc.delete('/:id', { summary: 'Delete a connection (409 while anything uses it)', answer: null, errors: [409] });
  app.delete('/:id', async (c) => {
    await connections.remove(c.req.param('id'));
    await audit.record('connection.delete', c.req.param('id'));
    return c.body(null, 204);
  });

  /** Calls the connector's `check`; a failed check is an answer (200, ok:false), not an HTTP error. */
  doc.post('/:id/validate', {
    summary: "Run the connector's check; a failed check is a 200 with ok: false",
    answer: 'ValidateAnswer',
  });
  app.post('/:id/validate', async (c) => {
    const id = c.req.param('id');
    const { connector, settings, secrets } = await connections.resolve(id);
    const ctx = deps.contextFor(id, connector, settings);
    const at = new Date(deps.now()).toISOString();
    let last: LastCheck;
    try {
      const check = await withDeadline(`${connector.name}'s check`, deps.operationTimeoutMs, (signal) =>
        connector.check({
          settings,
          secrets,
          ctx: { ...ctx, signal: AbortSignal.any([ctx.signal ?? signal, signal]) },
        }),
      );
      last = { ok: true, at, summary: check.summary, details: check.details };
    } catch (error) {
      // Whatever the connector threw (or a deadline passing) is the check's answer, not a 500.
      last = isConnectorError(error)
        ? { ok: false, at, error: { code: error.code, message: error.message, vendorCode: error.vendorCode } }
        : {
            ok: false,
            at,
            error: { code: isHubError(error) ? error.code : 'plugin_failed', message: pluginMessage(error) },
          };
    }
    await connections.recordCheck(id, last);
    await audit.record('connection.validate', id, { ok: last.ok });
    return c.json(last);
  });

  /** Objects and fields for the dashboard's pickers. */
  doc.post('/:id/discover', {
    summary: 'Objects and fields the connection offers',
    body: discoverBody,
    bodyOptional: true,
    answer: () => z.object({ objects: z.array(z.looseObject({ name: z.string() })) }),
    errors: [502, 504],
  });
  app.post('/:id/discover', json(discoverBody), async (c) => {
    const id = c.req.param('id');
    const { connector, settings, secrets } = await connections.resolve(id);
    const ctx = deps.contextFor(id, connector, settings);
    const objects = await withDeadline(`${connector.name}'s discover`, deps.operationTimeoutMs, (signal) =>
      connector.discover({
        settings,
        secrets,
        ctx: { ...ctx, signal: AbortSignal.any([ctx.signal ?? signal, signal]) },
        options: c.req.valid('json'),
      }),
    ).catch((error: unknown) => {
      // A vendor's answer and the deadline keep their own status (502, 504); anything else is the plugin's.
      if (isConnectorError(error) || isHubError(error)) throw error;
      throw new HubError('plugin_failed', pluginMessage(error), { connector: connector.id });
    });
    return c.json({ objects });
  });

  return app;
}
