import type { ConnectorContext, RecordPage } from '@synchub/core';
import { createPendoSimulator, listen, type PendoSimulator, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsSchema } from './settings.js';
import { keyLiteral, streams } from './streams.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const ctx: ConnectorContext = { fetch, now: Date.now };
const ACCOUNTS = { source: { accounts: null } };

/** Start a simulator and return a reader for one of the connector's streams. */
function harness(options: Parameters<typeof createPendoSimulator>[0]) {
  const sim: PendoSimulator = createPendoSimulator({ now: () => NOW, ...options });
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());
  async function read(stream: 'aggregation' | 'report', opts: Record<string, unknown>, cursor: string | null = null) {
    const pages: RecordPage[] = [];
    const settings = settingsSchema.parse({ baseUrl: server.url, sandbox: true });
    const secrets = { integrationKey: sim.credentials.integrationKey };
    for await (const page of streams[stream]!.read({ settings, secrets, ctx, cursor, options: opts })) pages.push(page);
    return { pages, records: pages.flatMap((p) => p.records), cursors: pages.map((p) => p.cursor) };
  }
  /** Pipelines the simulator received, without the source (the paging steps the stream added). */
  const sentPaging = () =>
    sim.control.requests
      .filter((r) => r.path === '/api/v1/aggregation')
      .map((r) => (r.body as { request: { pipeline: unknown[] } }).request.pipeline.slice(1));
  return { sim, read, sentPaging };
}

describe('pendo aggregation stream over accounts', () => {
  const { sim, read, sentPaging } = harness({ accounts: 23 });
  const ids = Array.from({ length: 23 }, (_, i) => `acct-${String(i + 1).padStart(6, '0')}`);

  it('pages to the end by key: filter after the last key, sort, limit; a short page ends it', async () => {
    sim.control.reset();
    const { pages, records, cursors } = await read('aggregation', { pipeline: [ACCOUNTS], pageSize: 5 });
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 5, 5, 3]);
    expect(records.map((r) => r.accountId)).toEqual(ids);
    expect(cursors).toEqual([
      JSON.stringify({ after: 'acct-000005' }),
      JSON.stringify({ after: 'acct-000010' }),
      JSON.stringify({ after: 'acct-000015' }),
      JSON.stringify({ after: 'acct-000020' }),
      null,
    ]);
    expect(sentPaging()[0]).toEqual([{ sort: ['accountId'] }, { limit: 5 }]);
    expect(sentPaging()[1]).toEqual([{ filter: 'accountId > "acct-000005"' }, { sort: ['accountId'] }, { limit: 5 }]);
    expect(records[0]).toHaveProperty('metadata.custom.tier');
  });

  it('resumes from a mid cursor with exactly the rest: no duplicates, nothing lost', async () => {
    const full = await read('aggregation', { pipeline: [ACCOUNTS], pageSize: 5 });
    const resumed = await read('aggregation', { pipeline: [ACCOUNTS], pageSize: 5 }, full.cursors[1] as string);
    expect(resumed.records).toEqual(full.records.slice(10));
    expect(resumed.cursors.at(-1)).toBeNull();
  });

  it('ends a run whose last page is full with an empty page and a null cursor', async () => {
    sim.control.reset();
    const { pages } = await read('aggregation', { pipeline: [ACCOUNTS, { select: { accountId: 'accountId' } }] });
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records).toHaveLength(23);
    const exact = await read('aggregation', { pipeline: [ACCOUNTS], pageSize: 23 });
    expect(exact.pages.map((p) => [p.records.length, p.cursor])).toEqual([
      [23, JSON.stringify({ after: 'acct-000023' })],
      [0, null],
    ]);
  });

  it('refuses a key shared by several rows, a pipeline with its own limit, bad options and bad cursors', async () => {
    const shared = await read('aggregation', { pipeline: [ACCOUNTS], key: 'metadata.agent.planlevel' }).catch((e) => e);
    expect(shared).toMatchObject({ code: 'config' });
    const tiers = await read('aggregation', {
      pipeline: [ACCOUNTS, { select: { accountId: 'accountId', tier: 'metadata.custom.tier' } }],
      key: 'tier',
    }).catch((e) => e);
    expect(tiers.message).toMatch(/share the paging key tier/);
    const limited = await read('aggregation', { pipeline: [ACCOUNTS, { limit: 3 }] }).catch((e) => e);
    expect(limited).toMatchObject({ code: 'config', message: expect.stringMatching(/Remove the limit step/) });
    for (const options of [
      {},
      { pipeline: [] },
      { pipeline: [ACCOUNTS], key: 'a"b' },
      { pipeline: [ACCOUNTS], pageSize: 0 },
    ]) {
      const error = await read('aggregation', options).catch((e) => e);
      expect(error, JSON.stringify(options)).toMatchObject({ name: 'ConnectorError', code: 'config' });
    }
    const cursor = await read('aggregation', { pipeline: [ACCOUNTS] }, '{"offset":3}').catch((e) => e);
    expect(cursor).toMatchObject({ code: 'config', message: expect.stringMatching(/not a Pendo aggregation cursor/) });
  });

  it('passes Pendo’s refusal of a pipeline on as invalid_request', async () => {
    const error = await read('aggregation', { pipeline: [ACCOUNTS, { explode: 1 }] }).catch((e) => e);
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
  });
});

describe('pendo aggregation stream keys', () => {
  const awkward = ['plain', 'quote"inside', 'back\\slash', 'both\\"mixed', 'tail\\', 'zz "end"'];
  const { read, sentPaging } = harness({ accountIds: awkward });

  it('escapes string keys, so ids with quotes and backslashes page exactly once each', async () => {
    const { records, pages } = await read('aggregation', { pipeline: [ACCOUNTS], pageSize: 2 });
    expect(records.map((r) => r.accountId)).toEqual([...awkward].sort());
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const filters = sentPaging().flatMap((steps) =>
      steps.flatMap((s) => Object.values(s as object)).filter((v) => typeof v === 'string'),
    );
    expect(filters).toEqual([
      'accountId > "both\\\\\\"mixed"',
      'accountId > "quote\\"inside"',
      'accountId > "zz \\"end\\""',
    ]);
  });

  it('writes literals Pendo reads back: numbers bare, strings quoted', () => {
    expect(keyLiteral(1736899200000)).toBe('1736899200000');
    expect(keyLiteral('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe('pendo aggregation stream over usage events', () => {
  const { read } = harness({ accounts: 12 });
  const events = (count: number) => ({
    source: { events: null, timeSeries: { period: 'dayRange', first: 'now()', count } },
  });

  it('pages grouped usage by accountId to the same totals as one unpaged call', async () => {
    const pipeline = [
      events(-30),
      { identified: 'accountId' },
      { group: { group: ['accountId'], fields: { minutes: { sum: 'numMinutes' }, events: { sum: 'numEvents' } } } },
    ];
    const paged = await read('aggregation', { pipeline, pageSize: 4 });
    const whole = await read('aggregation', { pipeline, pageSize: 1000 });
    expect(paged.pages.filter((p) => p.records.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(paged.records).toEqual(whole.records);
    expect(new Set(paged.records.map((r) => r.accountId)).size).toBe(paged.records.length);
  });

  it('pages by a numeric key with numeric filters', async () => {
    const pipeline = [events(-10), { group: { group: ['day'], fields: { events: { sum: 'numEvents' } } } }];
    const { records, cursors } = await read('aggregation', { pipeline, key: 'day', pageSize: 3 });
    expect(records.map((r) => r.day)).toEqual(
      Array.from({ length: 10 }, (_, k) => NOW - (NOW % 86_400_000) - (10 - k) * 86_400_000),
    );
    expect(JSON.parse(cursors[0] as string)).toEqual({ after: records[2]?.day });
  });
});

describe('pendo report stream', () => {
  const { read } = harness({ accounts: 12 });
  const reportId = 'aCcT7dUsAgE-rpt01';

  it('reads the report in one call and hands it on in pages with a positional cursor', async () => {
    const { pages, records, cursors } = await read('report', { reportId, pageSize: 5 });
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 2]);
    expect(cursors).toEqual([JSON.stringify({ offset: 5 }), JSON.stringify({ offset: 10 }), null]);
    expect(records.map((r) => r.accountId)).toHaveLength(12);
    expect(records[0]).toHaveProperty('timeOnSite');
    const resumed = await read('report', { reportId, pageSize: 5 }, cursors[0] as string);
    expect(resumed.records).toEqual(records.slice(5));
    const past = await read('report', { reportId, pageSize: 5 }, JSON.stringify({ offset: 99 }));
    expect(past.pages).toEqual([{ records: [], cursor: null }]);
  });

  it('maps an unknown report to not_found and a missing reportId to config', async () => {
    expect(await read('report', { reportId: 'nope' }).catch((e) => e)).toMatchObject({ code: 'not_found' });
    expect(await read('report', {}).catch((e) => e)).toMatchObject({ code: 'config' });
  });
});
