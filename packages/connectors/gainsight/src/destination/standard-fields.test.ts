import type { FieldRule } from '@synchub/core';
import { createGainsightSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGainsightClient } from '../client.js';
import gainsight from '../index.js';
import { COMPANY_RULES, createGainsightMapping, PERSON_RULES } from './mapping.js';
import { gainsightDestinationSchema } from './settings.js';

/**
 * Every standard Person and Company field the default trait maps fill, with the Gainsight type the vendor
 * notes give it (shared/vendor-apis/gainsight.md) and the coercion the mapping applies because SDKs may
 * send another type. Text and picklist fields are sent as they came (picklist labels are translated to
 * item GSIDs by the writers).
 */
const PERSON: Record<string, [gainsightType: string, coercion: FieldRule['type']]> = {
  Email: ['EMAIL', undefined],
  Name: ['STRING', undefined],
  FirstName: ['STRING', undefined],
  MiddleName: ['STRING', undefined],
  LastName: ['STRING', undefined],
  LinkedinUrl: ['URL', undefined],
  Location: ['STRING', undefined],
  ExternalRecordID__gc: ['STRING', undefined],
  EmailOptOut: ['BOOLEAN', 'boolean'],
  DynamicResolutionKey: ['STRING', undefined],
  Comments: ['RICHTEXTAREA', undefined],
  Timezone: ['STRING', undefined],
  MasterRecordID: ['STRING', undefined],
  MasterAvatarTypeCode: ['NUMBER', 'number'],
};
const COMPANY: Record<string, [gainsightType: string, coercion: FieldRule['type']]> = {
  Name: ['STRING', undefined],
  Employees: ['NUMBER', 'number'],
  Arr: ['CURRENCY', 'number'],
  BillingAddress: ['STRING', undefined],
  Summary: ['RICHTEXTAREA', undefined],
  CompanyType: ['PICKLIST', undefined],
  Csm: ['LOOKUP', undefined],
  CustomerLifetimeInMonths: ['NUMBER', 'number'],
  Industry: ['PICKLIST', undefined],
  LifecycleInWeeks: ['NUMBER', 'number'],
  ManagedAs: ['PICKLIST', undefined],
  Mrr: ['CURRENCY', 'number'],
  OriginalContractDate: ['DATE', 'date'],
  ParentCompany: ['LOOKUP', undefined],
  RenewalDate: ['DATE', 'date'],
  Stage: ['PICKLIST', undefined],
  Status: ['PICKLIST', undefined],
  Tags: ['MULTISELECTDROPDOWNLIST', undefined],
  TickerSymbol: ['STRING', undefined],
  Users: ['NUMBER', 'number'],
  SfdcAccountId: ['SFDCID', undefined],
  IndustryNew: ['PICKLIST', undefined],
};

/** The coercion a Gainsight type needs from whatever an SDK sends. */
const COERCION: Record<string, FieldRule['type']> = {
  NUMBER: 'number',
  CURRENCY: 'number',
  PERCENTAGE: 'number',
  BOOLEAN: 'boolean',
  DATE: 'date',
  DATETIME: 'datetime',
};

const coercions = (rules: FieldRule[]) => Object.fromEntries(rules.map((r) => [r.to, r.type]));

describe('the destination’s default trait maps use Gainsight’s standard field types', () => {
  const sim = createGainsightSimulator({ companies: 1, people: 1 });
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(async () => server.close());

  it.each([
    ['person', PERSON, PERSON_RULES],
    ['company', COMPANY, COMPANY_RULES],
  ] as const)(
    '%s: every default rule coerces to its field’s type, as the tenant describes it',
    async (object, table, rules) => {
      expect(coercions(rules)).toEqual(Object.fromEntries(Object.entries(table).map(([f, [, c]]) => [f, c])));
      const client = createGainsightClient({
        settings: gainsight.settings.parse({ domain: server.url, sandbox: true }),
        secrets: { accessKey: sim.credentials.accessKey as string },
        ctx: { fetch, now: Date.now },
      });
      const described = Object.fromEntries(
        (await client.describe(object)).fields.map((f) => [f.fieldName, f.dataType]),
      );
      for (const [field, [type, coercion]] of Object.entries(table)) {
        expect([field, described[field]]).toEqual([field, type]);
        expect([field, COERCION[type]]).toEqual([field, coercion]);
      }
    },
  );

  it('maps what SDKs send to those types', () => {
    const mapping = createGainsightMapping(gainsightDestinationSchema.parse({}), {});
    expect(
      mapping.map({
        messageId: 'm1',
        type: 'identify',
        traits: { email: 'a@x.example', masterAvatarTypeCode: '3', masterRecordID: 'M-1', emailOptOut: 'true' },
      }),
    ).toEqual({
      kind: 'person',
      email: 'a@x.example',
      person: { Email: 'a@x.example', MasterAvatarTypeCode: 3, MasterRecordID: 'M-1', EmailOptOut: true },
    });
    expect(
      mapping.map({
        messageId: 'm2',
        type: 'group',
        traits: { name: 'Acme', employees: '12', renewalDate: '2026-03-01T10:00:00Z', companyType: 'Partner' },
        context: { traits: { email: 'a@x.example' } },
      }),
    ).toMatchObject({ company: { Name: 'Acme', Employees: 12, RenewalDate: '2026-03-01', CompanyType: 'Partner' } });
    const bad = mapping.map({
      messageId: 'm3',
      type: 'identify',
      traits: { email: 'a@x.example', masterAvatarTypeCode: 'owner' },
    });
    expect(bad).toMatchObject({
      kind: 'error',
      code: 'mapping',
      message: expect.stringContaining('MasterAvatarTypeCode'),
    });
  });
});
