import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCustomerStore } from '../host/customer-store.js';
import { addMemoConnection, createMemo } from '../host/test-plugins.js';
import { definePipelineKind } from '../pipelines/kind.js';
import { createTestHub, TEST_TOKEN } from '../test-support.js';
import {
  BacklogEntry,
  Connection,
  Connector,
  Destination,
  DestinationKind,
  EventCounts,
  EventDetail,
  EventRow,
  LimitRow,
  PluginPackage,
  PublicUrl,
  Source,
  ValidateAnswer,
} from './answers.js';
import { AccountDetail, AccountList } from './account-answers.js';
import { Pipeline, PipelineKinds, Preview, Run, RunAllAnswer, RunRecord } from './pipeline-answers.js';

// The answer schemas describe what the routes answer (the dashboard's types come from them): real answers
// must parse, so a change to an answer without its schema fails here.

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let failRun = false;
/** A kind that counts, samples, records outcomes (one with a vendor error) and fails when told. */
const testKind = definePipelineKind({
  kind: 'test.answers',
  title: 'Test answers',
  description: 'counts, samples and records',
  group: 'Tests',
  connectorId: '*',
  settings: z.strictObject({}),
  defaultSchedule: '0 3 * * *',
  async run(run) {
    run.count('read', 3);
    run.count('written');
    run.count('skipped', 1, 'no key');
    run.count('failed', 1, 'refused');
    run.dryRun?.sample({ Id: 'a' }, { id: 'a' });
    run.dryRun?.sample({ Id: 'b' }, null, 'no key');
    run.record?.('a', 'written');
    run.record?.('b', 'skipped', 'no key');
    run.record?.('c', 'failed', 'refused', { code: 'invalid_request', message: 'bad', vendorCode: 'E1', body: {} });
    run.note('failures', { key: 'c', message: 'bad' });
    if (failRun) throw new Error('boom');
    await run.commit('end');
  },
});
beforeEach(async () => {
  failRun = false;
  t = await createTestHub({ kinds: [testKind], extraConnectors: [createMemo().connector] });
});
afterEach(() => t.hub.close());

async function answer(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await t.hub.app.request(path, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.json();
}

function conforms(schema: z.ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success ? [] : parsed.error.issues, what).toEqual([]);
}

describe('answers match their documented schemas', () => {
  it('connectors, connections, sources, destinations, events, limits, backlog, kinds, plugins', async () => {
    const connectionId = await addMemoConnection(t);
    const { connectors } = (await answer('GET', '/api/connectors')) as { connectors: unknown[] };
    for (const c of connectors) conforms(Connector, c, 'connector');
    const { connections } = (await answer('GET', '/api/connections')) as { connections: unknown[] };
    for (const c of connections) conforms(Connection, c, 'connection');
    conforms(ValidateAnswer, await answer('POST', `/api/connections/${connectionId}/validate`), 'validate');
    conforms(
      Connection,
      ((await answer('GET', `/api/connections/${connectionId}`)) as Record<string, unknown>).connection,
      'checked connection',
    );

    const { source, writeKey } = (await answer('POST', '/api/sources', { name: 'Web' })) as {
      source: unknown;
      writeKey: string;
    };
    conforms(Source, source, 'source');
    const ingest = await t.hub.app.request('/v1/track', {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${writeKey}:`)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u1', event: 'Signed Up' }),
    });
    expect(ingest.status).toBe(200);
    const { kinds } = (await answer('GET', '/api/destinations/kinds')) as { kinds: unknown[] };
    for (const k of kinds) conforms(DestinationKind, k, 'destination kind');
    const { destinations } = (await answer('GET', '/api/destinations')) as { destinations: unknown[] };
    for (const d of destinations) conforms(Destination, d, 'destination');

    const events = (await answer('GET', '/api/events')) as { events: unknown[]; counts: unknown };
    conforms(EventCounts, events.counts, 'counts');
    expect(events.events).toHaveLength(1);
    for (const e of events.events) conforms(EventRow, e, 'event');
    const { id } = events.events[0] as { id: number };
    conforms(
      EventDetail,
      ((await answer('GET', `/api/events/${id}`)) as Record<string, unknown>).event,
      'event detail',
    );
    const { limits } = (await answer('GET', '/api/limits')) as { limits: unknown[] };
    for (const l of limits) conforms(LimitRow, l, 'limit');
    const { backlog } = (await answer('GET', '/api/backlog')) as { backlog: unknown[] };
    for (const b of backlog) conforms(BacklogEntry, b, 'backlog');
    const { plugins } = (await answer('GET', '/api/plugins')) as { plugins: unknown[] };
    for (const p of plugins) conforms(PluginPackage, p, 'plugin');
    conforms(PublicUrl, ((await answer('GET', '/api/settings')) as Record<string, unknown>).publicUrl, 'publicUrl');
  });

  it('pipelines, runs, run records, previews, run-all and accounts', async () => {
    const connectionId = await addMemoConnection(t);
    conforms(PipelineKinds, await answer('GET', '/api/pipelines/kinds'), 'pipeline kinds');
    const body = { kind: 'test.answers', name: 'Answers', connectionId };
    const { pipeline } = (await answer('POST', '/api/pipelines', body)) as { pipeline: { id: string } };
    conforms(Pipeline, pipeline, 'new pipeline');
    conforms(
      Preview,
      ((await answer('POST', '/api/pipelines/preview', body)) as { preview: unknown }).preview,
      'preview',
    );
    const saved = (await answer('POST', `/api/pipelines/${pipeline.id}/preview`, {})) as { preview: unknown };
    conforms(Preview, saved.preview, 'saved preview');

    const completed = await (await t.hub.runner.start(pipeline.id, 'manual')).done;
    failRun = true;
    const failed = await (await t.hub.runner.start(pipeline.id, 'manual')).done;
    expect([completed.status, failed.status]).toEqual(['completed', 'failed']);
    const { runs } = (await answer('GET', `/api/pipelines/${pipeline.id}/runs`)) as { runs: unknown[] };
    expect(runs).toHaveLength(2);
    for (const r of runs) conforms(Run, r, 'run');
    conforms(Run, ((await answer('GET', `/api/runs/${completed.id}`)) as { run: unknown }).run, 'one run');
    const { records } = (await answer('GET', `/api/runs/${completed.id}/records`)) as { records: unknown[] };
    expect(records).toHaveLength(3);
    for (const r of records) conforms(RunRecord, r, 'run record');
    const { pipelines } = (await answer('GET', '/api/pipelines')) as { pipelines: unknown[] };
    for (const p of pipelines) conforms(Pipeline, p, 'pipeline with its last run');
    failRun = false;
    conforms(RunAllAnswer, await answer('POST', '/api/pipelines/run-all', { connectionId }), 'run-all');

    await createCustomerStore(t.hub.db).write([
      {
        type: 'accounts',
        rows: [
          { ...emptyAccount, connectionId: 'crm', id: 'A1', name: 'Acme', arr: 1000, key: 'C1', raw: { Id: 'A1' } },
          { ...emptyAccount, connectionId: 'crm', id: 'A2', raw: {} },
        ],
      },
      {
        type: 'companies',
        rows: [
          { connectionId: 'cs', id: 'C1', accountId: 'A1', name: 'Acme', matchedBy: 'x', fields: {}, syncedAt: 1 },
        ],
      },
      {
        type: 'activities',
        rows: [
          {
            connectionId: 'cs',
            id: 'T1',
            accountId: 'A1',
            companyId: 'C1',
            type: null,
            category: 'Call',
            subject: 'Hello',
            notes: null,
            activityDate: '2026-01-02',
            authorId: null,
            modifiedAt: null,
            syncedAt: 1,
          },
        ],
      },
      {
        type: 'survey_responses',
        rows: [
          {
            connectionId: 'cs',
            object: 'NPS',
            responseId: 'R1',
            accountId: 'A1',
            companyId: 'C1',
            surveyType: 'NPS',
            surveyId: null,
            score: 9,
            npsGroup: 'promoter',
            text: null,
            email: null,
            respondedAt: '2026-01-03',
            fields: { Extra: 1 },
            syncedAt: 1,
          },
        ],
      },
      {
        type: 'usage',
        mode: 'set',
        rows: [
          {
            pipelineId: pipeline.id,
            connectionId: 'cs',
            accountId: 'A1',
            product: 'P',
            metric: 'logins',
            dimension: '',
            period: '2026-01-01',
            value: 5,
            secondary: { users: 2 },
            rows: 1,
            syncedAt: 1,
          },
        ],
      },
    ]);
    const list = (await answer('GET', '/api/accounts')) as { accounts: unknown[] };
    expect(list.accounts).toHaveLength(2);
    conforms(AccountList, list, 'accounts');
    const detail = (await answer('GET', '/api/accounts/A1')) as Record<string, unknown[]>;
    for (const key of ['companies', 'activities', 'surveyResponses', 'usage']) expect(detail[key], key).toHaveLength(1);
    conforms(AccountDetail, detail, 'account detail');
    conforms(AccountDetail, await answer('GET', '/api/accounts/A2'), 'bare account');
  });
});

const emptyAccount = {
  name: null,
  domain: null,
  parentId: null,
  arr: null,
  renewalDate: null,
  ownerId: null,
  key: null,
  modifiedStamp: null,
  syncedAt: 1,
};
