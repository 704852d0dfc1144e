import { describe, expect, it } from 'vitest';
import { createGainsightSimulator, picklistGsid } from './index.js';
import { caller } from './test-helpers.js';

const now = () => Date.UTC(2025, 4, 1, 12);

describe('gainsight simulator: Company insert/update', () => {
  const sim = createGainsightSimulator({ companies: 10, people: 10, now });
  const call = caller(sim);
  const csm = sim.state.rows('gsuser')[0]?.Gsid as string;
  const item = (field: string, label: string) => picklistGsid(sim.state.objects, 'company', field, label);

  it('inserts records and answers their Gsids in request order', async () => {
    const before = sim.state.rows('company').length;
    const res = await call('POST', '/v1/data/objects/Company', {
      records: [
        {
          Name: 'Zeta One',
          Industry: item('Industry', 'Retail'),
          Arr: '120000',
          Csm: csm,
          Tags: [item('Tags', 'Beta')],
          RenewalDate: '2026-01-31',
        },
        { Name: 'Zeta Two', Employees: 42, EmailOptOut: undefined, OriginalContractDate: 1735689600000 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, data: { count: 2, errors: null } });
    const [one, two] = res.body.data.records;
    expect(one.Gsid).toMatch(/^1P02[0-9A-Z]{32}$/);
    expect(two.Gsid).not.toBe(one.Gsid);
    const rows = sim.state.rows('company');
    expect(rows).toHaveLength(before + 2);
    expect(rows.at(-2)).toMatchObject({
      Gsid: one.Gsid,
      Name: 'Zeta One',
      Arr: 120000,
      CreatedDate: now(),
      Industry: 'Retail',
      Tags: ['Beta'],
    });
    const found = await call('POST', '/v1/data/objects/query/company', {
      select: ['Gsid', 'RenewalDate', 'Industry', 'Tags'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: ['Zeta One'], operator: 'EQ' }], expression: 'A' },
    });
    // Picklists are answered as item GSIDs.
    expect(found.body.data.records).toEqual([
      { Gsid: one.Gsid, RenewalDate: '2026-01-31', Industry: item('Industry', 'Retail'), Tags: [item('Tags', 'Beta')] },
    ]);
  });

  it('refuses more than 50 records per call', async () => {
    const records = Array.from({ length: 51 }, (_, i) => ({ Name: `Bulk ${i}` }));
    const res = await call('POST', '/v1/data/objects/Company', { records });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: false, data: { count: 0, records: null } });
    expect(res.body.errorDesc).toContain('50');
    expect(sim.state.rows('company').some((r) => r.Name === 'Bulk 0')).toBe(false);
    expect((await call('POST', '/v1/data/objects/Company', { records: records.slice(0, 50) })).status).toBe(200);
  });

  it('fails the whole call when one record is invalid, with GSOBJ_1006 and field errors', async () => {
    const before = sim.state.rows('company').length;
    const res = await call('POST', '/v1/data/objects/Company', {
      records: [
        { Name: 'Fine Co' },
        { Name: 'Bad Co', Industry: 'Farming', Arr: 'lots', Nope__gc: 1, Csm: 'NOT-A-GSID', Gsid: csm },
        { Industry: item('Industry', 'Retail') },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: false, errorCode: 'GSOBJ_1006', data: { count: 0, records: null } });
    const [fine, bad, nameless] = res.body.data.errors;
    expect(fine).toEqual({ success: true, errors: [] });
    expect(bad.success).toBe(false);
    const codes = Object.fromEntries(
      bad.errors.map((e: { fieldName: string; errorCode: string }) => [e.fieldName, e.errorCode]),
    );
    expect(codes).toMatchObject({
      Industry: 'GSOBJ_1012',
      Arr: 'GSOBJ_VDTNUM1001',
      Nope__gc: 'GSOBJ_VCRUDR1002',
      Csm: 'GSOBJ_1004',
    });
    expect(bad.errors[0]).toEqual({
      errorMessage: expect.any(String),
      errorCode: expect.any(String),
      fieldName: expect.any(String),
      invalidValue: expect.anything(),
    });
    expect(codes.Gsid).toBeDefined();
    expect(nameless.errors[0]).toMatchObject({ fieldName: 'Name' });
    expect(sim.state.rows('company')).toHaveLength(before);
  });

  it('updates by up to three ANDed keys', async () => {
    const target = sim.state.rows('company')[3] as Record<string, unknown>;
    const res = await call('PUT', '/v1/data/objects/Company?keys=Name', {
      records: [{ Name: target.Name, Stage: item('Stage', 'Adopting'), Employees: 77 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ count: 1, errors: null, records: [{ Gsid: target.Gsid }] });
    expect(target).toMatchObject({ Stage: 'Adopting', Employees: 77, ModifiedDate: now() });

    const byTwo = await call('PUT', '/v1/data/objects/company?keys=Name,Gsid', {
      records: [{ Name: target.Name, Gsid: target.Gsid, Users: 5 }],
    });
    expect(byTwo.status).toBe(200);
    expect(target.Users).toBe(5);

    const four = await call('PUT', '/v1/data/objects/Company?keys=Name,Gsid,Arr,Mrr', { records: [{ Name: 'x' }] });
    expect(four.status).toBe(400);
    expect(four.body.result).toBe(false);
    const noKeys = await call('PUT', '/v1/data/objects/Company', { records: [{ Name: 'x' }] });
    expect(noKeys.status).toBe(400);
    const badKey = await call('PUT', '/v1/data/objects/Company?keys=name', { records: [{ Name: 'x' }] });
    expect([badKey.status, badKey.body.errorCode]).toEqual([400, 'GSOBJ_VCRUDR1002']);
  });

  it('fails an update whose key matches nothing, changing nothing', async () => {
    const target = sim.state.rows('company')[4] as Record<string, unknown>;
    const stage = target.Stage;
    const res = await call('PUT', '/v1/data/objects/Company?keys=Name', {
      records: [
        { Name: target.Name, Stage: item('Stage', stage === 'Launched' ? 'Adopting' : 'Launched') },
        { Name: 'No Such Company', Stage: item('Stage', 'Launched') },
      ],
    });
    expect([res.status, res.body.errorCode]).toEqual([400, 'GSOBJ_1006']);
    expect(res.body.data.errors[1].success).toBe(false);
    expect(target.Stage).toBe(stage);
  });

  it('refuses writes to unknown or read-only objects', async () => {
    const unknown = await call('POST', '/v1/data/objects/Nope', { records: [{ Name: 'x' }] });
    expect([unknown.status, unknown.body.errorCode]).toEqual([400, 'OBJECT_NOT_FOUND']);
    const readOnly = await call('POST', '/v1/data/objects/gsuser', { records: [{ Name: 'x' }] });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.result).toBe(false);
  });
});

describe('gainsight simulator: People', () => {
  const sim = createGainsightSimulator({ companies: 5, people: 5, now });
  const call = caller(sim);
  const company = sim.state.rows('company')[2]?.Gsid as string;

  it('requires Email and a valid one', async () => {
    const missing = await call('PUT', '/v1.0/api/people', { FirstName: 'No', LastName: 'Mail' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ result: false, errorDesc: 'Email is mandatory' });
    const invalid = await call('PUT', '/v1.0/api/people', { Email: 'not-an-email' });
    expect([invalid.status, invalid.body.errorCode]).toEqual([400, 'GSOBJ_VDTEMAIL1001']);
    const badField = await call('PUT', '/v1.0/api/people', { Email: 'ok@x.com', Shoe: 9 });
    expect([badField.status, badField.body.errorCode]).toEqual([400, 'GSOBJ_VCRUDR1002']);
    const badBool = await call('PUT', '/v1.0/api/people', { Email: 'ok@x.com', EmailOptOut: 'maybe' });
    expect(badBool.body.errorCode).toBe('GSOBJ_VDTBOOL1001');
    const array = await call('PUT', '/v1.0/api/people', [{ Email: 'ok@x.com' }]);
    expect(array.status).toBe(400);
    expect(sim.state.rows('person').some((p) => p.Email === 'ok@x.com')).toBe(false);
  });

  it('upserts one flat person keyed by Email, on both paths', async () => {
    const before = sim.state.rows('person').length;
    const created = await call('PUT', '/v1.0/api/people', { Email: 'Jane@Acme.example', FirstName: 'Jane' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ result: true, data: { Email: 'Jane@Acme.example', FirstName: 'Jane' } });
    expect(created.body.data.Gsid).toMatch(/^[0-9A-Z]{36}$/);
    const updated = await call('PUT', '/v1/peoplemgmt/v1.0/people', {
      Email: 'jane@acme.example',
      LastName: 'Doe',
      ExternalRecordID__gc: 'u-1',
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ Gsid: created.body.data.Gsid, FirstName: 'Jane', LastName: 'Doe' });
    expect(sim.state.rows('person')).toHaveLength(before + 1);
  });

  it('associates companies by Company_ID and refuses unknown ones', async () => {
    const res = await call('PUT', '/v1.0/api/people', { Email: 'sam@x.example', companies: [{ Company_ID: company }] });
    expect(res.status).toBe(200);
    const links = sim.state.rows('company_person').filter((l) => l.Person_ID === res.body.data.Gsid);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ Company_ID: company, IsPrimaryCompany: true });
    await call('PUT', '/v1.0/api/people', { Email: 'sam@x.example', companies: [{ Company_ID: company }] });
    expect(sim.state.rows('company_person').filter((l) => l.Person_ID === res.body.data.Gsid)).toHaveLength(1);

    const unknown = await call('PUT', '/v1.0/api/people', {
      Email: 'kim@x.example',
      companies: [{ Company_ID: '1P02AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    });
    expect([unknown.status, unknown.body.errorCode]).toEqual([400, 'GSOBJ_PEOPLE1001']);
    expect(sim.state.rows('person').some((p) => p.Email === 'kim@x.example')).toBe(false);
  });
});
