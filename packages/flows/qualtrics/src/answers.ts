import { z } from 'zod';
import { DELIVERY_ORIGINS, DELIVERY_STATES } from './deliveries.js';

// Schemas of the /api/qualtrics answers, for the hub's /api/openapi.json (the dashboard's Qualtrics page is
// typed from it). They describe what the routes answer; answers.test.ts parses real answers with them.

const templateRow = z.object({ key: z.string(), value: z.string() });
const deliveryState = z.enum(DELIVERY_STATES);
export const DeliveryCounts = z.object({
  pending: z.number(),
  retrying: z.number(),
  delivered: z.number(),
  failed: z.number(),
});

export const Trigger = z.object({
  id: z.string(),
  name: z.string(),
  connectionId: z.string(),
  /** Overrides of the connection's settings; null uses the connection's. */
  triggerUrl: z.string().nullable(),
  username: z.string().nullable(),
  secretHint: z.string().describe('The last characters of the webhook secret; the secret is shown once'),
  template: z.array(templateRow),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  webhookUrl: z.string().describe("Where Gainsight's External Action calls"),
  counts: DeliveryCounts,
});
export const TriggerAnswer = z.object({ trigger: Trigger });
export const TriggersAnswer = z.object({ triggers: z.array(Trigger) });
/** Create and rotate-secret: the only answers that carry the secret. */
export const SecretAnswer = z.object({ trigger: Trigger, secret: z.string(), webhookUrl: z.string() });

export const DeliveryError = z.object({
  code: z.string(),
  message: z.string(),
  status: z.number().optional(),
  vendorCode: z.string().optional(),
  body: z.unknown().optional(),
  at: z.number(),
});
export const PlannedRequest = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()).describe('Credentials masked (`Basic ••••`)'),
  body: z.unknown(),
});
/** `POST /triggers/:id/test` without confirm: what would be sent; with it, what the workflow answered. */
export const TestPlan = z.object({
  dryRun: z.literal(true),
  request: PlannedRequest.nullable(),
  warning: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export const TestResult = z.union([
  z.object({
    dryRun: z.literal(false),
    deliveryId: z.number(),
    ok: z.literal(true),
    status: z.number().nullable(),
    eventId: z.string().nullable(),
    requestId: z.string().nullable(),
  }),
  z.object({
    dryRun: z.literal(false),
    deliveryId: z.number(),
    ok: z.literal(false),
    status: z.number().nullable(),
    error: DeliveryError,
  }),
]);
export const TestAnswer = z.union([TestPlan, TestResult]);

export const Rule = z.object({
  id: z.string(),
  triggerId: z.string(),
  sourceId: z.string().nullable().describe('Only events from this source; null: any source'),
  type: z.literal('track'),
  event: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
});
export const RuleCheck = z.object({
  sample: z.object({ source: z.enum(['pasted', 'event', 'built']), eventId: z.number().nullable() }),
  values: z.record(z.string(), z.unknown()),
  unverified: z.array(z.string()),
});
export const RulesAnswer = z.object({ rules: z.array(Rule) });
export const RuleAnswer = z.object({ rule: Rule });
/** A new rule, with what its trigger's key/values were checked against. */
export const CreatedRuleAnswer = z.object({ rule: Rule.extend({ check: RuleCheck }) });

export const Delivery = z.object({
  id: z.number(),
  triggerId: z.string(),
  origin: z.enum(DELIVERY_ORIGINS),
  originRef: z.string().nullable().describe("The hub event id for origin 'event'"),
  state: deliveryState,
  statusCode: z.number().nullable(),
  eventId: z.string().nullable(),
  requestId: z.string().nullable(),
  attempts: z.number(),
  nextAttemptAt: z.number(),
  lastError: DeliveryError.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  deliveredAt: z.number().nullable(),
  payloadPreview: z.string(),
});
export const DeliveriesAnswer = z.object({ deliveries: z.array(Delivery), counts: DeliveryCounts });
/** One delivery, with the whole payload sent. */
export const DeliveryAnswer = z.object({ delivery: Delivery.extend({ payload: z.unknown() }) });
export const ReplayAnswer = z.object({ replayed: z.number() });
