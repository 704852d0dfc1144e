import type { Hub } from '@synchub/hub';
import { SECRET_MASK } from '@synchub/core';
import { type GainsightObjectDef, type LoggedRequest, picklistGsid } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, createBridge } from './vendor-fixtures.js';

/*
 * Pipeline previews over the vendor simulators: the generic sync between built-in connectors. Nothing
 * changes anywhere: not the vendors, not the hub's tables. The preview endpoints' own rules:
 * apps/hub/src/pipelines/preview.test.ts; the flows' kinds: their packages (packages/flows/*).
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;
type Request = (method: string, url: string, body?: unknown) => Response | Promise<Response>;

const call = async (request: Request, url: string, body: unknown = {}) => {
  const res = await request('POST', url, body);
  return { status: res.status, body: (await res.json()) as Json };
};

/** Everything a preview must leave as it was: stored data, pipelines (cursors), runs, audit lines. */
const TABLES = [
  'accounts',
  'cs_companies',
  'activities',
  'survey_responses',
  'usage_metrics',
  'custom_fields',
  'pipelines',
  'runs',
  'run_records',
  'audit_log',
] as const;
async function hubState(db: Hub['db']) {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = await db.selectFrom(table).selectAll().execute();
  return out;
}

/** A record as Gainsight is sent it: the named picklist fields' labels replaced by their item GSIDs. */
const asSent = (objects: GainsightObjectDef[], object: string, fields: string[]) => (record: Json) => ({
  ...record,
  ...Object.fromEntries(
    fields.filter((f) => record[f] != null).map((f) => [f, picklistGsid(objects, object, f, record[f])]),
  ),
});

/** Requests that change something, per simulator (their POST reads are not writes). */
const WRITES: Record<string, (r: LoggedRequest) => boolean> = {
  salesforce: (r) => r.method !== 'GET' && !r.path.startsWith('/services/oauth2/'),
  gainsight: (r) =>
    r.method !== 'GET' &&
    !r.path.startsWith('/v1/data/objects/query/') &&
    r.path !== '/v1/meta/services/objects/describe',
  pendo: (r) => r.method !== 'GET' && r.path !== '/api/v1/aggregation',
  qualtrics: (r) => r.method !== 'GET' && !/\/export-responses$/.test(r.path),
};

describe('previews over the vendor simulators', { timeout: 60_000 }, () => {
  // The bridge legs' previews are tested in packages/flows/pendo-bridge (src/preview.test.ts).
  let b: Bridge;
  const request: Request = (method, url, body) => b.t.request(method, url, body);
  beforeAll(async () => {
    b = await createBridge();
  });
  afterAll(() => b.close());

  it('sync (generic): the mapped records and the update it would send; Gainsight unchanged', async () => {
    const state = await hubState(b.t.hub.db);
    const gsBefore = b.gainsight.control.requests.length;
    const companiesBefore = structuredClone(b.gainsight.state.rows('company'));
    const { status, body } = await call(request, '/api/pipelines/preview', {
      kind: 'sync',
      name: 'Accounts to companies',
      connectionId: b.connections.salesforce,
      settings: {
        stream: 'accounts',
        streamOptions: { object: 'Account' },
        destinationConnectionId: b.connections.gainsight,
        writer: 'company_update',
        writerOptions: { keys: ['Name'] },
        mapping: [
          { from: 'Name', to: 'Name' },
          { value: 'Will Expand', to: 'Stage' },
        ],
        key: 'Name',
      },
      limit: 3,
    });
    expect(status).toBe(200);
    const p = body.preview;
    expect(p).toMatchObject({ kind: 'sync', limit: 3, error: null, counts: { read: 3 } });
    expect(p.records).toHaveLength(3);
    expect(p.records[0].after).toEqual({ Name: p.records[0].before.Name, Stage: 'Will Expand' });
    expect(p.requests).toHaveLength(1);
    // The records people see carry the label; the request names the picklist item by its GSID.
    expect(p.requests[0]).toMatchObject({
      connectionId: b.connections.gainsight,
      method: 'PUT',
      headers: { Accesskey: SECRET_MASK },
      body: { records: p.records.map((r: Json) => asSent(b.gainsight.state.objects, 'company', ['Stage'])(r.after)) },
    });
    expect(new URL(p.requests[0].url).search).toBe('?keys=Name');
    expect(b.gainsight.control.requests.slice(gsBefore).filter(WRITES.gainsight!)).toEqual([]);
    expect(b.gainsight.state.rows('company')).toEqual(companiesBefore);
    expect(await hubState(b.t.hub.db)).toEqual(state);
  });
});
