import { type Answer, type Body, call } from '../api-client.js';

// The hub's /api/qualtrics (the Qualtrics plugin's service): workflow triggers, their event rules, deliveries
// and the test call. Types come from the plugin's answer schemas, through the hub's OpenAPI document.

/** Create and rotate answers: the only time the secret is shown. */
export type SecretAnswer = Answer<'/api/qualtrics/triggers', 'post'>;
export type Trigger = SecretAnswer['trigger'];
export type TemplateRow = Trigger['template'][number];
export type DeliveryCounts = Trigger['counts'];
export type DeliveryState = keyof DeliveryCounts;
export type TriggerInput = Body<'/api/qualtrics/triggers', 'post'>;

type Created = Answer<'/api/qualtrics/rules', 'post'>['rule'];
export type Rule = Omit<Created, 'check'>;
/** What a new rule's key/values were checked against, and what they would send for it. */
export type RuleCheck = Created['check'];

type Deliveries = Answer<'/api/qualtrics/deliveries', 'get'>;
export type Delivery = Deliveries['deliveries'][number];
export type DeliveryError = NonNullable<Delivery['lastError']>;

type Tested = Answer<'/api/qualtrics/triggers/{id}/test', 'post'>;
/** A test not yet confirmed: what would be sent, and what sending it does. */
export type TestPlan = Extract<Tested, { dryRun: true }>;
export type PlannedRequest = NonNullable<TestPlan['request']>;
/** A confirmed test: the real workflow ran (or Qualtrics refused it). */
export type TestAnswer = Extract<Tested, { dryRun: false }>;

const trigger = (id: string) => ({ params: { id } });

export const qualtricsApi = {
  triggers: () => call('get', '/api/qualtrics/triggers').then((r) => r.triggers),
  createTrigger: (input: TriggerInput) => call('post', '/api/qualtrics/triggers', { body: input }),
  updateTrigger: (triggerId: string, patch: Body<'/api/qualtrics/triggers/{id}', 'patch'>) =>
    call('patch', '/api/qualtrics/triggers/{id}', { ...trigger(triggerId), body: patch }).then((r) => r.trigger),
  deleteTrigger: (triggerId: string) => call('delete', '/api/qualtrics/triggers/{id}', trigger(triggerId)),
  rotateSecret: (triggerId: string) => call('post', '/api/qualtrics/triggers/{id}/rotate-secret', trigger(triggerId)),
  /** A dry run: the request a test would send; nothing is sent. */
  planTest: (triggerId: string) =>
    call('post', '/api/qualtrics/triggers/{id}/test', { ...trigger(triggerId), body: {} }) as Promise<TestPlan>,
  /** Runs the real workflow once, with the placeholder values the plan showed. */
  test: (triggerId: string) =>
    call('post', '/api/qualtrics/triggers/{id}/test', {
      ...trigger(triggerId),
      body: { confirm: true },
    }) as Promise<TestAnswer>,
  rules: () => call('get', '/api/qualtrics/rules').then((r) => r.rules),
  createRule: (input: {
    triggerId: string;
    event: string;
    sourceId: string | null;
    sample?: Record<string, unknown> | undefined;
  }) => call('post', '/api/qualtrics/rules', { body: { ...input, type: 'track' } }).then((r) => r.rule),
  deleteRule: (ruleId: string) => call('delete', '/api/qualtrics/rules/{id}', { params: { id: ruleId } }),
  /** `state` as the page's filter holds it: '' for all; the hub refuses an unknown one. */
  deliveries: (q: { triggerId?: string; state?: string }): Promise<Deliveries> =>
    call('get', '/api/qualtrics/deliveries', {
      query: {
        ...(q.triggerId ? { triggerId: q.triggerId } : {}),
        ...(q.state ? { state: q.state as DeliveryState } : {}),
      },
    }),
  replay: (deliveryId: number) => call('post', '/api/qualtrics/deliveries/{id}/replay', { params: { id: deliveryId } }),
  replayAll: (triggerId?: string) =>
    call('post', '/api/qualtrics/deliveries/replay', { body: triggerId ? { triggerId } : {} }),
};
