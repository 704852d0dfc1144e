import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FlowService, RunContext, ServiceHost } from '@synchub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMemoConnection, createMemo, testFlows, testKind, until, writePackage } from './host/test-plugins.js';
import { createTestHub, TEST_TOKEN, type TestHub } from './testing.js';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions themselves
type Json = Record<string, any>;

let t: TestHub | undefined;
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-plugins-'));
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const json = async (res: Response | Promise<Response>) => {
  const answer = await res;
  return { status: answer.status, body: (await answer.json()) as Json };
};

/** A flows entry in plain JavaScript, as a third party publishes it. */
const FLOWS_JS = `import { z } from 'zod';
export default {
  id: 'acme',
  name: 'Acme flows',
  version: '1.2.3',
  contractVersion: 1,
  kinds: [{
    kind: 'acme.pull',
    title: 'Acme pull',
    description: 'Pulls Acme things',
    group: 'Acme',
    connectorId: 'memo',
    settings: z.object({ object: z.string().default('Account') }),
    defaultSchedule: '0 3 * * *',
    async run(run) { run.count('read', 2); await run.state.set('last', run.settings.object); },
  }],
  destinations: [{
    kind: 'acme-events',
    connectorId: 'memo',
    title: 'Acme events',
    settings: z.object({}),
    messageTypes: ['track'],
    merge: false,
    map: (message) => ({ records: [{ writer: 'items', record: { event: message.event } }] }),
  }],
  pages: [{ id: 'accounts', title: 'Accounts' }],
};
`;

describe('flow plugins load through the registry', () => {
  it('finds a flows package in the plugin folder and lists it, what it brings, and what failed', async () => {
    const modules = path.join(tmp, 'plugins', 'node_modules');
    writePackage(modules, 'acme-flows', { flows: './index.js' }, { 'index.js': FLOWS_JS }, '1.2.3');
    writePackage(modules, 'broken-flows', { flows: './index.js' }, { 'index.js': 'export default { id: 7 };' });
    const memo = createMemo();
    t = await createTestHub({ pluginDir: path.join(tmp, 'plugins'), extraConnectors: [memo.connector] });

    const { status, body } = await json(t.request('GET', '/api/plugins'));
    expect(status).toBe(200);
    const acme = body.plugins.find((p: Json) => p.packageName === 'acme-flows');
    expect(acme).toEqual({
      packageName: 'acme-flows',
      version: '1.2.3',
      pluginId: 'acme',
      connectors: [],
      kinds: ['acme.pull'],
      destinations: ['acme-events'],
      mount: null,
      pages: [{ id: 'accounts', title: 'Accounts' }],
    });
    expect(body.plugins.find((p: Json) => p.packageName === '@test/memo')).toMatchObject({ connectors: ['memo'] });
    expect(body.errors).toEqual([
      {
        packageName: 'broken-flows',
        code: 'invalid_definition',
        message: expect.stringMatching(/^broken-flows does not export a valid flows definition: id: /),
      },
    ]);

    const kinds = await json(t.request('GET', '/api/pipelines/kinds'));
    expect(kinds.body.kinds.map((k: Json) => k.kind)).toContain('acme.pull');
    const destinations = await json(t.request('GET', '/api/destinations/kinds'));
    expect(destinations.body.kinds.find((k: Json) => k.kind === 'acme-events')).toMatchObject({
      connectorId: 'memo',
      title: 'Acme events',
    });
  });

  it('scans the built-in flows folder after the hub and before the plugin folder: the earlier one wins', async () => {
    writePackage(path.join(tmp, 'flows'), 'builtin', { flows: './index.js' }, { 'index.js': FLOWS_JS });
    const thirdParty = FLOWS_JS.replace("id: 'acme'", "id: 'acme-copy'");
    writePackage(
      path.join(tmp, 'plugins', 'node_modules'),
      'copy',
      { flows: './index.js' },
      { 'index.js': thirdParty },
    );
    t = await createTestHub({
      workspaceFlows: path.join(tmp, 'flows'),
      pluginDir: path.join(tmp, 'plugins'),
      extraConnectors: [createMemo().connector],
    });
    const { body } = await json(t.request('GET', '/api/plugins'));
    expect(body.plugins.find((p: Json) => p.packageName === 'builtin')?.kinds).toEqual(['acme.pull']);
    expect(body.plugins.find((p: Json) => p.packageName === 'copy')?.kinds).toEqual([]);
    expect(body.errors.map((e: Json) => e.message)).toEqual([
      "pipeline kind 'acme.pull' is declared by both builtin and copy; keeping builtin's",
      "destination kind 'acme-events' is declared by both builtin and copy; keeping builtin's",
    ]);
  });

  it('keeps the hub’s own kind when a plugin declares it too, and reports a broken definition', async () => {
    const clash = testFlows('clash', { kinds: [testKind('sync'), testKind('clash.ok')] });
    const broken = testFlows('broken', { kinds: [{ ...testKind('broken.kind'), run: 'no' as never }] });
    t = await createTestHub({ extraConnectors: [createMemo().connector], extraFlows: [clash, broken] });
    const kinds = (await json(t.request('GET', '/api/pipelines/kinds'))).body.kinds as Json[];
    expect(kinds.filter((k) => k.kind === 'sync').map((k) => k.group)).toEqual(['Syncs']);
    expect(kinds.map((k) => k.kind)).toContain('clash.ok');
    expect(kinds.map((k) => k.kind)).not.toContain('broken.kind');
    const { errors } = (await json(t.request('GET', '/api/plugins'))).body;
    expect(errors).toEqual([
      {
        packageName: 'broken',
        code: 'invalid_definition',
        message: 'broken is not a valid flows definition: kinds.0.run: must be a function',
      },
      {
        packageName: 'clash',
        code: 'duplicate_id',
        message: "pipeline kind 'sync' is declared by both @synchub/hub and clash; keeping @synchub/hub's",
      },
    ]);
  });
});

describe('a small plugin: one connector that carries one kind', () => {
  it('creates, runs and previews a pipeline of the kind with its state and the host API', async () => {
    const seen: Json[] = [];
    const memo = createMemo();
    const copy = testKind('memo.copy', {
      async run(run: RunContext<unknown>) {
        const runs = ((await run.state.get<number>('runs')) ?? 0) + 1;
        await run.state.set('runs', runs);
        const connections = await run.host.connections.list({ connectorId: 'memo' });
        const pipelines = await run.host.pipelines.list({ kinds: ['memo.copy'] });
        seen.push({ runs, connections: connections.length, pipelines: pipelines.map((p) => p.lastCompletedAt) });
        for await (const page of run.connection.connector.streams.items?.read({
          ...run.connection,
          cursor: run.cursor,
          options: {},
        }) ?? []) {
          run.count('read', page.records.length);
          run.dryRun?.sample(page.records[0], page.records[0]);
          await run.commit(page.cursor);
        }
      },
    });
    (memo.definition as { kinds?: unknown[] }).kinds = [copy];
    t = await createTestHub({ extraConnectors: [memo.connector], now: () => Date.UTC(2026, 0, 2) });
    const connectionId = await addMemoConnection(t);
    const created = await json(
      t.request('POST', '/api/pipelines', { kind: 'memo.copy', name: 'Copy', connectionId, settings: {} }),
    );
    expect(created.status).toBe(201);
    const id = created.body.pipeline.id as string;

    const first = await (await t.hub.runner.start(id, 'manual')).done;
    expect(first).toMatchObject({ status: 'completed', cursorAfter: 'c2', counts: { read: 2 } });
    const second = await (await t.hub.runner.start(id, 'manual')).done;
    expect(second.status).toBe('completed');
    // A preview reads the saved state, and its writes are dropped.
    const preview = await json(t.request('POST', `/api/pipelines/${id}/preview`, { limit: 5 }));
    expect(preview.body.preview).toMatchObject({ error: null, records: [{ before: { id: '1' } }] });
    expect(seen).toEqual([
      { runs: 1, connections: 1, pipelines: [null] },
      { runs: 2, connections: 1, pipelines: [Date.UTC(2026, 0, 2)] },
      { runs: 3, connections: 1, pipelines: [Date.UTC(2026, 0, 2)] },
    ]);
    expect(await t.hub.pluginRuntime.stateOf(id).get('runs')).toBe(2);
    // Its state goes with the pipeline.
    expect((await t.request('DELETE', `/api/pipelines/${id}`)).status).toBe(204);
    expect(await t.hub.pluginRuntime.stateOf(id).list()).toEqual([]);
    const { body } = await json(t.request('GET', '/api/plugins'));
    expect(body.plugins.find((p: Json) => p.packageName === '@test/memo')).toMatchObject({
      connectors: ['memo'],
      kinds: ['memo.copy'],
    });
  });
});

describe('plugin migrations', () => {
  const notes = (name: string) => ({
    '0001_notes': {
      async up(db: unknown) {
        const kysely = db as import('kysely').Kysely<unknown>;
        await kysely.schema
          .createTable(name)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .execute();
      },
    },
  });

  it('run after the hub’s, in a migration table per plugin; a failing one leaves its plugin out', async () => {
    let database: unknown;
    const good = testFlows('good', {
      migrations: notes('good_notes'),
      kinds: [
        testKind('good.kind', {
          async run(run) {
            database = run.host.database;
          },
        }),
      ],
    });
    // The same migration name as `good`: no clash, each plugin has its own table of applied names.
    const other = testFlows('other', { migrations: notes('other_notes') });
    const failing = testFlows('failing', {
      kinds: [testKind('failing.kind')],
      migrations: {
        '0001_notes': {
          async up() {
            throw new Error('disk full');
          },
        },
      },
    });
    t = await createTestHub({ extraConnectors: [createMemo().connector], extraFlows: [good, failing, other] });
    const tables = (await t.hub.db.introspection.getTables()).map((table) => table.name);
    expect(tables).toEqual(
      expect.arrayContaining(['good_notes', 'other_notes', 'migrations_good', 'migrations_other', 'plugin_state']),
    );
    expect(tables).not.toContain('migrations_failing_notes');
    const { body } = await json(t.request('GET', '/api/plugins'));
    expect(body.errors).toEqual([
      {
        packageName: 'failing',
        code: 'migration_failed',
        message: 'failing is left out: its migration 0001_notes failed: disk full',
      },
    ]);
    expect(body.plugins.map((p: Json) => p.pluginId)).toEqual(expect.arrayContaining(['good', 'other']));
    const kinds = (await json(t.request('GET', '/api/pipelines/kinds'))).body.kinds.map((k: Json) => k.kind);
    expect(kinds).toContain('good.kind');
    expect(kinds).not.toContain('failing.kind');

    // The plugin's kinds get its tables through the host.
    const connectionId = await addMemoConnection(t);
    const created = await json(t.request('POST', '/api/pipelines', { kind: 'good.kind', name: 'G', connectionId }));
    await (await t.hub.runner.start(created.body.pipeline.id, 'manual')).done;
    expect(database).toBe(t.hub.db);
  });
});

/** A service that answers with the path it got (api) and the body it got (hooks), and records its calls. */
function echoService(calls: string[]): FlowPluginDefinitionService {
  return async (host) => {
    await host.state.set('started', true);
    return {
      api: async (request) => {
        calls.push(`api ${request.method} ${new URL(request.url).pathname}`);
        return Response.json({ path: new URL(request.url).pathname, publicUrl: host.publicUrl });
      },
      hooks: async (request) => {
        calls.push(`hooks ${request.method} ${new URL(request.url).pathname}`);
        return Response.json({ body: await request.json() }, { status: 202 });
      },
      async stop() {
        calls.push('stop');
      },
    };
  };
}

describe('plugin services', () => {
  it('mounts api behind the admin token and hooks without it, keeps the full URL, stops on close', async () => {
    const calls: string[] = [];
    let host: ServiceHost | undefined;
    const service: FlowPluginDefinitionService = async (h) => {
      host = h;
      return echoService(calls)(h);
    };
    t = await createTestHub({ extraFlows: [testFlows('echo', { service })], publicUrl: 'https://hub.example.com/' });
    const api = await json(t.request('GET', '/api/echo/things/1?x=2'));
    expect(api).toEqual({
      status: 200,
      body: { path: '/api/echo/things/1', publicUrl: 'https://hub.example.com' },
    });
    expect((await t.hub.app.request('/api/echo/things')).status).toBe(401);
    const hook = await t.hub.app.request('/hooks/echo/t1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ row: 1 }),
    });
    expect(hook.status).toBe(202);
    expect(await hook.json()).toEqual({ body: { row: 1 } });
    expect((await t.request('GET', '/api/nothing-here')).status).toBe(404);
    expect(await host?.state.get('started')).toBe(true);
    const { plugins } = (await json(t.request('GET', '/api/plugins'))).body;
    expect(plugins.find((p: Json) => p.pluginId === 'echo')).toMatchObject({
      pluginId: 'echo',
      mount: 'echo',
    });
    await t.close();
    expect(calls).toEqual(['api GET /api/echo/things/1', 'hooks POST /hooks/echo/t1', 'stop']);
  });

  it('gives the service the stored events, a wake-up per accepted batch, sources, the audit log', async () => {
    let host: ServiceHost | undefined;
    let woken = 0;
    const service: FlowPluginDefinitionService = (h) => {
      host = h;
      h.events.subscribe(() => {
        woken += 1;
      });
      return {};
    };
    t = await createTestHub({ extraFlows: [testFlows('reader', { service })] });
    const src = await json(t.request('POST', '/api/sources', { name: 'Web' }));
    const writeKey = src.body.writeKey as string;
    const ingest = await t.hub.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: [
          { type: 'track', event: 'Signed Up', userId: 'u1', messageId: 'm1' },
          { type: 'identify', userId: 'u1', traits: { email: 'a@x.com' }, messageId: 'm2' },
        ],
      }),
    });
    expect(ingest.status).toBe(200);
    await until(() => woken > 0);
    const latest = await host?.events.latestId();
    const events = (await host?.events.after(0, 10)) ?? [];
    expect(events.map((e) => [e.id, e.type, e.name, e.sourceId])).toEqual([
      [1, 'track', 'Signed Up', src.body.source.id],
      [2, 'identify', null, src.body.source.id],
    ]);
    expect(latest).toBe(2);
    expect(await host?.events.after(1, 10)).toHaveLength(1);
    expect(await host?.sources.list()).toEqual([{ id: src.body.source.id, name: 'Web' }]);
    await host?.audit('reader.thing', 't1', { ok: true });
    const audit = (await json(t.request('GET', '/api/audit'))).body.entries as Json[];
    expect(audit[0]).toMatchObject({ action: 'reader.thing', target: 't1', details: { ok: true } });
    // No migrations: no tables of its own.
    expect(host?.database).toBeUndefined();
  });

  it('lists what a service keeps of a connection, refusing to delete it', async () => {
    const service: FlowPluginDefinitionService = () => ({
      connectionUses: async (id) =>
        [
          {
            type: 'acme_settings',
            id: 'x1',
            name: 'Acme settings',
            via: 'primaryConnectionId',
            label: 'Acme settings',
          },
        ].filter(() => id.length > 0),
    });
    t = await createTestHub({
      extraConnectors: [createMemo().connector],
      extraFlows: [testFlows('keeper', { service })],
    });
    const connectionId = await addMemoConnection(t);
    const usage = await json(t.request('GET', `/api/connections/${connectionId}/usage`));
    expect(usage.body.usedBy).toEqual([
      { type: 'acme_settings', id: 'x1', name: 'Acme settings', via: 'primaryConnectionId', label: 'Acme settings' },
    ]);
    const removed = await json(t.request('DELETE', `/api/connections/${connectionId}`));
    expect(removed.status).toBe(409);
    expect(removed.body.error.message).toContain('Acme settings “Acme settings”');
  });

  it('refuses a mount the hub or an earlier plugin has; the hub runs on', async () => {
    const calls: string[] = [];
    t = await createTestHub({
      extraFlows: [
        testFlows('first', { mount: 'shared', service: echoService(calls) }),
        testFlows('second', { mount: 'shared', service: echoService(calls) }),
        testFlows('greedy', { mount: 'pipelines', service: echoService(calls) }),
      ],
    });
    const { body } = await json(t.request('GET', '/api/plugins'));
    expect(body.errors).toEqual([
      {
        packageName: 'second',
        code: 'mount_refused',
        message: "second's service is not started: /api/shared and /hooks/shared belong to first",
      },
      {
        packageName: 'greedy',
        code: 'mount_refused',
        message: "greedy's service is not started: /api/pipelines and /hooks/pipelines belong to the hub",
      },
    ]);
    expect((await t.request('GET', '/api/pipelines')).status).toBe(200);
    expect((await json(t.request('GET', '/api/shared/x'))).body).toEqual({
      path: '/api/shared/x',
      publicUrl: expect.any(String),
    });
  });
});

describe('a plugin’s failure is the plugin’s', () => {
  it('a handler that throws answers 502 plugin_failed with its message, logged with the plugin', async () => {
    const service: FlowPluginDefinitionService = () => ({
      api: async (request) => {
        if (request.url.endsWith('/plain')) throw new Error('Acme table is locked');
        if (request.url.endsWith('/string')) throw 'just a string';
        return 'not a response' as unknown as Response;
      },
    });
    t = await createTestHub({ extraFlows: [testFlows('flaky', { service })] });
    expect(await json(t.request('GET', '/api/flaky/plain'))).toEqual({
      status: 502,
      body: { error: { code: 'plugin_failed', message: 'Acme table is locked', plugin: 'flaky' } },
    });
    expect((await json(t.request('GET', '/api/flaky/string'))).body.error.message).toBe('just a string');
    expect((await json(t.request('GET', '/api/flaky/other'))).body.error).toEqual({
      code: 'plugin_failed',
      message: 'flaky answered GET /api/flaky/other with no Response',
      plugin: 'flaky',
    });
    expect(t.lines.some((l) => l.includes('Plugin service failed') && l.includes('"package":"flaky"'))).toBe(true);
  });

  it('a service that cannot start, or hangs starting, is listed; the others start', async () => {
    t = await createTestHub({
      operationTimeoutMs: 50,
      extraFlows: [
        testFlows('boom', {
          service: () => {
            throw new Error('no license key');
          },
        }),
        testFlows('stuck', { service: () => new Promise<FlowService>(() => {}) }),
        // Starts on its own code alone: the 50 ms measure the plugins, not a write to the hub's store
        // (echoService's state.set), which a busy PostgreSQL can make slower than that.
        testFlows('fine', { service: () => ({ api: async () => new Response('ok') }) }),
      ],
    });
    const { body } = await json(t.request('GET', '/api/plugins'));
    expect(body.errors).toEqual([
      { packageName: 'boom', code: 'service_failed', message: "boom's service did not start: no license key" },
      {
        packageName: 'stuck',
        code: 'service_failed',
        message: "stuck's service did not start: stuck's service did not finish within 50 ms",
      },
    ]);
    expect((await t.request('GET', '/api/boom/x')).status).toBe(404);
    expect((await t.request('GET', '/api/fine/x')).status).toBe(200);
  });

  it('the admin token guards plugin routes like any other', async () => {
    t = await createTestHub({
      extraFlows: [testFlows('guarded', { service: () => ({ api: () => new Response('ok') }) })],
    });
    const wrong = await t.hub.app.request('/api/guarded/x', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await t.hub.app.request('/api/guarded/x', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(await right.text()).toBe('ok');
  });
});

type FlowPluginDefinitionService = NonNullable<import('@synchub/core').FlowPluginDefinition['service']>;
