import { type ConnectorContext, isConnectorError, type RecordPage, type SyncRecord } from '@synchub/core';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gainsight from './index.js';
import { combineWhere, decodeCursor } from './streams.js';

const stream = gainsight.streams.records!;
const T0 = Date.UTC(2025, 4, 1, 12);

function setup(options: Parameters<typeof createGainsightSimulator>[0] = {}) {
  let t = T0;
  const sim = createGainsightSimulator({
    companies: 23,
    people: 5,
    activities: 12,
    now: () => t,
    limits: { syncPerMinute: 100_000 },
    ...options,
  });
  const acquired: string[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now, acquire: async (bucket) => void acquired.push(bucket) };
  const env = {
    sim,
    acquired,
    server: undefined as RunningServer | undefined,
    tick: (ms = 1_000) => {
      t += ms;
    },
    async read(options: Record<string, unknown>, cursor: string | null = null): Promise<RecordPage[]> {
      const settings = gainsight.settings.parse({ domain: env.server?.url, sandbox: true });
      const secrets = { accessKey: sim.state.accessKey };
      const pages: RecordPage[] = [];
      for await (const page of stream.read({ settings, secrets, ctx, cursor, options })) pages.push(page);
      return pages;
    },
    queries: () => sim.control.requests.filter((r) => r.path.startsWith('/v1/data/objects/query/')),
  };
  return env;
}

const gsids = (records: SyncRecord[]) => records.map((r) => r.Gsid as string);
const all = (pages: RecordPage[]) => pages.flatMap((p) => p.records);
const companyOptions = { object: 'company', select: ['Gsid', 'Name', 'Employees'], pageSize: 5 };

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

describe('gainsight records stream', () => {
  const env = setup();
  beforeAll(async () => {
    env.server = await listen(env.sim.app);
  });
  afterAll(async () => env.server?.close());

  it('pages to the end in ModifiedDate then Gsid order, one page per call, cursor after each page', async () => {
    env.sim.control.reset();
    const pages = await env.read(companyOptions);
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 5, 5, 3]);
    const rows = env.sim.state.rows('company');
    const expected = [...rows]
      .sort(
        (a, b) => (a.ModifiedDate as number) - (b.ModifiedDate as number) || (String(a.Gsid) < String(b.Gsid) ? -1 : 1),
      )
      .map((r) => r.Gsid);
    expect(gsids(all(pages))).toEqual(expected);
    // The cursor field is read (to move the cursor) but not emitted when not selected.
    expect(Object.keys(pages[0]?.records[0] ?? {}).sort()).toEqual(['Employees', 'Gsid', 'Name']);
    for (const page of pages) {
      const last = rows.find((r) => r.Gsid === page.records.at(-1)?.Gsid);
      expect(JSON.parse(page.cursor as string)).toEqual({
        after: new Date(last?.ModifiedDate as number).toISOString(),
        gsid: last?.Gsid,
      });
    }
    const bodies = env.queries().map((r) => r.body as Record<string, unknown>);
    expect(bodies).toHaveLength(5);
    expect(bodies[0]).toEqual({
      select: ['Gsid', 'Name', 'Employees', 'ModifiedDate'],
      orderBy: { ModifiedDate: 'asc', Gsid: 'asc' },
      limit: 5,
      offset: 0,
    });
    // Later pages ask from the last change date read, skipping only the rows already read at it.
    expect(bodies[1]).toMatchObject({
      where: {
        conditions: [
          { name: 'ModifiedDate', alias: 'SYNC', operator: 'GTE', value: [JSON.parse(pages[0]!.cursor!).after] },
        ],
        expression: 'SYNC',
      },
      offset: 1,
    });
    expect(env.acquired.every((b) => b === 'sync')).toBe(true);
  });

  it('resumes from any page cursor with exactly the rest: no duplicates, nothing lost', async () => {
    const pages = await env.read(companyOptions);
    const records = all(pages);
    let consumed = 0;
    for (const page of pages.slice(0, -1)) {
      consumed += page.records.length;
      const resumed = all(await env.read(companyOptions, page.cursor));
      expect(gsids(resumed)).toEqual(gsids(records.slice(consumed)));
    }
    expect(all(await env.read(companyOptions, pages.at(-1)!.cursor))).toEqual([]);
  });

  it('keeps ties at one change date across page boundaries, from the start and when resumed', async () => {
    const tied = env.sim.state.rows('company').slice(4, 12);
    for (const row of tied) row.ModifiedDate = T0 - 3_600_000;
    const pages = await env.read({ ...companyOptions, pageSize: 3 });
    const records = all(pages);
    expect(records).toHaveLength(23);
    expect(new Set(gsids(records)).size).toBe(23);
    let consumed = 0;
    for (const page of pages.slice(0, -1)) {
      consumed += page.records.length;
      const resumed = all(await env.read({ ...companyOptions, pageSize: 3 }, page.cursor));
      expect(gsids(resumed)).toEqual(gsids(records.slice(consumed)));
    }
  });

  it('reads only what changed since the cursor (an update moves ModifiedDate), then nothing', async () => {
    const pages = await env.read(companyOptions);
    const final = pages.at(-1)!.cursor;
    expect(all(await env.read(companyOptions, final))).toEqual([]);

    env.tick();
    const target = env.sim.state.rows('company')[7]!;
    const put = await fetch(`${env.server?.url}/v1/data/objects/Company?keys=Name`, {
      method: 'PUT',
      headers: { accesskey: env.sim.state.accessKey, 'content-type': 'application/json' },
      body: JSON.stringify({ records: [{ Name: target.Name, Employees: 4242 }] }),
    });
    expect(put.status).toBe(200);
    const changed = await env.read(companyOptions, final);
    expect(all(changed)).toEqual([{ Gsid: target.Gsid, Name: target.Name, Employees: 4242 }]);
    expect(decodeCursor(changed.at(-1)!.cursor)).toEqual({ at: T0 + 1_000, gsid: target.Gsid });
    expect(all(await env.read(companyOptions, changed.at(-1)!.cursor))).toEqual([]);
  });

  it('does not lose records edited while a run is paging', async () => {
    const settings = gainsight.settings.parse({ domain: env.server?.url, sandbox: true });
    const iterator = stream
      .read({
        settings,
        secrets: { accessKey: env.sim.state.accessKey },
        ctx: { fetch, now: Date.now },
        cursor: null,
        options: companyOptions,
      })
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    const page1 = (first.value as RecordPage).records;
    // Editing a record already read moves it to the end; offset paging would now skip one record.
    env.tick();
    env.sim.state.rows('company').find((r) => r.Gsid === page1[0]?.Gsid)!.ModifiedDate = T0 + 10_000;
    const rest: SyncRecord[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(...next.value.records);
    const seen = new Set(gsids([...page1, ...rest]));
    expect(seen.size).toBe(env.sim.state.rows('company').length);
    expect(gsids(rest).filter((g) => g === page1[0]?.Gsid)).toHaveLength(1); // read again: it changed
  });

  it('ANDs the where option with the cursor condition, and looks up 5000 names in one call', async () => {
    const where = {
      conditions: [{ name: 'Industry', alias: 'A', value: ['Software'], operator: 'EQ' }],
      expression: 'A',
    };
    const software = env.sim.state.rows('company').filter((r) => r.Industry === 'Software');
    expect(software.length).toBeGreaterThan(1);
    const pages = await env.read({ ...companyOptions, pageSize: 1, where });
    expect(new Set(gsids(all(pages)))).toEqual(new Set(software.map((r) => r.Gsid)));
    const last = env.queries().at(-1)?.body as { where: { expression: string; conditions: unknown[] } };
    expect(last.where.expression).toBe('(A) AND SYNC');

    env.sim.control.reset();
    const names = [
      ...env.sim.state
        .rows('company')
        .slice(0, 3)
        .map((r) => r.Name),
      ...Array.from({ length: 4997 }, (_, i) => `Nobody ${i}`),
    ];
    const lookup = await env.read({
      object: 'company',
      select: ['Gsid', 'Name'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: names, operator: 'IN' }] },
    });
    expect(lookup).toHaveLength(1);
    expect(
      all(lookup)
        .map((r) => r.Name)
        .sort(),
    ).toEqual(names.slice(0, 3).sort());
    expect(env.queries()).toHaveLength(1);
  });

  it('builds the where: user expression kept, conditions ANDed when it has none, free alias', () => {
    const cursor = { name: 'ModifiedDate', operator: 'GTE' as const, value: ['2025-01-01T00:00:00.000Z'] };
    const a = { name: 'Name', alias: 'A', value: ['x'], operator: 'EQ' as const };
    const b = { name: 'Arr', alias: 'SYNC', value: [1], operator: 'GT' as const };
    expect(combineWhere(undefined, undefined)).toBeUndefined();
    expect(combineWhere({ conditions: [a, b] }, undefined)).toEqual({ conditions: [a, b], expression: 'A AND SYNC' });
    expect(combineWhere({ conditions: [a, b], expression: 'A OR SYNC' }, cursor)).toEqual({
      conditions: [a, b, { ...cursor, alias: 'SYNC1' }],
      expression: '(A OR SYNC) AND SYNC1',
    });
  });

  it('defaults activity_timeline to LastModifiedDate', async () => {
    env.sim.control.reset();
    const pages = await env.read({ object: 'activity_timeline', select: ['Gsid', 'Subject'], pageSize: 5 });
    expect(all(pages)).toHaveLength(12);
    expect(env.queries()[0]?.body).toMatchObject({ orderBy: { LastModifiedDate: 'asc', Gsid: 'asc' } });
    expect(all(await env.read({ object: 'activity_timeline', select: ['Gsid'] }, pages.at(-1)!.cursor))).toEqual([]);
  });

  it('reads rows with an empty cursor field from the beginning, never incrementally', async () => {
    const rows = env.sim.state.rows('company');
    for (const row of rows.slice(0, 7)) row.RenewalDate = null;
    const options = { ...companyOptions, cursorField: 'RenewalDate', pageSize: 4 };
    const pages = await env.read(options);
    expect(new Set(gsids(all(pages))).size).toBe(rows.length);
    expect(all(pages)).toHaveLength(rows.length);
    expect(all(await env.read(options, pages.at(-1)!.cursor))).toEqual([]);
    // A read that fits one page needs no second call for the empty values.
    env.sim.control.reset();
    expect(all(await env.read({ ...options, pageSize: 100 }))).toHaveLength(rows.length);
    expect(env.queries()).toHaveLength(1);
  });

  it('refuses bad options and cursors it did not write with code config', async () => {
    expect((await failure(env.read({ object: 'company', select: [] }))).code).toBe('config');
    expect((await failure(env.read({ ...companyOptions, pageSize: 5001 }))).code).toBe('config');
    expect((await failure(env.read(companyOptions, 'page-7'))).code).toBe('config');
    expect((await failure(env.read(companyOptions, '{"after":"soon"}'))).code).toBe('config');
    const unknown = await failure(env.read({ object: 'nope', select: ['Gsid'] }));
    expect(unknown.code).toBe('not_found');
  });
});

describe('gainsight records stream with epoch-ms dates', () => {
  const env = setup({ dateFormat: 'epoch', companies: 9 });
  beforeAll(async () => {
    env.server = await listen(env.sim.app);
  });
  afterAll(async () => env.server?.close());

  it('writes ISO cursors and resumes from them', async () => {
    const options = { object: 'company', select: ['Gsid', 'ModifiedDate'], pageSize: 4 };
    const pages = await env.read(options);
    const records = all(pages);
    expect(records).toHaveLength(9);
    expect(typeof records[0]?.ModifiedDate).toBe('number');
    const cursor = JSON.parse(pages[0]!.cursor!);
    expect(cursor.after).toBe(new Date(records[3]?.ModifiedDate as number).toISOString());
    expect(gsids(all(await env.read(options, pages[0]!.cursor)))).toEqual(gsids(records.slice(4)));
  });
});
