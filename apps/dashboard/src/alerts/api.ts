import { request } from '../api.js';

// The hub's /api/alerts: rules (condition + channels inline), their state, the history, budgets, tests.

export type ConditionType = 'run_failed' | 'pipeline_stale' | 'failed_events' | 'budget_used' | 'waiting_age';

export type AlertCondition =
  | { type: 'run_failed'; pipelineId: string | null }
  | { type: 'pipeline_stale'; pipelineId: string | null; periods: number }
  | { type: 'failed_events'; destinationId: string | null; threshold: number; periodMinutes: number }
  | { type: 'budget_used'; budget: string | null; percent: number; minutes: number }
  | { type: 'waiting_age'; destinationId: string | null; minutes: number };

export interface EmailChannel {
  host: string;
  port?: number | undefined;
  secure: boolean;
  user: string | null;
  from: string;
  to: string[];
  /** The hub shows a mask when one is stored, never the password. */
  password: string | null;
}

export interface StateItem {
  subject: string;
  label: string;
  since: number;
  summary: string;
}

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  condition: AlertCondition;
  channels: { webhook: { url: string } | null; email: EmailChannel | null };
  state: { status: 'ok' | 'pending' | 'firing'; since: number | null; firing: StateItem[]; pending: StateItem[] };
  createdAt: string;
  updatedAt: string;
}

/** What the API takes: the e-mail password is optional (absent, empty or the mask keeps the stored one). */
export interface RuleBody {
  name: string;
  enabled: boolean;
  condition: Record<string, unknown>;
  channels: {
    webhook: { url: string } | null;
    email: (Omit<EmailChannel, 'password' | 'port'> & { port?: number | null; password?: string }) | null;
  };
}

export interface DeliveryOutcome {
  channel: 'webhook' | 'email';
  target: string;
  ok: boolean;
  attempts: number;
  error?: string;
  at: number;
}

export interface HistoryEntry {
  id: number;
  ruleId: string;
  ruleName: string;
  kind: 'firing' | 'resolved' | 'test';
  subject: string | null;
  label: string | null;
  summary: string;
  status: 'pending' | 'sent' | 'partial' | 'failed' | 'none';
  deliveries: DeliveryOutcome[];
  at: number;
}

export interface Budget {
  key: string;
  label: string;
  percent: number;
}

const id = encodeURIComponent;

export const alertsApi = {
  rules: () => request<{ rules: AlertRule[] }>('GET', '/api/alerts').then((r) => r.rules),
  create: (body: RuleBody) => request<{ rule: AlertRule }>('POST', '/api/alerts', body).then((r) => r.rule),
  update: (ruleId: string, body: Partial<RuleBody>) =>
    request<{ rule: AlertRule }>('PATCH', `/api/alerts/${id(ruleId)}`, body).then((r) => r.rule),
  remove: (ruleId: string) => request<void>('DELETE', `/api/alerts/${id(ruleId)}`),
  /** One try per channel, answered per channel. */
  test: (ruleId: string) =>
    request<{ ok: boolean; results: DeliveryOutcome[] }>('POST', `/api/alerts/${id(ruleId)}/test`),
  history: (ruleId?: string) =>
    request<{ history: HistoryEntry[] }>('GET', `/api/alerts/history${ruleId ? `?ruleId=${id(ruleId)}` : ''}`).then(
      (r) => r.history,
    ),
  budgets: () => request<{ budgets: Budget[] }>('GET', '/api/alerts/budgets').then((r) => r.budgets),
  /** Names for the scope pickers. */
  pipelines: () =>
    request<{ pipelines: Array<{ id: string; name: string }> }>('GET', '/api/pipelines').then((r) => r.pipelines),
};
