import type { PlannedRequest, ResolvedConnection, RunContext, SyncRecord } from '@synchub/core';
import { picklistGsid } from '@synchub/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, NOW } from './vendor-fixtures.js';
// The hub's own sync kind, driven by hand: imported from the hub's source (it is no public export).
import { EMPTY_STATE } from '../../apps/hub/src/host/state.js';
import { type SyncSettings, syncKind, syncSettings } from '../../apps/hub/src/pipelines/sync/index.js';

/**
 * The sync honours the dry-run contract (RunContext.dryRun): driven here by hand, with connections whose
 * ctx records writes instead of sending them, as the preview endpoint builds them.
 */

let b: Bridge;
beforeEach(async () => {
  b = await createBridge();
});
afterEach(() => b.close());

async function dryConnection(id: string, planned: PlannedRequest[]): Promise<ResolvedConnection> {
  const { connector, connection, settings, secrets } = await b.t.hub.connections.resolve(id);
  return {
    id,
    name: connection.name,
    connector,
    settings,
    secrets,
    ctx: { fetch: globalThis.fetch, now: () => NOW, dryRun: { record: (request) => planned.push(request) } },
  };
}

describe('sync: dry run', () => {
  it('reads at most limit records, samples each before and after mapping, writes nothing, commits nothing', async () => {
    const account = (i: number) => b.salesforce.record('Account', b.accountIds[i] as string) as SyncRecord;
    for (let i = 0; i < 12; i++) account(i).Industry = 'Technology';
    account(1).Industry = 'Media';
    const settings: SyncSettings = syncSettings.parse({
      stream: 'accounts',
      destinationConnectionId: b.connections.gainsight,
      writer: 'company_insert',
      mapping: [
        { from: 'Name', to: 'Name' },
        { from: 'Industry', to: 'Industry', lookup: { Technology: 'Software' } },
        { value: 'Active', to: 'Status' },
      ],
    });
    const planned: PlannedRequest[] = [];
    const samples: Array<{ before: unknown; after: unknown; note?: string | undefined }> = [];
    const commits: Array<string | null> = [];
    const counts: Record<string, number> = {};
    const gainsightCalls = b.gainsight.control.requests.length;
    const run: RunContext<SyncSettings> = {
      runId: 0,
      pipelineId: 'preview',
      pipelineName: 'preview',
      settings,
      connection: await dryConnection(b.connections.salesforce, planned),
      connectionOf: (id) => dryConnection(id, planned),
      cursor: null,
      async commit(cursor) {
        commits.push(cursor);
      },
      count(kind, n = 1) {
        counts[kind] = (counts[kind] ?? 0) + n;
      },
      note() {},
      detail() {},
      record() {
        throw new Error('a dry run keeps no run records');
      },
      state: EMPTY_STATE,
      host: b.t.hub.pluginRuntime.hostOf(syncKind),
      log() {},
      signal: new AbortController().signal,
      now: () => NOW,
      dryRun: { limit: 5, sample: (before, after, note) => samples.push({ before, after, note }) },
    };
    await syncKind.run(run);

    expect(counts).toEqual({ read: 5, written: 4, failed: 1 });
    expect(commits).toEqual([]);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      before: expect.objectContaining({ Id: b.accountIds[0], Name: account(0).Name, Industry: 'Technology' }),
      after: { Name: account(0).Name, Industry: 'Software', Status: 'Active' },
      note: undefined,
    });
    expect(samples[1]).toEqual({
      before: expect.objectContaining({ Id: b.accountIds[1] }),
      after: null,
      note: 'Industry (from Industry): no lookup entry for "Media"',
    });
    // The write that would have been sent: one insert of the four mapped records, recorded, not sent, with
    // the picklist labels as Gainsight takes them (item GSIDs).
    const item = (field: string, label: string) => picklistGsid(b.gainsight.state.objects, 'company', field, label);
    expect(planned).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: expect.stringMatching(/\/v1\/data\/objects\/Company$/),
        body: {
          records: [0, 2, 3, 4].map((i) => ({
            Name: account(i).Name,
            Industry: item('Industry', 'Software'),
            Status: item('Status', 'Active'),
          })),
        },
      }),
    ]);
    // Reads still go out (the query and the picklist describe); nothing that writes.
    const sent = b.gainsight.control.requests.slice(gainsightCalls);
    const reads = (r: { method: string; path: string }) =>
      r.method === 'GET' || r.path.includes('/query/') || r.path === '/v1/meta/services/objects/describe';
    expect(sent.filter((r) => !reads(r))).toEqual([]);
    expect(b.gainsight.state.rows('company').some((c) => c.Name === account(0).Name)).toBe(false);
  });
});
