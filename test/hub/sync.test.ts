import { type LoggedRequest, picklistGsid } from '@synchub/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bridge, createBridge, issuesOf, NOW } from './vendor-fixtures.js';

/**
 * The generic sync over real HTTP: the hub's API, its runner, and the Salesforce, Gainsight and Pendo
 * simulators. Assertions look at what the simulators received and hold.
 */

let b: Bridge;
beforeEach(async () => {
  b = await createBridge();
});
afterEach(() => b.close());

const COMPANY_PATH = '/v1/data/objects/Company';
const INDUSTRY = {
  Banking: 'Financial Services',
  Technology: 'Software',
  Education: 'Education',
  Healthcare: 'Healthcare',
  Manufacturing: 'Manufacturing',
  Retail: 'Retail',
  // Not an item of Gainsight's Industry picklist: the record that carries it fails, alone.
  Media: 'Media',
};

const ACCOUNTS_TO_COMPANIES = [
  { from: 'Name', to: 'Name' },
  { from: 'Industry', to: 'Industry', lookup: INDUSTRY },
  { from: 'AnnualRevenue', to: 'Arr' },
  { from: 'NumberOfEmployees', to: 'Employees' },
  { from: 'Renewal_Date__c', to: 'RenewalDate' },
  { from: 'Id', to: 'SfdcAccountId' },
  { value: 'Active', to: 'Status' },
  { template: '{{BillingStreet}}, {{BillingCity}} {{BillingPostalCode}}', to: 'BillingAddress' },
];

const sync = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  b.create({
    kind: 'sync',
    name: 'Accounts to Gainsight',
    connectionId: b.connections.salesforce,
    settings: { stream: 'accounts', destinationConnectionId: b.connections.gainsight, ...settings },
    ...extra,
  });

const account = (i: number) => b.salesforce.record('Account', b.accountIds[i] as string) as Record<string, unknown>;
const companies = () => b.gainsight.state.rows('company');
const companyNamed = (name: unknown) => companies().find((c) => c.Name === name);
const companyCalls = (from: number, method = 'POST') =>
  b.gainsight.control.requests.slice(from).filter((r) => r.method === method && r.path === COMPANY_PATH);
const sentRecords = (calls: LoggedRequest[]) => calls.flatMap((r) => (r.body as { records: unknown[] }).records);

async function records(runId: number, query = '') {
  const res = await b.t.request('GET', `/api/runs/${runId}/records${query}`);
  return { status: res.status, body: (await res.json()) as { records: Array<Record<string, unknown>>; total: number } };
}

async function runOf(pipelineId: string) {
  const { runId, done } = await b.t.hub.runner.start(pipelineId, 'manual');
  return { runId, run: (await done) as unknown as Awaited<ReturnType<Bridge['run']>> };
}

/** Edit an Account as a Salesforce user would: the record changes and its SystemModstamp moves on. */
function edit(i: number, values: Record<string, unknown>, minutes = 1) {
  Object.assign(account(i), values, {
    SystemModstamp: new Date(NOW + minutes * 60_000).toISOString().replace('Z', '+0000'),
  });
}

describe('sync: Salesforce accounts → Gainsight companies', () => {
  beforeEach(() => {
    // Known industries everywhere, and exactly one account in an industry Gainsight does not have.
    for (let i = 0; i < 12; i++) if (account(i).Industry === 'Media') account(i).Industry = 'Retail';
    account(4).Industry = 'Media';
  });

  it('inserts every account with renamed, looked-up, constant and templated fields; the refused record fails alone', async () => {
    const { status, body } = await sync({ writer: 'company_insert', mapping: ACCOUNTS_TO_COMPANIES });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    expect(body.pipeline.schedule).toBe('0 * * * *');
    const before = b.gainsight.control.requests.length;
    const { runId, run } = await runOf(body.pipeline.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    expect(run.counts).toEqual({
      read: 12,
      written: 11,
      skipped: 0,
      failed: 1,
      reasons: { 'refused by Gainsight CS: invalid_request': 1 },
    });

    // What Gainsight holds: every good account as a company, with its mapped values.
    for (let i = 0; i < 12; i++) {
      const a = account(i);
      const company = companyNamed(a.Name);
      if (i === 4) {
        expect(company).toBeUndefined();
        continue;
      }
      expect(company).toMatchObject({
        Industry: INDUSTRY[a.Industry as keyof typeof INDUSTRY],
        Arr: a.AnnualRevenue,
        Employees: a.NumberOfEmployees,
        SfdcAccountId: a.Id,
        Status: 'Active',
        BillingAddress: `${a.BillingStreet}, ${a.BillingCity} ${a.BillingPostalCode}`,
      });
    }
    // Industry labels become picklist item GSIDs before sending; the unknown one never reaches Gainsight, so
    // one call carries the 11 good records.
    const calls = companyCalls(before);
    expect(calls.map((c) => (c.body as { records: unknown[] }).records.length)).toEqual([11]);
    expect(calls.map((c) => c.status)).toEqual([200]);
    expect(sentRecords(calls).map((r) => (r as { Name: unknown }).Name)).not.toContain(account(4).Name);
    const industryOf = (label: string) => picklistGsid(b.gainsight.state.objects, 'company', 'Industry', label);
    expect((sentRecords(calls)[0] as { Industry: unknown }).Industry).toBe(
      industryOf(INDUSTRY[account(0).Industry as keyof typeof INDUSTRY]),
    );

    // Per-record outcomes, kept with the run.
    const all = await records(runId);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(12);
    expect(all.body.records.filter((r) => r.status === 'written')).toHaveLength(11);
    const failed = await records(runId, '?status=failed');
    expect(failed.body).toEqual({
      total: 1,
      records: [
        {
          key: account(4).Id,
          status: 'failed',
          reason: expect.stringContaining(
            'Picklist value not allowed for Industry: "Media" is not one of its labels (Software, Healthcare,',
          ),
          error: expect.objectContaining({ code: 'invalid_request' }),
        },
      ],
    });
    const page = await records(runId, '?status=written&limit=5&offset=10');
    expect(page.body).toMatchObject({ total: 11, records: [{ status: 'written', reason: null, error: null }] });
    expect((await records(runId, '?status=lost')).status).toBe(400);
    expect((await records(999_999)).status).toBe(404);
  });

  it('is incremental: a second run writes only the edited account; resetCursor sends everything again', async () => {
    account(4).Industry = 'Retail';
    const { body } = await sync({ writer: 'company_insert', mapping: ACCOUNTS_TO_COMPANIES });
    const first = await b.run(body.pipeline.id);
    expect(first.counts).toMatchObject({ read: 12, written: 12, failed: 0 });

    // Nothing changed: nothing read, nothing sent.
    let mark = b.gainsight.control.requests.length;
    expect((await b.run(body.pipeline.id)).counts).toMatchObject({ read: 0, written: 0 });
    expect(companyCalls(mark)).toEqual([]);

    edit(2, { Name: 'Renamed Account Ltd', NumberOfEmployees: 4321 });
    mark = b.gainsight.control.requests.length;
    const second = await b.run(body.pipeline.id);
    expect(second.counts).toMatchObject({ read: 1, written: 1, failed: 0 });
    expect(sentRecords(companyCalls(mark))).toEqual([
      expect.objectContaining({ Name: 'Renamed Account Ltd', Employees: 4321, SfdcAccountId: b.accountIds[2] }),
    ]);
    expect(companyNamed('Renamed Account Ltd')).toMatchObject({ Employees: 4321 });

    const reset = await b.t.request('PATCH', `/api/pipelines/${body.pipeline.id}`, { resetCursor: true });
    expect(reset.status).toBe(200);
    mark = b.gainsight.control.requests.length;
    const again = await b.run(body.pipeline.id);
    expect(again.counts).toMatchObject({ read: 12, written: 12 });
    expect(
      sentRecords(companyCalls(mark))
        .map((r) => (r as { SfdcAccountId: unknown }).SfdcAccountId)
        .sort(),
    ).toEqual([...b.accountIds].sort());
  });

  it('updates companies matched on Name; an update-only writer skips what it cannot match, and records without a key', async () => {
    // Five Gainsight companies carry the names of Salesforce accounts 0–4; the other accounts have none.
    const rows = companies();
    for (let i = 0; i < 5; i++) (rows[i] as Record<string, unknown>).Name = account(i).Name;
    account(11).Name = null;
    const { status, body } = await sync({
      writer: 'company_update',
      key: 'Name',
      mapping: [
        { from: 'Name', to: 'Name' },
        { from: 'NumberOfEmployees', to: 'Employees' },
        { value: 'Launched', to: 'Stage' },
      ],
    });
    expect(issuesOf(body)).toEqual([]);
    expect(status).toBe(201);
    const before = b.gainsight.control.requests.length;
    const { runId, run } = await runOf(body.pipeline.id);
    expect(run.status).toBe('completed');
    expect(run.counts).toEqual({
      read: 12,
      written: 5,
      skipped: 7,
      failed: 0,
      reasons: { 'no matching record': 6, 'no value for key Name': 1 },
    });
    for (let i = 0; i < 5; i++) {
      expect(companyNamed(account(i).Name)).toMatchObject({
        Employees: account(i).NumberOfEmployees,
        Stage: 'Launched',
      });
    }
    // The writer matched on the sync's key (keys=Name); the 5 matched companies went again in one call.
    const calls = companyCalls(before, 'PUT');
    expect(calls.map((c) => c.query)).toEqual([{ keys: 'Name' }, { keys: 'Name' }]);
    expect(calls.map((c) => (c.body as { records: unknown[] }).records.length)).toEqual([11, 5]);

    const skipped = await records(runId, '?status=skipped');
    expect(skipped.body.total).toBe(7);
    expect(skipped.body.records).toContainEqual({
      key: account(7).Name,
      status: 'skipped',
      reason: 'no matching record',
      error: expect.objectContaining({ code: 'not_found', vendorCode: 'GSOBJ_1005' }),
    });
    expect(skipped.body.records).toContainEqual({
      key: null,
      status: 'skipped',
      reason: 'no value for key Name',
      error: null,
    });
  });

  it('fails the run on a call that keeps failing and resumes from the last written page', async () => {
    account(4).Industry = 'Retail';
    b.salesforce.state.pageSize = 5;
    const { body } = await sync({ writer: 'company_insert', mapping: ACCOUNTS_TO_COMPANIES });
    // From the second company call on, Gainsight answers 5xx (until the fault is lifted).
    const log = b.gainsight.control.requests;
    const push = log.push.bind(log);
    let posts = 0;
    log.push = (...entries: LoggedRequest[]) => {
      for (const entry of entries) {
        if (entry.method === 'POST' && entry.path === COMPANY_PATH && ++posts === 2) {
          b.gainsight.control.faults.set(COMPANY_PATH, { errorRate: 1 });
        }
      }
      return push(...entries);
    };
    const failed = await b.run(body.pipeline.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'transient' });
    expect(failed.error?.message).toMatch(/Gainsight/);
    // The first page (5 accounts) was written and committed; the second was tried 3 times.
    expect(failed.counts).toMatchObject({ read: 10, written: 5 });
    expect(companyCalls(0).map((c) => c.status)).toEqual([
      200,
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(companies().filter((c) => b.accountIds.includes(c.SfdcAccountId as string))).toHaveLength(5 + 12);

    b.gainsight.control.faults.clear();
    const resumed = await b.run(body.pipeline.id);
    expect(resumed).toMatchObject({ status: 'completed', counts: { read: 7, written: 7, failed: 0 } });
    const synced = companies().filter((c) => c.Status === 'Active' && b.accountIds.includes(c.SfdcAccountId as string));
    expect(new Set(synced.map((c) => c.SfdcAccountId)).size).toBe(12);
  }, 20_000);
});

describe('sync: save-time checks', () => {
  it('refuses an unknown stream or writer, naming the known ones', async () => {
    const answer = await sync({ stream: 'acounts', writer: 'company_merge', mapping: [{ from: 'Name', to: 'Name' }] });
    expect(answer.status).toBe(400);
    expect(issuesOf(answer.body)).toEqual([
      'settings.stream: Salesforce has no stream acounts; known streams: accounts',
      'settings.writer: Gainsight CS has no writer company_merge; known writers: company_insert, company_update, company_upsert, object_insert, person_upsert, event_publish',
    ]);
    const noConnection = await sync({
      destinationConnectionId: 'nope',
      writer: 'company_insert',
      mapping: [{ from: 'Name', to: 'Name' }],
    });
    expect(issuesOf(noConnection.body)).toEqual(['settings.destinationConnectionId: unknown connection']);
  });

  it('refuses unknown source and target fields with the known ones, and an unknown object with the known objects', async () => {
    const answer = await sync({
      writer: 'company_insert',
      mapping: [
        { from: 'Name', to: 'Name' },
        { from: 'NumberOfEmployes', to: 'Employees' },
        { template: '{{name}} / {{Industry}}', to: 'Summary' },
        { from: 'AnnualRevenue', to: 'ARR' },
      ],
    });
    expect(answer.status).toBe(400);
    const issues = issuesOf(answer.body);
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(
      /^settings\.mapping\.1\.from: Salesforce Account has no field NumberOfEmployes; known fields: Id, IsDeleted, Name, .*NumberOfEmployees/,
    );
    expect(issues[1]).toMatch(
      /^settings\.mapping\.2\.template: Salesforce Account has no field name \(did you mean Name\?\); known fields: /,
    );
    expect(issues[2]).toMatch(
      /^settings\.mapping\.3\.to: Gainsight CS Company has no field ARR \(did you mean Arr\?\); known fields: Gsid, .*Arr/,
    );

    const object = await sync({
      streamOptions: { object: 'Acount' },
      writer: 'company_insert',
      mapping: [{ from: 'Name', to: 'Name' }],
    });
    expect(issuesOf(object.body)).toEqual([
      expect.stringMatching(
        /^settings\.streamOptions\.object: Salesforce \(Salesforce\) has no object Acount; known objects: Account, /,
      ),
    ]);
    const target = await sync({
      writer: 'object_insert',
      writerOptions: { object: 'nothing__gc' },
      mapping: [{ from: 'Name', to: 'Name' }],
    });
    expect(issuesOf(target.body)).toEqual([
      expect.stringMatching(
        /^settings\.writerOptions\.object: Gainsight CS \(Gainsight\) has no object nothing__gc; known objects: .*company/,
      ),
    ]);
  });

  it('refuses values that cannot go into their target field, and accepts them with a converting type', async () => {
    const answer = await sync({
      writer: 'company_insert',
      mapping: [
        { from: 'Name', to: 'Name' },
        { from: 'IsDeleted', to: 'Employees' },
        { from: 'Phone', to: 'Users' },
        { from: 'AnnualRevenue', to: 'RenewalDate' },
        { value: true, to: 'Arr' },
      ],
    });
    expect(issuesOf(answer.body)).toEqual([
      'settings.mapping.1.to: Gainsight CS Company: a true/false value cannot go into a number field Employees (NUMBER)',
      'settings.mapping.2.to: Gainsight CS Company: a text value cannot go into a number field Users (NUMBER); add type number to convert it',
      'settings.mapping.3.to: Gainsight CS Company: a number value cannot go into a date field RenewalDate (DATE); add type datetime (epoch ms) to convert it',
      'settings.mapping.4.to: Gainsight CS Company: a true/false value cannot go into a number field Arr (CURRENCY)',
    ]);
    const typed = await sync({
      writer: 'company_insert',
      mapping: [
        { from: 'Name', to: 'Name' },
        { from: 'Phone', to: 'Users', type: 'number' },
        { from: 'IsDeleted', to: 'Employees', type: 'integer' },
      ],
    });
    expect(issuesOf(typed.body)).toEqual(
      ['settings.mapping.2.to: a true/false value cannot be converted to integer'].map((m) =>
        m.replace('settings.mapping.2.to: ', 'settings.mapping.2.to: Gainsight CS Company: '),
      ),
    );
  });

  it('checks the key, the writer’s options, required and read-only targets and the stream’s field list', async () => {
    const noKey = await sync({ writer: 'company_update', mapping: [{ from: 'Name', to: 'Name' }] });
    expect(issuesOf(noKey.body)).toEqual([
      'settings.key: company_update updates existing records: name the target field to match them on',
    ]);
    const unmapped = await sync({ writer: 'company_update', key: 'Gsid', mapping: [{ from: 'Name', to: 'Name' }] });
    expect(issuesOf(unmapped.body)).toEqual([
      'settings.key: Gsid is not a target of the mapping; the key must be a mapped field (targets: Name)',
    ]);
    const options = await sync({
      writer: 'company_update',
      key: 'Name',
      writerOptions: { keys: ['Name', 'Gsid', 'Arr', 'Mrr'] },
      mapping: [{ from: 'Name', to: 'Name' }],
    });
    expect(issuesOf(options.body)).toEqual([expect.stringMatching(/^settings\.writerOptions\.keys: /)]);
    const required = await sync({
      writer: 'company_insert',
      mapping: [
        { from: 'NumberOfEmployees', to: 'Employees' },
        { from: 'Id', to: 'Gsid' },
      ],
    });
    expect(issuesOf(required.body)).toEqual([
      'settings.mapping.1.to: Gainsight CS Company field Gsid cannot be written (not createable)',
      'settings.mapping: Gainsight CS Company needs Name on every new record: map it',
    ]);
    const list = await sync({
      streamOptions: { fields: ['Name'] },
      writer: 'company_insert',
      mapping: [
        { from: 'Name', to: 'Name' },
        { from: 'Industry', to: 'Industry' },
      ],
    });
    expect(issuesOf(list.body)).toEqual([
      'settings.streamOptions.fields: does not read Industry, which the mapping uses (leave fields out to read what the mapping uses)',
    ]);
    const badRule = await sync({ writer: 'company_insert', mapping: [{ from: 'Name', to: 'Name', lookup: {} }] });
    expect(issuesOf(badRule.body)).toEqual(['settings.mapping.0.lookup: lookup must have at least one entry']);
  });
});

describe('sync: other connectors', () => {
  it('Gainsight companies → Salesforce accounts through the update writer keyed on Id', async () => {
    const res = await b.create({
      kind: 'sync',
      name: 'Gainsight to Salesforce',
      connectionId: b.connections.gainsight,
      settings: {
        stream: 'records',
        streamOptions: { object: 'company' },
        destinationConnectionId: b.connections.salesforce,
        writer: 'account_update',
        key: 'Id',
        mapping: [
          { from: 'SfdcAccountId', to: 'Id' },
          { from: 'Stage', to: 'Gainsight_Stage__c' },
          { from: 'Gsid', to: 'Gainsight_GSID__c' },
          { value: 'Synced from Gainsight', to: 'CSM_Notes__c' },
        ],
      },
    });
    expect(issuesOf(res.body)).toEqual([]);
    expect(res.status).toBe(201);
    const before = b.salesforce.control.requests.length;
    const run = await b.run(res.body.pipeline.id);
    expect(run).toMatchObject({ status: 'completed', counts: { read: 12, written: 12, failed: 0 } });
    for (const company of companies()) {
      const record = b.salesforce.record('Account', company.SfdcAccountId as string);
      expect(record).toMatchObject({
        Gainsight_Stage__c: company.Stage,
        Gainsight_GSID__c: company.Gsid,
        CSM_Notes__c: 'Synced from Gainsight',
      });
    }
    const writes = b.salesforce.control.requests.slice(before).filter((r) => r.method === 'PATCH');
    expect(writes.map((r) => r.path)).toEqual(['/services/data/v60.0/composite/sobjects']);
  });

  it('Salesforce accounts → Gainsight events: a publish writer takes free-form records', async () => {
    const res = await b.create({
      kind: 'sync',
      name: 'Account events',
      connectionId: b.connections.salesforce,
      settings: {
        stream: 'accounts',
        destinationConnectionId: b.connections.gainsight,
        writer: 'event_publish',
        writerOptions: { eventName: 'System Asset Event', eventVersion: 'v01' },
        mapping: [
          { from: 'Id', to: 'assetId' },
          { value: 'ACCOUNT', to: 'assetType' },
          { template: '{{Name}} is now {{Type}}', to: 'summary' },
        ],
      },
    });
    expect(issuesOf(res.body)).toEqual([]);
    const run = await b.run(res.body.pipeline.id);
    expect(run.counts).toMatchObject({ read: 12, written: 12, failed: 0 });
    expect(b.gainsight.state.events.map((e) => e.body)).toEqual(
      b.accountIds.map((id) => ({
        assetId: id,
        assetType: 'ACCOUNT',
        summary: `${b.salesforce.record('Account', id)?.Name} is now ${b.salesforce.record('Account', id)?.Type}`,
      })),
    );
    const bad = await b.create({
      kind: 'sync',
      name: 'No event name',
      connectionId: b.connections.salesforce,
      settings: {
        stream: 'accounts',
        destinationConnectionId: b.connections.gainsight,
        writer: 'event_publish',
        mapping: [{ from: 'Id', to: 'assetId' }],
      },
    });
    expect(issuesOf(bad.body)).toEqual([
      expect.stringMatching(/^settings\.writerOptions\.eventName: /),
      expect.stringMatching(/^settings\.writerOptions\.eventVersion: /),
    ]);
  });

  it('Salesforce accounts → Pendo account metadata; accounts Pendo does not know are skipped', async () => {
    // Pendo knows accounts 0–8 only.
    const ids = [...b.accountIds];
    await b.close();
    b = await createBridge({ pendo: { accountIds: ids.slice(0, 9) } });
    const res = await b.create({
      kind: 'sync',
      name: 'Tier to Pendo',
      connectionId: b.connections.salesforce,
      settings: {
        stream: 'accounts',
        destinationConnectionId: b.connections.pendo,
        writer: 'account_metadata',
        key: 'accountId',
        mapping: [
          { from: 'Id', to: 'accountId' },
          { from: 'Customer_Tier__c', to: 'metadata.custom.tier' },
          { template: '{{Name}}', to: 'metadata.custom.csm' },
        ],
      },
    });
    expect(issuesOf(res.body)).toEqual([]);
    const run = await b.run(res.body.pipeline.id);
    expect(run.counts).toEqual({ read: 12, written: 9, skipped: 3, failed: 0, reasons: { 'no matching record': 3 } });
    for (const id of ids.slice(0, 9)) {
      const a = b.salesforce.record('Account', id)!;
      expect(b.pendo.state.written.get(id)).toMatchObject({ tier: a.Customer_Tier__c, csm: a.Name });
    }
  });
});
