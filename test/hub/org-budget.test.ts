import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge, WORKSPACE_FLOWS_DIR } from './vendor-fixtures.js';

/**
 * Salesforce's daily API budget is the org's, shared with its other integrations: the hub follows what
 * Salesforce reports in `Sforce-Limit-Info` (no fixed bucket, no per-minute cap of ours), slows down past
 * the connection's share, stops before the limit, treats 403 REQUEST_LIMIT_EXCEEDED as "wait", and keeps
 * what it learnt across a restart. Real HTTP against the simulators; the hub's, the limiter's and the
 * simulators' clock is one virtual clock that the limiter's sleeps move on.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 23, 12, 0, 0);

// biome-ignore lint/suspicious/noExplicitAny: API answers are inspected field by field
type Body = Record<string, any>;

interface SentCall {
  at: number;
  method: string;
  path: string;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Salesforce org (and a Gainsight tenant whose companies point at its accounts), and a hub on a virtual clock. */
async function orgHub(options: { dailyApiLimit?: number; accounts?: number; pageSize?: number } = {}) {
  const clock = { t: START };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-org-budget-'));

  /** Salesforce data calls as the hub sent them, on the virtual clock. */
  const sent: SentCall[] = [];
  /** Runs before a Salesforce data call leaves the hub: another integration may spend the org's budget then. */
  let beforeSalesforceCall: ((call: SentCall) => void) | undefined;
  let salesforceOrigin: string | undefined;
  const hubFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === salesforceOrigin && url.pathname.startsWith('/services/data/')) {
      const call = { at: clock.t, method: init?.method ?? 'GET', path: url.pathname };
      sent.push(call);
      beforeSalesforceCall?.(call);
    }
    return fetch(input, init);
  };
  const sleeps: number[] = [];
  const b = await createBridge({
    accounts: options.accounts ?? 12,
    now: () => clock.t,
    salesforce: {
      dailyApiLimit: options.dailyApiLimit ?? 15_000,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    },
    hub: {
      dataDir,
      fetch: hubFetch,
      // The Salesforce accounts pull comes from the workspace's flow packages (packages/flows/gainsight-pulls).
      workspaceFlows: WORKSPACE_FLOWS_DIR,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.t += ms;
      },
    },
  });
  salesforceOrigin = b.urls.salesforce;
  cleanups.push(async () => {
    await b.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const json = async (method: string, url: string, body?: unknown) => {
    const res = await b.t.request(method, url, body);
    return { status: res.status, body: (await res.json()) as Body };
  };

  return {
    clock,
    salesforce: b.salesforce,
    gainsight: b.gainsight,
    accountIds: b.accountIds,
    connections: b.connections,
    sent,
    sleeps,
    json,
    get hub() {
      return b.t.hub;
    },
    onSalesforceCall(hook: ((call: SentCall) => void) | undefined) {
      beforeSalesforceCall = hook;
    },
    async create(body: Record<string, unknown>): Promise<string> {
      const res = await json('POST', '/api/pipelines', body);
      if (res.status !== 201) throw new Error(`pipeline refused: ${JSON.stringify(res.body)}`);
      return res.body.pipeline.id as string;
    },
    async run(pipelineId: string): Promise<Body> {
      const { runId, done } = await b.t.hub.runner.start(pipelineId, 'manual');
      return { runId, ...((await done) as unknown as Body) };
    },
    /** The org's budget as `GET /api/limits` shows it. */
    async limits(): Promise<Body | undefined> {
      const { body } = await json('GET', '/api/limits');
      return (body.limits as Body[]).find((l) => l.connector === 'salesforce');
    },
    /** Stop the hub and start a new one on the same data directory (same clock). */
    restart: () => b.restart(),
  };
}

type OrgHub = Awaited<ReturnType<typeof orgHub>>;

const accountsPull = (o: OrgHub) =>
  o.create({ kind: 'salesforce.accounts', name: 'Accounts', connectionId: o.connections.salesforce, settings: {} });

const storedAccounts = async (o: OrgHub) =>
  Number(
    (
      await o.hub.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const gaps = (calls: SentCall[]) => calls.slice(1).map((c, i) => c.at - (calls[i] as SentCall).at);

describe("Salesforce's budget is the org's", () => {
  it('has no per-minute cap of its own: 300 calls in one minute go through while the org has budget', async () => {
    const o = await orgHub({ accounts: 300, pageSize: 1 });
    const id = await accountsPull(o);
    const before = o.sent.length;
    const run = await o.run(id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    expect(run.counts.read).toBe(300);
    const calls = o.sent.slice(before);
    // One query call per page of one account, all at the same (virtual) minute: nothing waited.
    expect(calls.length).toBeGreaterThanOrEqual(300);
    expect(o.salesforce.control.requests.filter((r) => r.path.startsWith('/services/data/v')).length).toBe(
      o.sent.length,
    );
    expect((calls.at(-1) as SentCall).at - (calls[0] as SentCall).at).toBeLessThan(60_000);
    expect(o.sleeps).toEqual([]);
    // What the Limits page shows: the org's count as Salesforce last reported it.
    const limits = await o.limits();
    expect(limits).toMatchObject({
      bucket: 'api',
      usage: [],
      reported: { used: o.salesforce.apiUsage(), limit: 15_000, state: 'normal', slowLine: 7_500, stopLine: 13_500 },
    });
  }, 60_000);

  it('slows down past the share, stops before the limit when another integration has spent most of it, and resumes the next day', async () => {
    const o = await orgHub({ dailyApiLimit: 1_000, accounts: 40, pageSize: 1 });
    // The org's other integrations spent 600 of its 1,000 calls this morning: past the 50% slow line.
    o.salesforce.setOthersApiUsage(600, START - 2 * HOUR);
    const id = await accountsPull(o);

    // Half-way through the run, another integration spends 300 more: the org is past the 90% stop line.
    let queries = 0;
    o.onSalesforceCall((call) => {
      if (call.path.endsWith('/query') || call.path.includes('/query/')) queries++;
      if (queries === 10) o.salesforce.setOthersApiUsage(900, START - 2 * HOUR);
    });
    const before = o.sent.length;
    const run = await o.run(id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'rate_limited' });
    expect(run.error.message).toMatch(
      /^Salesforce org API limit reached: the org has used 9\d\d of its 1,000 daily API calls; the hub stops at 900/,
    );
    const calls = o.sent.slice(before);
    expect(calls).toHaveLength(10);
    // Slowed: with 300 calls left to the stop line for a day, one about every 4.8 minutes.
    for (const gap of gaps(calls)) expect(gap).toBeGreaterThanOrEqual(Math.floor(DAY / 300));
    // Stopped before the limit: Salesforce never refused a call, and the org still has calls for its people.
    expect(o.salesforce.control.requests.every((r) => r.status !== 403)).toBe(true);
    expect(o.salesforce.apiUsage()).toBeLessThan(1_000);
    // Pages read before the stop are kept (the cursor moved): the run failed, no record did.
    expect(run.counts).toMatchObject({ read: 10, failed: 0 });
    expect(await storedAccounts(o)).toBe(10);
    expect(await o.limits()).toMatchObject({
      reported: { limit: 1_000, state: 'stopped', stopLine: 900, nextCallAt: o.clock.t + HOUR },
    });

    // The next run does not call Salesforce at all until the hour is over.
    const stillStopped = await o.run(id);
    expect(stillStopped.error.message).toMatch(/^Salesforce org API limit reached/);
    expect(o.sent.length).toBe(before + calls.length);

    // An hour later one call probes; the other integrations' calls still count, so it stops again.
    o.clock.t += HOUR;
    const probed = await o.run(id);
    expect(probed.status).toBe('failed');
    expect(o.sent.length).toBe(before + calls.length + 1);

    // The next day the morning's calls have left the rolling 24 hours: the run carries on where it stopped.
    o.clock.t = START + DAY;
    o.onSalesforceCall(undefined);
    const resumed = await o.run(id);
    expect(resumed.error).toBeNull();
    expect(resumed.status).toBe('completed');
    expect(await storedAccounts(o)).toBe(40);
  });

  it('a 403 REQUEST_LIMIT_EXCEEDED during a sync write fails no record; the run resumes once the org has calls again', async () => {
    const o = await orgHub();
    const id = await o.create({
      kind: 'sync',
      name: 'Gainsight to Salesforce',
      connectionId: o.connections.gainsight,
      settings: {
        stream: 'records',
        streamOptions: { object: 'company' },
        destinationConnectionId: o.connections.salesforce,
        writer: 'account_update',
        key: 'Id',
        mapping: [
          { from: 'SfdcAccountId', to: 'Id' },
          { from: 'Stage', to: 'Gainsight_Stage__c' },
        ],
      },
    });
    // Another integration spends the rest of the org's day just as the hub writes.
    o.onSalesforceCall((call) => {
      if (call.method === 'PATCH') o.salesforce.setOthersApiUsage(15_000);
    });
    const run = await o.run(id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'rate_limited', vendorCode: 'REQUEST_LIMIT_EXCEEDED', status: 403 });
    expect(run.error.message).toMatch(/^Salesforce org API limit reached: REQUEST_LIMIT_EXCEEDED: TotalRequests/);
    expect(run.counts).toMatchObject({ written: 0, failed: 0 });
    const failed = await o.json('GET', `/api/runs/${run.runId}/records?status=failed`);
    expect(failed.body.total).toBe(0);
    const refused = o.salesforce.control.requests.filter((r) => r.status === 403);
    // The host waits rather than hammering: one refusal, no retry within the hour.
    expect(refused).toHaveLength(1);
    expect(await o.limits()).toMatchObject({ reported: { state: 'exhausted', nextCallAt: o.clock.t + HOUR } });
    const company = o.gainsight.state.rows('company')[0] as Body;
    expect(o.salesforce.record('Account', String(company.SfdcAccountId))?.Gainsight_Stage__c).not.toBe(company.Stage);

    // The next day the other integration's calls have aged out: the same records are written.
    o.onSalesforceCall(undefined);
    o.clock.t += DAY + 1;
    const resumed = await o.run(id);
    expect(resumed.error).toBeNull();
    expect(resumed.counts).toMatchObject({ read: 12, written: 12, failed: 0 });
    for (const row of o.gainsight.state.rows('company')) {
      expect(o.salesforce.record('Account', String(row.SfdcAccountId))?.Gainsight_Stage__c).toBe(row.Stage);
    }
  });

  it('keeps what Salesforce reported across a hub restart: a restarted hub does not spend the rest', async () => {
    const o = await orgHub({ dailyApiLimit: 1_000 });
    o.salesforce.setOthersApiUsage(950);
    // Saving the pipeline describes Account: that answer says 951 of 1,000 are spent.
    const id = await accountsPull(o);
    expect(o.sent).toHaveLength(1);
    await o.restart();
    const limits = await o.limits();
    expect(limits).toMatchObject({ reported: { used: 951, limit: 1_000, state: 'stopped' } });
    const run = await o.run(id);
    expect(run.status).toBe('failed');
    expect(run.error.message).toMatch(/^Salesforce org API limit reached: the org has used 951 of its 1,000/);
    expect(o.sent).toHaveLength(1);
    expect(o.salesforce.apiUsage()).toBe(951);
  });
});
