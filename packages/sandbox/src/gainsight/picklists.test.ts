import { describe, expect, it } from 'vitest';
import { createGainsightSimulator, picklistGsid, picklistLabel } from './index.js';
import { caller } from './test-helpers.js';

const now = () => Date.UTC(2025, 4, 1, 12);
const GSID = /^1P01[0-9A-Z]{32}$/;

describe('gainsight simulator: picklists hold item GSIDs', () => {
  const sim = createGainsightSimulator({ companies: 12, people: 4, activities: 30, now });
  const call = caller(sim);
  const item = (object: string, field: string, label: string) => picklistGsid(sim.state.objects, object, field, label);
  const describeWith = (body: unknown) => call('POST', '/v1/meta/services/objects/describe', body);

  it('lists each picklist field’s items (label, GSID, active) only when the describe asks for them', async () => {
    const res = await describeWith({
      objectNames: ['company', 'activity_timeline'],
      populatePickListOptions: 'true',
      includeChilds: 'true',
      host: 'MDA',
    });
    expect(res.status).toBe(200);
    const [company, activity] = res.body.data;
    expect([company.objectName, activity.objectName]).toEqual(['company', 'activity_timeline']);
    const field = (object: { fields: { fieldName: string }[] }, name: string) =>
      object.fields.find((f) => f.fieldName === name) as Record<string, unknown> & { options?: unknown[] };
    const stage = field(company, 'Stage');
    expect(stage.dataType).toBe('PICKLIST');
    expect(stage.options).toContainEqual({
      active: true,
      defaultValue: false,
      label: 'Adopting',
      value: item('company', 'Stage', 'Adopting'),
      displayOrder: 4,
    });
    expect(stage.options).toContainEqual(expect.objectContaining({ label: 'Legacy', active: false }));
    for (const option of stage.options as { value: string }[]) expect(option.value).toMatch(GSID);
    expect(field(company, 'Tags').options).toHaveLength(5);
    expect(field(company, 'Name').options).toBeUndefined();
    expect((field(activity, 'ReportingCategory').options as { label: string }[]).map((o) => o.label)).toEqual([
      'Email',
      'Meeting',
      'Call',
      'Update',
      'Risk',
      'Onboarding',
    ]);
    // Fields sharing a list share its items, as fields sharing a Gainsight category do.
    expect(field(company, 'IndustryNew').options).toEqual(field(company, 'Industry').options);

    const plain = await describeWith({ objectNames: ['company'] });
    expect(field(plain.body.data[0], 'Stage').options).toBeUndefined();
    const get = await call('GET', '/v1/meta/services/objects/company/describe?idd=true');
    expect(field(get.body.data[0], 'Stage').options).toBeUndefined();
    expect((await describeWith({ objectNames: [] })).status).toBe(400);
    expect((await describeWith({ objectNames: ['nope__gc'] })).body.errorCode).toBe('OBJECT_NOT_FOUND');
  });

  it('answers, filters and sorts picklists by item GSID', async () => {
    const row = sim.state.rows('company')[0] as Record<string, unknown>;
    const res = await call('POST', '/v1/data/objects/query/company', {
      select: ['Name', 'Stage', 'Tags', 'Industry'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: [row.Name], operator: 'EQ' }], expression: 'A' },
    });
    const [answer] = res.body.data.records;
    expect(answer.Stage).toBe(item('company', 'Stage', row.Stage as string));
    expect(answer.Industry).toMatch(GSID);
    expect(picklistLabel(sim.state.objects, 'company', 'Industry', answer.Industry)).toBe(row.Industry);
    expect(answer.Tags).toEqual((row.Tags as string[]).map((t) => item('company', 'Tags', t)));

    const activity = sim.state.rows('activity_timeline')[0] as Record<string, unknown>;
    const category = item('activity_timeline', 'ReportingCategory', activity.ReportingCategory as string);
    const byCategory = await call('POST', '/v1/data/objects/query/activity_timeline', {
      select: ['Gsid', 'ReportingCategory'],
      where: { conditions: [{ name: 'ReportingCategory', alias: 'A', value: [category], operator: 'EQ' }] },
      limit: 5000,
    });
    const expected = sim.state
      .rows('activity_timeline')
      .filter((r) => r.ReportingCategory === activity.ReportingCategory);
    expect(byCategory.body.data.records).toHaveLength(expected.length);
    expect(
      new Set(byCategory.body.data.records.map((r: { ReportingCategory: string }) => r.ReportingCategory)),
    ).toEqual(new Set([category]));
  });

  it('takes an active item’s GSID on write and refuses a label or an inactive item with GSOBJ_1012', async () => {
    const target = sim.state.rows('company')[1] as Record<string, unknown>;
    const update = (record: Record<string, unknown>) =>
      call('PUT', '/v1/data/objects/Company?keys=Name', { records: [{ Name: target.Name, ...record }] });

    const ok = await update({
      Stage: item('company', 'Stage', 'Will Expand'),
      Tags: `${item('company', 'Tags', 'Beta')};${item('company', 'Tags', 'Upsell')}`,
    });
    expect(ok.status).toBe(200);
    expect(target).toMatchObject({ Stage: 'Will Expand', Tags: ['Beta', 'Upsell'] });

    const label = await update({ Stage: 'Adopting' });
    expect([label.status, label.body.errorCode]).toEqual([400, 'GSOBJ_1006']);
    expect(label.body.data.errors[0].errors).toEqual([
      {
        errorMessage: 'Invalid/Inactive value provided for picklist. (Stage = Adopting)',
        errorCode: 'GSOBJ_1012',
        fieldName: 'Stage',
        invalidValue: 'Adopting',
      },
    ]);
    const inactive = await update({ Stage: item('company', 'Stage', 'Legacy') });
    expect(inactive.body.data.errors[0].errors[0].errorCode).toBe('GSOBJ_1012');
    const mixed = await update({ Tags: [item('company', 'Tags', 'Beta'), 'Upsell'] });
    expect(mixed.body.data.errors[0].errors[0]).toMatchObject({ errorCode: 'GSOBJ_1012', fieldName: 'Tags' });
    expect(target).toMatchObject({ Stage: 'Will Expand', Tags: ['Beta', 'Upsell'] });

    // A row holding a retired item still answers its GSID.
    target.Stage = 'Legacy';
    const read = await call('POST', '/v1/data/objects/query/company', {
      select: ['Stage'],
      where: { conditions: [{ name: 'Name', alias: 'A', value: [target.Name], operator: 'EQ' }] },
    });
    expect(read.body.data.records[0].Stage).toBe(item('company', 'Stage', 'Legacy'));
  });

  it('gives every item the same GSID in every simulator', () => {
    const other = createGainsightSimulator({ seed: 99 });
    expect(picklistGsid(other.state.objects, 'company', 'Industry', 'Technology')).toBe(
      item('company', 'Industry', 'Technology'),
    );
    expect(() => item('company', 'Industry', 'Farming')).toThrow(/No item "Farming"/);
    expect(() => item('company', 'Name', 'x')).toThrow(/No picklist field/);
  });
});

describe('gainsight simulator: standard Person and Company field types (vendor notes)', () => {
  const sim = createGainsightSimulator({ companies: 1, people: 1 });
  const call = caller(sim);
  /**
   * shared/vendor-apis/gainsight.md: Person `MasterAvatarTypeCode` is a NUMBER (RudderStack sends
   * `Number(v)`) and `EmailOptOut` a BOOLEAN, the other Person fields text; Company picklists hold item
   * GSIDs (Industry, Stage, Status…), Tags is the multi-select, Csm/ParentCompany are lookups, money and
   * counts are numbers, contract and renewal dates are dates.
   */
  const PERSON: Record<string, string> = {
    Gsid: 'GSID',
    Email: 'EMAIL',
    Name: 'STRING',
    FirstName: 'STRING',
    MiddleName: 'STRING',
    LastName: 'STRING',
    LinkedinUrl: 'URL',
    Location: 'STRING',
    Timezone: 'STRING',
    EmailOptOut: 'BOOLEAN',
    DynamicResolutionKey: 'STRING',
    Comments: 'RICHTEXTAREA',
    MasterRecordID: 'STRING',
    MasterAvatarTypeCode: 'NUMBER',
    ExternalRecordID__gc: 'STRING',
    CreatedDate: 'DATETIME',
    ModifiedDate: 'DATETIME',
  };
  const COMPANY: Record<string, string> = {
    Gsid: 'GSID',
    Name: 'STRING',
    Industry: 'PICKLIST',
    IndustryNew: 'PICKLIST',
    Arr: 'CURRENCY',
    Mrr: 'CURRENCY',
    Employees: 'NUMBER',
    Users: 'NUMBER',
    LifecycleInWeeks: 'NUMBER',
    CustomerLifetimeInMonths: 'NUMBER',
    OriginalContractDate: 'DATE',
    RenewalDate: 'DATE',
    Stage: 'PICKLIST',
    Status: 'PICKLIST',
    CompanyType: 'PICKLIST',
    ManagedAs: 'PICKLIST',
    Csm: 'LOOKUP',
    ParentCompany: 'LOOKUP',
    Tags: 'MULTISELECTDROPDOWNLIST',
    SfdcAccountId: 'SFDCID',
    BillingAddress: 'STRING',
    TickerSymbol: 'STRING',
    Summary: 'RICHTEXTAREA',
    CreatedDate: 'DATETIME',
    ModifiedDate: 'DATETIME',
  };

  it.each([
    ['person', PERSON],
    ['company', COMPANY],
  ])('%s describes every standard field with the notes’ type', async (object, expected) => {
    const res = await call('GET', `/v1/meta/services/objects/${object}/describe?idd=true`);
    const types = Object.fromEntries(
      res.body.data[0].fields.map((f: { fieldName: string; dataType: string }) => [f.fieldName, f.dataType]),
    );
    for (const [field, type] of Object.entries(expected)) expect([field, types[field]]).toEqual([field, type]);
  });

  it('takes MasterAvatarTypeCode as a number and refuses text that is not one', async () => {
    const ok = await call('PUT', '/v1.0/api/people', { Email: 'avatar@x.example', MasterAvatarTypeCode: 3 });
    expect(ok.status).toBe(200);
    expect(ok.body.data.MasterAvatarTypeCode).toBe(3);
    const bad = await call('PUT', '/v1.0/api/people', { Email: 'avatar@x.example', MasterAvatarTypeCode: 'owner' });
    expect([bad.status, bad.body.errorCode]).toEqual([400, 'GSOBJ_VDTNUM1001']);
  });
});
