import type { TrackingMessage } from '@synchub/core';
import { describe, expect, it } from 'vitest';
import { createGainsightMapping, GROUP_EMAIL_REQUIRED } from './mapping.js';
import { gainsightDestinationSchema } from './settings.js';

const settings = gainsightDestinationSchema.parse({
  personFieldMap: [{ trait: 'plan', field: 'Plan__gc' }],
  topicName: 'product',
  contractId: 'configured',
  eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
});
const mapping = createGainsightMapping(settings, { tenantId: 't1', sharedSecret: 's' });
let seq = 0;
const msg = (m: Pick<TrackingMessage, 'type'> & Partial<TrackingMessage>): TrackingMessage => ({
  ...m,
  messageId: `m${++seq}`,
});

describe('Gainsight destination settings', () => {
  it('keeps the API body of today: defaults, custom field rules, host settings', () => {
    expect(gainsightDestinationSchema.parse({})).toEqual({
      personFieldMap: [],
      companyFieldMap: [],
      eventVersions: [],
      flushWindowMs: 2000,
      maxAttempts: 20,
    });
    const bad = gainsightDestinationSchema.safeParse({
      personFieldMap: [
        { trait: 'a', field: 'Plan' },
        { trait: 'b', field: 'X__gc' },
        { trait: 'c', field: 'X__gc' },
      ],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['personFieldMap.0.field', 'must be a Gainsight custom field name ending in __gc (e.g. Plan__gc)'],
      ['personFieldMap.2.field', 'X__gc is already mapped in row 2'],
    ]);
    expect(gainsightDestinationSchema.safeParse({ extra: 1 }).success).toBe(false);
  });
});

describe('Gainsight destination mapping', () => {
  it('identify → person, with name parts joined and custom fields', () => {
    expect(
      mapping.map(
        msg({ type: 'identify', traits: { email: ' ann@x.com ', first_name: 'Ann', LastName: 'Lee', plan: 'pro' } }),
      ),
    ).toEqual({
      kind: 'person',
      email: 'ann@x.com',
      person: { Email: 'ann@x.com', FirstName: 'Ann', LastName: 'Lee', Name: 'Ann Lee', Plan__gc: 'pro' },
    });
  });

  it('group → company by name with the person from context.traits', () => {
    expect(
      mapping.map(
        msg({
          type: 'group',
          groupId: 'g',
          traits: { name: 'Acme', employees: '12' },
          context: { traits: { email: 'a@x.com' } },
        }),
      ),
    ).toEqual({ kind: 'group', email: 'a@x.com', companyName: 'Acme', company: { Name: 'Acme', Employees: 12 } });
  });

  it("group → the user's email from the call, else the one the host knows, else a userId that is an email", () => {
    const group = (m: Partial<TrackingMessage>) => msg({ type: 'group', groupId: 'g', traits: { name: 'Acme' }, ...m });
    const emailOf = (call: ReturnType<typeof mapping.map>) => (call.kind === 'group' ? call.email : call.kind);
    const fromCall = group({ userId: 'u1', context: { traits: { email: 'call@x.com' } } });
    expect(emailOf(mapping.map(fromCall, { email: 'known@x.com' }))).toBe('call@x.com');
    expect(emailOf(mapping.map(group({ userId: 'u1' }), { email: ' known@x.com ' }))).toBe('known@x.com');
    expect(emailOf(mapping.map(group({ userId: 'bo@x.com' }), { email: 'known@x.com' }))).toBe('known@x.com');
    expect(emailOf(mapping.map(group({ userId: 'bo@x.com' })))).toBe('bo@x.com');
    expect(emailOf(mapping.map(group({ userId: 'not an email' })))).toBe('error');
    expect(mapping.map(group({ userId: 'u1' }), {})).toEqual({
      kind: 'error',
      code: 'mapping',
      message: expect.stringContaining(
        'context.traits.email on the group call, or identify this userId with traits.email',
      ),
    });
  });

  it("orders a group by its company, whether or not its user's email is known yet", () => {
    expect(mapping.entityKeys(msg({ type: 'group', groupId: 'g', userId: 'u1', traits: { name: 'Acme' } }))).toEqual([
      'company:Acme',
    ]);
    expect(mapping.entityKeys(msg({ type: 'identify', traits: { email: 'Ann@x.com' } }))).toEqual(['person:ann@x.com']);
    expect(mapping.entityKeys(msg({ type: 'group', groupId: 'g', traits: {} }))).toEqual([]);
  });

  it('track → publish with the mapped name, version and contract (the call wins)', () => {
    expect(mapping.map(msg({ type: 'track', event: 'Feature Used', properties: { a: 1 } }))).toEqual({
      kind: 'track',
      eventName: 'Product Event',
      version: 'v01',
      contractId: 'configured',
      body: { a: 1 },
    });
    const fromCall = mapping.map(
      msg({
        type: 'track',
        event: 'Feature Used',
        context: { externalId: [{ type: 'gainsightEventContractId', id: 'c9' }] },
      }),
    );
    expect(fromCall).toMatchObject({ kind: 'track', contractId: 'c9' });
  });

  it('says why a call cannot be sent', () => {
    const reasons = [
      msg({ type: 'identify', traits: { firstName: 'No' } }),
      msg({ type: 'group', groupId: 'g', traits: {} }),
      msg({ type: 'group', groupId: 'g', traits: { name: 'Solo' } }),
      msg({ type: 'track', event: 'Unknown' }),
      msg({ type: 'page', name: 'Home' }),
    ].map((m) => {
      const call = mapping.map(m);
      return call.kind === 'error' ? call.message : call.kind;
    });
    expect(reasons).toEqual([
      'email is required for identify',
      'company name is required for group',
      GROUP_EMAIL_REQUIRED,
      'event version mapping not provided for Unknown',
      'page calls are not sent to Gainsight (identify, group and track are)',
    ]);
    const noSecret = createGainsightMapping(settings, { tenantId: 't1' });
    expect(noSecret.map(msg({ type: 'track', event: 'Feature Used' }))).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^sharedSecret is required for track/),
    });
  });
});
