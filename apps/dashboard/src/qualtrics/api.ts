import { ApiError, errorFrom, loadToken, reportUnauthorized } from '../api.js';

// The hub's /api/qualtrics: workflow triggers, their event rules, deliveries and the test call.

export interface TemplateRow {
  key: string;
  value: string;
}

export type DeliveryState = 'pending' | 'retrying' | 'delivered' | 'failed';
export type DeliveryCounts = Record<DeliveryState, number>;

export interface Trigger {
  id: string;
  name: string;
  connectionId: string;
  triggerUrl: string | null;
  username: string | null;
  secretHint: string;
  template: TemplateRow[];
  enabled: boolean;
  webhookUrl: string;
  counts: DeliveryCounts;
  createdAt: string;
}

export interface TriggerInput {
  name: string;
  connectionId: string;
  triggerUrl?: string | null;
  username?: string | null;
  template?: TemplateRow[];
  enabled?: boolean;
}

/** Create and rotate answers: the only time the secret is shown. */
export interface SecretAnswer {
  trigger: Trigger;
  secret: string;
  webhookUrl: string;
}

export interface Rule {
  id: string;
  triggerId: string;
  sourceId: string | null;
  type: 'track';
  event: string;
  enabled: boolean;
}

export interface DeliveryError {
  code: string;
  message: string;
  status?: number;
  vendorCode?: string;
  body?: unknown;
}

export interface Delivery {
  id: number;
  triggerId: string;
  origin: 'webhook' | 'event' | 'test';
  originRef: string | null;
  state: DeliveryState;
  statusCode: number | null;
  eventId: string | null;
  requestId: string | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: DeliveryError | null;
  createdAt: number;
  deliveredAt: number | null;
  payloadPreview: string;
}

/** A confirmed test: the real workflow ran (or Qualtrics refused it). */
export type TestAnswer = { dryRun: false; deliveryId: number } & (
  | { ok: true; status: number | null; eventId: string | null; requestId: string | null }
  | { ok: false; status: number | null; error: DeliveryError }
);

export interface PlannedRequest {
  method: string;
  url: string;
  /** Credentials masked (`Basic ••••`). */
  headers: Record<string, string>;
  body: unknown;
}

/** A test not yet confirmed: what would be sent, and what sending it does. */
export interface TestPlan {
  dryRun: true;
  request: PlannedRequest | null;
  warning: string;
  error: { code: string; message: string } | null;
}

/** What a new rule's key/values were checked against, and what they would send for it. */
export interface RuleCheck {
  sample: { source: 'pasted' | 'event' | 'built'; eventId: number | null };
  values: Record<string, unknown>;
  unverified: string[];
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = loadToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/qualtrics${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, 'network', 'Cannot reach the hub. Is it running?', [], { cause });
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401) reportUnauthorized();
    throw error;
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const id = encodeURIComponent;

export const qualtricsApi = {
  triggers: () => call<{ triggers: Trigger[] }>('GET', '/triggers').then((r) => r.triggers),
  createTrigger: (input: TriggerInput) => call<SecretAnswer>('POST', '/triggers', input),
  updateTrigger: (triggerId: string, patch: Partial<TriggerInput>) =>
    call<{ trigger: Trigger }>('PATCH', `/triggers/${id(triggerId)}`, patch).then((r) => r.trigger),
  deleteTrigger: (triggerId: string) => call<void>('DELETE', `/triggers/${id(triggerId)}`),
  rotateSecret: (triggerId: string) => call<SecretAnswer>('POST', `/triggers/${id(triggerId)}/rotate-secret`),
  /** A dry run: the request a test would send; nothing is sent. */
  planTest: (triggerId: string) => call<TestPlan>('POST', `/triggers/${id(triggerId)}/test`, {}),
  /** Runs the real workflow once, with the placeholder values the plan showed. */
  test: (triggerId: string) => call<TestAnswer>('POST', `/triggers/${id(triggerId)}/test`, { confirm: true }),
  rules: () => call<{ rules: Rule[] }>('GET', '/rules').then((r) => r.rules),
  createRule: (input: {
    triggerId: string;
    event: string;
    sourceId: string | null;
    sample?: Record<string, unknown> | undefined;
  }) => call<{ rule: Rule & { check: RuleCheck } }>('POST', '/rules', { ...input, type: 'track' }).then((r) => r.rule),
  deleteRule: (ruleId: string) => call<void>('DELETE', `/rules/${id(ruleId)}`),
  deliveries: (q: { triggerId?: string; state?: string }) => {
    const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]);
    const text = params.toString();
    return call<{ deliveries: Delivery[]; counts: DeliveryCounts }>('GET', `/deliveries${text ? `?${text}` : ''}`);
  },
  replay: (deliveryId: number) => call<{ replayed: number }>('POST', `/deliveries/${deliveryId}/replay`),
  replayAll: (triggerId?: string) =>
    call<{ replayed: number }>('POST', '/deliveries/replay', triggerId ? { triggerId } : {}),
};
