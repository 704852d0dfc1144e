import { type Answer, type Body, call, type Schemas } from '../api-client.js';

// The hub's /api/alerts: rules (condition + channels inline), their state, the history, budgets, tests.
// Answer types come from the hub's OpenAPI document (api-schema.gen.ts).

export type AlertCondition = Schemas['AlertCondition'];
export type ConditionType = AlertCondition['type'];
/** The e-mail channel as answered: `password` is the mask when one is stored, never the password. */
export type EmailChannel = Schemas['AlertEmailChannel'];
export type StateItem = Schemas['AlertStateItem'];
export type AlertRule = Schemas['AlertRule'];
export type DeliveryOutcome = Schemas['AlertDelivery'];
export type HistoryEntry = Schemas['AlertHistoryEntry'];
export type Budget = Schemas['AlertBudget'];
export type TestResult = Schemas['AlertTestResult'];

type RuleInput = Body<'/api/alerts', 'post'>;
type EmailInput = NonNullable<NonNullable<RuleInput['channels']>['email']>;
/**
 * What the form sends: the hub's body, except that numbers are sent as typed (an empty field as null, which
 * the hub refuses naming the field) and the condition is built per type. The password is optional (absent,
 * empty or the mask keeps the stored one).
 */
export interface RuleBody extends Omit<RuleInput, 'condition' | 'channels'> {
  enabled: boolean;
  condition: Record<string, unknown>;
  channels: {
    webhook: { url: string } | null;
    email: (Omit<EmailInput, 'port'> & { port?: number | null }) | null;
  };
}

// The form's body goes as it is: the hub's validation answers what is wrong with it, field by field.
const sent = (body: Partial<RuleBody>) => body as RuleInput;

export const alertsApi = {
  rules: () => call('get', '/api/alerts').then((r) => r.rules),
  create: (body: RuleBody) => call('post', '/api/alerts', { body: sent(body) }).then((r) => r.rule),
  update: (ruleId: string, body: Partial<RuleBody>) =>
    call('patch', '/api/alerts/{id}', { params: { id: ruleId }, body: sent(body) }).then((r) => r.rule),
  remove: (ruleId: string) => call('delete', '/api/alerts/{id}', { params: { id: ruleId } }),
  /** One try per channel, answered per channel. */
  test: (ruleId: string): Promise<TestResult> => call('post', '/api/alerts/{id}/test', { params: { id: ruleId } }),
  history: (ruleId?: string) =>
    call('get', '/api/alerts/history', { query: ruleId ? { ruleId } : {} }).then((r) => r.history),
  budgets: () => call('get', '/api/alerts/budgets').then((r) => r.budgets),
  /** Names for the scope pickers. */
  pipelines: (): Promise<Array<Pick<Answer<'/api/pipelines', 'get'>['pipelines'][number], 'id' | 'name'>>> =>
    call('get', '/api/pipelines').then((r) => r.pipelines),
};
