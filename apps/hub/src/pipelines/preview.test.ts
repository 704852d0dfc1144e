import { ConnectorError, type FlowHost } from '@synchub/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EMPTY_STATE } from '../host/state.js';
import { addMemoConnection, createMemo } from '../host/test-plugins.js';
import { createLogger } from '../logger.js';
import { createTestHub } from '../test-support.js';
import { definePipelineKind } from './kind.js';
import { createPreviewer, maskRequest, SECRET_MASK } from './preview.js';
import type { PipelineStore } from './store.js';

// The preview's own rules, with a test connector. Previews over the vendor simulators (the generic sync
// between built-in connectors): test/hub/preview.test.ts; a flow's kinds: with their flow package.

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;
type Request = (method: string, url: string, body?: unknown) => Response | Promise<Response>;

const call = async (request: Request, url: string, body: unknown = {}) => {
  const res = await request('POST', url, body);
  return { status: res.status, body: (await res.json()) as Json };
};

describe('maskRequest', () => {
  it('masks credential headers whatever their value, and secret values anywhere', () => {
    const masked = maskRequest(
      {
        method: 'POST',
        url: 'https://x.example.com/hook?key=s3cr3t-value',
        headers: {
          Authorization: 'Bearer abc',
          Accesskey: 'k',
          sharedSecret: 'k',
          'X-API-TOKEN': 'k',
          'x-acme-integration-key': 'k',
          eventName: 'Signed Up',
          'x-echo': 'has s3cr3t-value inside',
        },
        body: { nested: ['s3cr3t-value'], keep: 'plain' },
      },
      new Set(['s3cr3t-value']),
    );
    expect(masked).toEqual({
      method: 'POST',
      url: `https://x.example.com/hook?key=${SECRET_MASK}`,
      headers: {
        Authorization: SECRET_MASK,
        Accesskey: SECRET_MASK,
        sharedSecret: SECRET_MASK,
        'X-API-TOKEN': SECRET_MASK,
        'x-acme-integration-key': SECRET_MASK,
        eventName: 'Signed Up',
        'x-echo': `has ${SECRET_MASK} inside`,
      },
      body: { nested: [SECRET_MASK], keep: 'plain' },
    });
  });
});

describe('the preview deadline', () => {
  it('answers what it has when the kind runs past the deadline, with a timeout error, and aborts the run', async () => {
    let signal: AbortSignal | undefined;
    const slow = definePipelineKind({
      kind: 'test.slow',
      title: 'Slow',
      description: 'Never finishes',
      group: 'Tests',
      connectorId: 'memo',
      settings: z.object({}),
      defaultSchedule: '0 * * * *',
      async run(run) {
        signal = run.signal;
        run.count('read');
        run.dryRun?.sample({ id: 1 }, { id: 1, seen: true });
        await new Promise(() => {});
      },
    });
    const logger = createLogger({ write: () => {} });
    const previewer = createPreviewer({
      logger,
      now: Date.now,
      deadlineMs: 50,
      pipelines: { check: async () => ({ kind: slow, settings: {} }) } as unknown as PipelineStore,
      hostOf: () => ({}) as FlowHost,
      stateOf: () => EMPTY_STATE,
      connectionOf: async (id) =>
        ({
          id,
          name: 'c',
          connector: { id: 'memo' },
          settings: {},
          secrets: {},
          ctx: { fetch, now: Date.now },
        }) as never,
    });
    const answer = await previewer.unsaved({ kind: 'test.slow', name: 'slow', connectionId: 'c1' }, 5);
    expect(answer).toEqual({
      kind: 'test.slow',
      limit: 5,
      records: [{ before: { id: 1 }, after: { id: 1, seen: true } }],
      requests: [],
      counts: { read: 1, written: 0, skipped: 0, failed: 0, reasons: {} },
      error: { code: 'timeout', message: 'The preview did not finish within 50 ms' },
    });
    expect(signal?.aborted).toBe(true);
  });
});

describe('the preview endpoints', () => {
  const boom = definePipelineKind({
    kind: 'test.boom',
    title: 'Boom',
    description: 'Throws',
    group: 'Tests',
    connectorId: 'memo',
    settings: z.object({ vendor: z.boolean().default(false) }),
    defaultSchedule: '0 * * * *',
    async run(run) {
      if (run.settings.vendor) throw new ConnectorError('auth', 'The vendor refused the key');
      throw new Error('kind blew up');
    },
  });
  let t: Awaited<ReturnType<typeof createTestHub>>;
  const ids = { memo: '' };
  beforeAll(async () => {
    const { PIPELINE_KINDS } = await import('./kinds/index.js');
    t = await createTestHub({ kinds: [...PIPELINE_KINDS, boom], extraConnectors: [createMemo().connector] });
    ids.memo = await addMemoConnection(t);
  });
  afterAll(() => t.hub.close());

  it('refuses a limit over 200, an unknown pipeline and an unknown kind', async () => {
    const tooMany = await call(t.request, '/api/pipelines/nope/preview', { limit: 201 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues).toEqual([{ path: 'limit', message: 'at most 200' }]);
    expect((await call(t.request, '/api/pipelines/nope/preview')).status).toBe(404);
    const noKind = await call(t.request, '/api/pipelines/preview', {
      kind: 'nope.kind',
      name: 'Not saved',
      connectionId: ids.memo,
      settings: {},
    });
    expect(noKind.status).toBe(400);
    expect(noKind.body.error.issues[0].path).toBe('kind');
  });

  it('a kind that throws answers 200 with the error, never a 500', async () => {
    const created = await t.request('POST', '/api/pipelines', {
      kind: 'test.boom',
      name: 'Boom',
      connectionId: ids.memo,
    });
    const id = ((await created.json()) as Json).pipeline.id as string;
    const thrown = await call(t.request, `/api/pipelines/${id}/preview`);
    expect(thrown.status).toBe(200);
    expect(thrown.body.preview).toMatchObject({
      kind: 'test.boom',
      records: [],
      requests: [],
      error: { code: 'plugin_failed', message: 'kind blew up' },
    });
    const vendor = await call(t.request, '/api/pipelines/preview', {
      kind: 'test.boom',
      name: 'Boom 2',
      connectionId: ids.memo,
      settings: { vendor: true },
    });
    expect(vendor.status).toBe(200);
    expect(vendor.body.preview.error).toEqual({ code: 'auth', message: 'The vendor refused the key' });
  });
});
