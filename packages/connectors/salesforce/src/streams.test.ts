import { type ConnectorContext, type ConnectorError, isConnectorError, type RecordPage } from '@synchub/core';
import {
  createSalesforceSimulator,
  formatSalesforceDatetime,
  listen,
  type RunningServer,
  type SalesforceSimulator,
  type SalesforceSimulatorOptions,
  salesforceId,
} from '@synchub/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsSchema, settingsSchema } from './settings.js';
import { streams } from './streams.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const account = (n: number) => salesforceId('001', n);
const FIELDS = ['Name', 'Pendo_lastvisit_last30d__c'];

/** A simulated org on a real port, and a reader of the accounts stream against it. */
async function org(options: SalesforceSimulatorOptions, ctxExtra: Partial<ConnectorContext> = {}) {
  const sim = createSalesforceSimulator(options);
  const server = await listen(sim.app);
  servers.push(server);
  const ctx: ConnectorContext = { fetch, now: Date.now, ...ctxExtra };
  const args = (cursor: string | null, streamOptions: Record<string, unknown>) => ({
    settings: settingsSchema.parse({ loginUrl: server.url, clientId: sim.credentials.clientId, sandbox: true }),
    secrets: secretsSchema.parse({
      clientSecret: sim.credentials.clientSecret,
      refreshToken: sim.credentials.refreshToken,
    }),
    ctx,
    cursor,
    options: streamOptions,
  });
  const pages = (cursor: string | null = null, streamOptions: Record<string, unknown> = { fields: FIELDS }) =>
    streams.accounts!.read(args(cursor, streamOptions))[Symbol.asyncIterator]();
  async function readAll(cursor: string | null = null, streamOptions?: Record<string, unknown>) {
    const out: RecordPage[] = [];
    const iterator = pages(cursor, streamOptions);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) out.push(next.value);
    return out;
  }
  const queries = () =>
    sim.control.requests.filter((r) => r.path.startsWith('/services/data/') && r.path.includes('/query'));
  return { sim, server, pages, readAll, queries };
}

const ids = (pages: RecordPage[]) => pages.flatMap((p) => p.records.map((r) => r.Id));

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

/** Give accounts `from`..`to` one SystemModstamp, as a mass update within one second would. */
function stampAll(sim: SalesforceSimulator, from: number, to: number, stamp: string) {
  for (let n = from; n <= to; n++) sim.record('Account', account(n))!.SystemModstamp = stamp;
}

describe('Salesforce accounts stream: paging and resuming', () => {
  it('yields one page per Salesforce page, in SystemModstamp order, clean records, a cursor on each', async () => {
    const { readAll, queries } = await org({ accounts: 12, pageSize: 5 });
    const pages = await readAll();
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 2]);
    expect(ids(pages)).toEqual(Array.from({ length: 12 }, (_, i) => account(i + 1)));
    const first = pages[0]!.records[0]!;
    expect(Object.keys(first)).toEqual(['Id', 'Name', 'Pendo_lastvisit_last30d__c', 'SystemModstamp']);
    expect(first.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const lastVisits = pages.flatMap((p) => p.records.map((r) => r.Pendo_lastvisit_last30d__c)).filter(Boolean);
    expect(lastVisits.length).toBeGreaterThan(0);
    for (const v of lastVisits) expect(v).toMatch(/Z$/);
    for (const page of pages) {
      const last = page.records.at(-1)!;
      expect(JSON.parse(page.cursor!)).toEqual({ after: last.SystemModstamp, ids: [last.Id] });
    }
    expect(queries().map((r) => r.query.q ?? r.path)).toEqual([
      'SELECT Id, Name, Pendo_lastvisit_last30d__c, SystemModstamp FROM Account ORDER BY SystemModstamp, Id',
      expect.stringMatching(/\/query\/01g\w+-5$/),
      expect.stringMatching(/\/query\/01g\w+-10$/),
    ]);
  });

  it('resumes from a mid cursor with exactly the rest: nothing repeated, nothing lost', async () => {
    const { readAll, queries } = await org({ accounts: 12, pageSize: 5 });
    const full = await readAll();
    const before = queries().length;
    const resumed = await readAll(full[0]!.cursor);
    expect(ids(resumed)).toEqual(ids(full).slice(5));
    const watermark = JSON.parse(full[0]!.cursor!).after as string;
    expect(queries()[before]!.query.q).toBe(
      `SELECT Id, Name, Pendo_lastvisit_last30d__c, SystemModstamp FROM Account WHERE SystemModstamp >= ${watermark} ORDER BY SystemModstamp, Id`,
    );
  });

  it('after the final cursor yields only an account modified since, then nothing', async () => {
    const { sim, readAll } = await org({ accounts: 12, pageSize: 5 });
    const final = (await readAll()).at(-1)!.cursor;
    expect(await readAll(final)).toEqual([]);

    const changed = sim.record('Account', account(3))!;
    changed.Name = 'Renamed Robotics Inc';
    changed.SystemModstamp = formatSalesforceDatetime(Date.UTC(2024, 6, 1, 12));
    const again = await readAll(final);
    expect(again).toHaveLength(1);
    expect(again[0]!.records).toEqual([
      expect.objectContaining({
        Id: account(3),
        Name: 'Renamed Robotics Inc',
        SystemModstamp: '2024-07-01T12:00:00.000Z',
      }),
    ]);
    expect(await readAll(again[0]!.cursor)).toEqual([]);
  });

  it('keeps records that share a SystemModstamp across pages: none lost, none repeated', async () => {
    const { sim, readAll, pages } = await org({ accounts: 10, pageSize: 4 });
    // Accounts 3..8 share one stamp, so the tie spans pages 1 and 2: [1 2 3 4] [5 6 7 8] [9 10].
    stampAll(sim, 3, 8, '2024-05-01T04:00:00.000+0000');
    const full = await readAll();
    expect(ids(full)).toEqual(Array.from({ length: 10 }, (_, i) => account(i + 1)));
    expect(JSON.parse(full[0]!.cursor!)).toEqual({ after: '2024-05-01T04:00:00.000Z', ids: [account(3), account(4)] });
    expect(JSON.parse(full[1]!.cursor!).ids).toEqual([3, 4, 5, 6, 7, 8].map(account));

    // A host that stops after every page and resumes from the saved cursor reads each record once.
    const oneByOne: unknown[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 12; round++) {
      const iterator = pages(cursor);
      const next = await iterator.next();
      await iterator.return?.(undefined);
      if (next.done) break;
      oneByOne.push(...next.value.records.map((r) => r.Id));
      cursor = next.value.cursor;
    }
    expect(oneByOne).toEqual(ids(full));
  });

  it('picks up a record written later in the same second as the watermark, even with a smaller Id', async () => {
    const { sim, readAll } = await org({ accounts: 6, pageSize: 4 });
    const final = (await readAll()).at(-1)!.cursor!;
    const { after } = JSON.parse(final) as { after: string };
    // Account 2 (an Id before the last one read) is written within the watermark's second.
    sim.record('Account', account(2))!.SystemModstamp = formatSalesforceDatetime(Date.parse(after));
    const again = await readAll(final);
    expect(ids(again)).toEqual([account(2)]);
    expect(JSON.parse(again[0]!.cursor!)).toEqual({ after, ids: [account(6), account(2)] });
    expect(await readAll(again[0]!.cursor)).toEqual([]);
  });
});

describe('Salesforce accounts stream: lost query cursors', () => {
  it('restarts from the last page after a token refresh killed the cursor, repeating nothing', async () => {
    const logged: string[] = [];
    const { sim, pages, readAll, queries } = await org(
      { accounts: 12, pageSize: 5 },
      { log: (_level, message) => logged.push(message) },
    );
    const expected = ids(await readAll());
    sim.control.reset();

    const iterator = pages();
    const first = await iterator.next();
    sim.expireSessions(); // the token dies between pages, and the query locator with it
    const rest: RecordPage[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);

    expect([...ids([first.value as RecordPage]), ...ids(rest)]).toEqual(expected);
    // The rerun asks for SystemModstamp >= the watermark: account 5 comes back once more and is skipped.
    expect(rest.map((p) => p.records.length)).toEqual([4, 3]);
    const watermark = JSON.parse((first.value as RecordPage).cursor!).after as string;
    expect(queries().map((r) => `${r.status} ${r.query.q ?? r.path.replace(/01g\w+/, '<locator>')}`)).toEqual([
      expect.stringMatching(/^200 SELECT .* FROM Account ORDER BY/),
      '401 /services/data/v60.0/query/<locator>-5',
      '400 /services/data/v60.0/query/<locator>-5',
      expect.stringContaining(
        `200 SELECT Id, Name, Pendo_lastvisit_last30d__c, SystemModstamp FROM Account WHERE SystemModstamp >= ${watermark}`,
      ),
      '200 /services/data/v60.0/query/<locator>-5',
    ]);
    // The first read's session was reused until it died: one new login, for the rerun.
    expect(sim.control.requests.filter((r) => r.path.endsWith('/oauth2/token'))).toHaveLength(1);
    expect(logged).toEqual([expect.stringContaining('query cursor expired')]);
  });

  it('keeps going when every cursor idles out, each rerun starting after the last page', async () => {
    let clock = Date.UTC(2024, 6, 1);
    // Each call takes "16 minutes": every query locator is dead by the time its next page is asked for.
    const { sim, readAll } = await org(
      { accounts: 12, pageSize: 5, now: () => clock },
      {
        acquire: async () => {
          clock += 16 * 60_000;
        },
      },
    );
    const pages = await readAll();
    expect(ids(pages)).toEqual(Array.from({ length: 12 }, (_, i) => account(i + 1)));
    const lost = sim.control.requests.filter((r) => r.status === 400);
    expect(lost).toHaveLength(2);
    expect(lost.every((r) => JSON.stringify(r).includes('/query/01g'))).toBe(true);
  });
});

describe('Salesforce accounts stream: options', () => {
  it('reads another object through the object option', async () => {
    const { readAll } = await org({ accounts: 3 });
    const pages = await readAll(null, { object: 'Contact', fields: ['Email', 'AccountId'] });
    expect(pages.flatMap((p) => p.records.map((r) => r.AccountId))).toEqual([1, 2, 3].map(account));
    expect(pages[0]!.records[0]!.Id).toBe(salesforceId('003', 1));
  });

  it('asks for the page size as a hint; Salesforce pages within 200..2,000', async () => {
    const { readAll, queries } = await org({ accounts: 250 });
    const pages = await readAll(null, { fields: ['Name'], pageSize: 50 });
    expect(pages.map((p) => p.records.length)).toEqual([200, 50]);
    expect(queries().map((r) => r.headers['sforce-query-options'])).toEqual(['batchSize=200', 'batchSize=200']);
  });

  it('selects Id and SystemModstamp once whatever case the fields are given in', async () => {
    const { readAll, queries } = await org({ accounts: 2 });
    const pages = await readAll(null, { fields: ['id', 'Name', 'systemmodstamp'] });
    expect(ids(pages)).toEqual([account(1), account(2)]);
    expect(queries()[0]!.query.q).toBe('SELECT Id, Name, SystemModstamp FROM Account ORDER BY SystemModstamp, Id');
  });

  it('surfaces an unknown field as invalid_request with INVALID_FIELD', async () => {
    const { pages } = await org({ accounts: 2 });
    const error = await failure(pages(null, { fields: ['Name', 'Nope__c'] }).next());
    expect(error).toMatchObject({ code: 'invalid_request', vendorCode: 'INVALID_FIELD', status: 400 });
    expect(error.message).toContain("No such column 'Nope__c'");
  });

  it('refuses options that could not be a field list before calling Salesforce', async () => {
    const { pages, sim } = await org({ accounts: 2 });
    for (const options of [
      {},
      { fields: [] },
      { fields: ['Name FROM User --'] },
      { fields: ['Name'], object: 'Account;' },
    ]) {
      const error = await failure(pages(null, options).next());
      expect(error.code).toBe('config');
      expect(error.message).toMatch(/^Invalid options for stream accounts: /);
    }
    expect(sim.control.requests).toHaveLength(0);
  });

  it('refuses a cursor it did not write', async () => {
    const { pages } = await org({ accounts: 2 });
    for (const cursor of ['not json', '{"after":"yesterday","ids":[]}', '"2024-05-01T00:00:00Z"']) {
      expect(await failure(pages(cursor).next())).toMatchObject({ code: 'invalid_request' });
    }
  });
});
