import { describe, expect, it } from 'vitest';
import { createGainsightSimulator } from './index.js';
import { caller } from './test-helpers.js';

describe('gainsight simulator: auth, routes, metadata', () => {
  const sim = createGainsightSimulator({ companies: 12, people: 30 });
  const call = caller(sim);

  it('rejects a missing or wrong access key with the gateway 401 envelope', async () => {
    for (const headers of [{ accesskey: 'nope' }, { accesskey: '' }]) {
      const res = await call('GET', '/v1/meta/services/objects/list', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ result: false, errorCode: 'GS_APIG_2401', errorDesc: 'Unauthorized' });
      expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const people = await call('PUT', '/v1.0/api/people', { Email: 'a@b.com' }, { accesskey: 'nope' });
    expect(people.status).toBe(401);
  });

  it('accepts the access key header in any casing', async () => {
    for (const name of ['Accesskey', 'AccessKey', 'ACCESSKEY']) {
      const res = await sim.app.request('/v1/meta/services/objects/list', {
        headers: { [name]: sim.credentials.accessKey as string },
      });
      expect(res.status).toBe(200);
    }
  });

  it('answers unknown routes 404 GS_APIG_1000, key or not', async () => {
    const res = await call('GET', '/v1/data/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ result: false, errorCode: 'GS_APIG_1000' });
    const anonymous = await call('GET', '/v2/whatever', undefined, { accesskey: '' });
    expect(anonymous.status).toBe(404);
  });

  it('lists a realistic catalog in the envelope', async () => {
    const res = await call('GET', '/v1/meta/services/objects/list?po=company&em=false');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, errorCode: null, errorDesc: null, message: null });
    const names = res.body.data.map((o: { objectName: string }) => o.objectName);
    for (const name of [
      'company',
      'person',
      'company_person',
      'activity_timeline',
      'survey_participant',
      'survey_response',
      'gsuser',
      'product_usage__gc',
    ]) {
      expect(names).toContain(name);
    }
    expect(res.body.data.length).toBe(sim.state.objects.length);
    expect(res.body.data.length).toBeGreaterThanOrEqual(15);
    const types = new Set(res.body.data.map((o: { objectType: string }) => o.objectType));
    expect(types).toEqual(new Set(['STANDARD', 'CUSTOM', 'SYSTEM']));
    expect(res.body.data.find((o: { objectName: string }) => o.objectName === 'company')).toEqual({
      objectName: 'company',
      label: 'Company',
      objectType: 'STANDARD',
      keyPrefix: '1P02',
      readable: true,
      createable: true,
    });
  });

  it('describes an object case-insensitively with fields, data types and meta', async () => {
    const res = await call('GET', '/v1/meta/services/objects/Company/describe?idd=true');
    expect(res.status).toBe(200);
    const [company] = res.body.data;
    expect(company.objectName).toBe('company');
    const byName = Object.fromEntries(company.fields.map((f: { fieldName: string }) => [f.fieldName, f]));
    expect(byName.Gsid).toMatchObject({ dataType: 'GSID', meta: { createable: false, updateable: false } });
    expect(byName.Name).toMatchObject({ dataType: 'STRING', meta: { required: true, createable: true } });
    expect(byName.Arr.dataType).toBe('CURRENCY');
    expect(byName.RenewalDate.dataType).toBe('DATE');
    expect(byName.Csm).toMatchObject({
      dataType: 'LOOKUP',
      lookupDetail: { lookupObjects: [{ objectName: 'gsuser' }] },
    });
    expect(byName.Tags.dataType).toBe('MULTISELECTDROPDOWNLIST');
    expect(byName.SfdcAccountId.dataType).toBe('SFDCID');
    const usage = await call('GET', '/v1/meta/services/objects/PRODUCT_USAGE__GC/describe');
    expect(usage.body.data[0].fields.some((f: { fieldName: string }) => f.fieldName.endsWith('__gc'))).toBe(true);
  });

  it('answers OBJECT_NOT_FOUND for an unknown object (status switchable)', async () => {
    const res = await call('GET', '/v1/meta/services/objects/nope__gc/describe');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: false, errorCode: 'OBJECT_NOT_FOUND' });
    const other = createGainsightSimulator({ unknownObjectStatus: 404 });
    const res404 = await caller(other)('GET', '/v1/meta/services/objects/nope/describe');
    expect(res404.status).toBe(404);
    expect(res404.body.errorCode).toBe('OBJECT_NOT_FOUND');
  });
});

describe('gainsight simulator: seeded data', () => {
  it('is deterministic per seed, with 36-char upper-case Gsids and the configured counts', () => {
    const now = () => Date.UTC(2025, 4, 1, 12);
    const a = createGainsightSimulator({ seed: 7, companies: 5, people: 9, activities: 20, now });
    const b = createGainsightSimulator({ seed: 7, companies: 5, people: 9, activities: 20, now });
    const c = createGainsightSimulator({ seed: 8, companies: 5, people: 9, activities: 20, now });
    expect(a.state.rows('company')).toEqual(b.state.rows('company'));
    expect(a.state.rows('Activity_Timeline')).toEqual(b.state.rows('activity_timeline'));
    expect(a.state.rows('company')).not.toEqual(c.state.rows('company'));
    expect(a.state.rows('company')).toHaveLength(5);
    expect(a.state.rows('person')).toHaveLength(9);
    expect(a.state.rows('company_person')).toHaveLength(9);
    expect(a.state.rows('activity_timeline')).toHaveLength(20);
    for (const row of [...a.state.rows('company'), ...a.state.rows('person'), ...a.state.rows('survey_response')]) {
      expect(row.Gsid).toMatch(/^[0-9A-Z]{36}$/);
    }
    const ids = new Set(a.state.rows('company').map((r) => r.Gsid));
    for (const activity of a.state.rows('activity_timeline')) expect(ids.has(activity.GsCompanyId)).toBe(true);
  });

  it('answers dates as ISO by default and as epoch ms when asked', async () => {
    const body = { select: ['Name', 'RenewalDate', 'CreatedDate'], limit: 1 };
    const iso = await caller(createGainsightSimulator({ companies: 2 }))(
      'POST',
      '/v1/data/objects/query/company',
      body,
    );
    const [isoRow] = iso.body.data.records;
    expect(isoRow.RenewalDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(isoRow.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const epoch = await caller(createGainsightSimulator({ companies: 2, dateFormat: 'epoch' }))(
      'POST',
      '/v1/data/objects/query/company',
      body,
    );
    expect(typeof epoch.body.data.records[0].CreatedDate).toBe('number');
    expect(new Date(epoch.body.data.records[0].CreatedDate).toISOString()).toBe(isoRow.CreatedDate);
  });
});
