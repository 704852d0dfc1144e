import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  CreatedRuleAnswer,
  DeliveriesAnswer,
  DeliveryAnswer,
  ReplayAnswer,
  RuleAnswer,
  RulesAnswer,
  SecretAnswer,
  TestAnswer,
  TestPlan,
  TestResult,
  TriggerAnswer,
  TriggersAnswer,
} from './answers.js';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';

// The answer schemas document /api/qualtrics in the hub's /api/openapi.json (the dashboard's Qualtrics page is
// typed from them): real answers must parse, so a change to an answer without its schema fails here.

// biome-ignore lint/suspicious/noExplicitAny: answers are checked against their schemas
type Json = Record<string, any>;

let sim: ReturnType<typeof createQualtricsSimulator>;
let server: RunningServer;
let t: QualtricsTestHub;
const clock = Date.UTC(2026, 0, 10, 9, 0, 0);
let connectionId: string;

beforeAll(async () => {
  sim = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 1, triggers: ['wf-onboarding'] });
  server = await listen(sim.app);
});
afterAll(() => server.close());
beforeEach(async () => {
  sim.control.reset();
  t = await createQualtricsTestHub({ now: () => clock, publicUrl: 'https://hub.example.com/' });
  const res = await t.request('POST', '/api/connections', {
    connectorId: 'qualtrics',
    name: 'Qualtrics',
    settings: {
      baseUrl: server.url,
      sandbox: true,
      triggerUrl: `${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=wf-onboarding`,
      username: sim.credentials.username,
    },
    secrets: { apiToken: sim.credentials.apiToken },
  });
  connectionId = ((await res.json()) as Json).connection.id;
});
afterEach(() => t.close());

async function answer(schema: z.ZodType, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await t.request(method, `/api/qualtrics${path}`, body);
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  const value = (await res.json()) as Json;
  const parsed = schema.safeParse(value);
  expect(parsed.success ? [] : parsed.error.issues, `${method} ${path}`).toEqual([]);
  return value;
}

describe('qualtrics answers match their documented schemas', () => {
  it('triggers, tests, rules, deliveries and replays', async () => {
    const created = await answer(SecretAnswer, 'POST', '/triggers', {
      name: 'Onboarding',
      connectionId,
      template: [{ key: 'Company GSID', value: '$.context.traits.companyGsid' }],
    });
    const id = created.trigger.id as string;
    await answer(TriggersAnswer, 'GET', '/triggers');
    await answer(TriggerAnswer, 'GET', `/triggers/${id}`);
    await answer(TriggerAnswer, 'PATCH', `/triggers/${id}`, { name: 'Onboarding survey' });
    const { secret } = await answer(SecretAnswer, 'POST', `/triggers/${id}/rotate-secret`);

    expect(TestPlan.safeParse(await answer(TestAnswer, 'POST', `/triggers/${id}/test`, {})).success).toBe(true);
    const sent = await answer(TestAnswer, 'POST', `/triggers/${id}/test`, { confirm: true });
    expect(TestResult.safeParse(sent).success && sent.ok).toBe(true);
    sim.control.faults.set('/inbound-event', { errorRate: 1 });
    const refused = await answer(TestAnswer, 'POST', `/triggers/${id}/test`, { confirm: true });
    expect(refused.ok).toBe(false);
    sim.control.reset();

    const rule = await answer(CreatedRuleAnswer, 'POST', '/rules', { triggerId: id, event: 'Onboarding Completed' });
    await answer(RulesAnswer, 'GET', '/rules');
    await answer(RuleAnswer, 'PATCH', `/rules/${rule.rule.id}`, { enabled: false });

    const hook = await t.hub.app.request(`http://hub.test/hooks/qualtrics/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-synchub-secret': secret },
      body: JSON.stringify({ n: 1 }),
    });
    expect(hook.status).toBe(202);
    const { deliveryId } = (await hook.json()) as Json;
    sim.control.faults.set('/inbound-event', { errorRate: 1 });
    await t.qualtrics.drain();
    const { deliveries } = await answer(DeliveriesAnswer, 'GET', '/deliveries');
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    const one = await answer(DeliveryAnswer, 'GET', `/deliveries/${deliveryId}`);
    expect(one.delivery.lastError).not.toBeNull();
    await answer(ReplayAnswer, 'POST', '/deliveries/replay', {});
  });
});
