import type { ConnectorContext, DueEvent, TrackingMessage } from '@synchub/core';
import { createGainsightSimulator, listen, picklistGsid, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import gainsight from '../index.js';
import { clearPicklistCache } from '../picklists.js';
import { gainsightDestinationSchema } from './settings.js';

describe('the Gainsight destination sends picklist items and Gainsight’s field types', () => {
  const sim = createGainsightSimulator({ companies: 2, people: 2, limits: { syncPerMinute: 100_000 } });
  let server: RunningServer;
  const ctx: ConnectorContext = { fetch, now: Date.now };
  const destination = gainsight.destination!;
  let seq = 0;
  const events = (messages: Array<Pick<TrackingMessage, 'type'> & Partial<TrackingMessage>>): DueEvent[] =>
    messages.map((m) => ({ id: ++seq, message: { ...m, messageId: `p${seq}` } }));
  const deliver = (due: DueEvent[]) =>
    destination.deliver!({
      events: due,
      settings: gainsightDestinationSchema.parse({}),
      target: {
        connector: gainsight,
        settings: gainsight.settings.parse({ domain: server.url, sandbox: true, tenantId: sim.state.tenantId }),
        secrets: { accessKey: sim.credentials.accessKey as string },
        ctx,
      },
      state: new Map(),
    });
  const item = (field: string, label: string) => picklistGsid(sim.state.objects, 'company', field, label);
  const companyWrites = () =>
    sim.control.requests.filter((r) => r.path === '/v1/data/objects/Company' && r.method === 'POST');
  const group = (name: string, traits: Record<string, unknown>, email = 'owner@picklist.example') => ({
    type: 'group' as const,
    groupId: name,
    traits: { name, ...traits },
    context: { traits: { email } },
  });

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    clearPicklistCache();
    sim.control.reset();
  });

  it('a group with industry "Technology" reaches Gainsight as that item’s GSID', async () => {
    const due = events([
      group('Tech Picklist Co', { industry: 'Technology', stage: 'Launched', companyType: 'Partner' }),
    ]);
    const outcomes = await deliver(due);
    expect(outcomes.get(due[0]!.id)?.kind).toBe('delivered');
    expect(companyWrites().map((r) => r.body)).toEqual([
      {
        records: [
          {
            Name: 'Tech Picklist Co',
            Industry: item('Industry', 'Technology'),
            Stage: item('Stage', 'Launched'),
            CompanyType: item('CompanyType', 'Partner'),
          },
        ],
      },
    ]);
    expect(sim.state.rows('company').find((r) => r.Name === 'Tech Picklist Co')).toMatchObject({
      Industry: 'Technology',
      Stage: 'Launched',
      CompanyType: 'Partner',
    });
  });

  it('an unknown label fails only its own event, naming the known labels; the others are written', async () => {
    const due = events([
      group('Good Picklist Co', { industry: 'Retail' }, 'good@picklist.example'),
      group('Bad Picklist Co', { industry: 'Farming' }, 'bad@picklist.example'),
    ]);
    const outcomes = await deliver(due);
    expect(outcomes.get(due[0]!.id)?.kind).toBe('delivered');
    expect(outcomes.get(due[1]!.id)).toMatchObject({
      kind: 'failed',
      error: {
        code: 'invalid_request',
        message:
          'Picklist value not allowed for Industry: "Farming" is not one of its labels (Software, Healthcare, Financial Services, Manufacturing, Retail, Education, Technology)',
      },
    });
    // One company insert carried the good company only; the bad one never reached Gainsight.
    expect(
      companyWrites().map((r) => (r.body as { records: Array<{ Name: string }> }).records.map((c) => c.Name)),
    ).toEqual([['Good Picklist Co']]);
    expect(sim.state.rows('company').some((r) => r.Name === 'Bad Picklist Co')).toBe(false);
    const people = sim.state.rows('person').map((p) => p.Email);
    expect(people).toContain('good@picklist.example');
    expect(people).not.toContain('bad@picklist.example');
  });

  it('identify sends MasterAvatarTypeCode as a number (SDKs send text)', async () => {
    const due = events([{ type: 'identify', traits: { email: 'avatar@picklist.example', masterAvatarTypeCode: '3' } }]);
    const outcomes = await deliver(due);
    expect(outcomes.get(due[0]!.id)?.kind).toBe('delivered');
    const put = sim.control.requests.find((r) => r.path === '/v1.0/api/people');
    expect(put?.body).toEqual({ Email: 'avatar@picklist.example', MasterAvatarTypeCode: 3 });
    expect(sim.state.rows('person').find((p) => p.Email === 'avatar@picklist.example')?.MasterAvatarTypeCode).toBe(3);
  });
});
