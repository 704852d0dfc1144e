/**
 * Schemas of the /api/alerts answers, for /api/openapi.json (the dashboard's alert types are generated from
 * them; alerts/answers.test.ts parses real answers with them). They describe; the routes do not validate.
 */
import { z } from '@hono/zod-openapi';
import { MASK } from '../connections.js';

const scope = z.string().nullable();
export const AlertCondition = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('run_failed'), pipelineId: scope }),
    z.object({ type: z.literal('pipeline_stale'), pipelineId: scope, periods: z.number() }),
    z.object({
      type: z.literal('failed_events'),
      destinationId: scope,
      threshold: z.number().int(),
      periodMinutes: z.number().int(),
    }),
    z.object({ type: z.literal('budget_used'), budget: scope, percent: z.number(), minutes: z.number().int() }),
    z.object({ type: z.literal('waiting_age'), destinationId: scope, minutes: z.number().int() }),
  ])
  .openapi('AlertCondition', { description: 'One condition, its defaults filled in; a null scope: all of them' });

export const AlertEmailChannel = z
  .object({
    host: z.string(),
    port: z.number().int().optional(),
    secure: z.boolean(),
    user: z.string().nullable(),
    from: z.string(),
    to: z.array(z.string()),
    password: z.literal(MASK).nullable().openapi({ description: 'The mask when a password is stored, never it' }),
  })
  .openapi('AlertEmailChannel');

export const AlertChannels = z
  .object({
    webhook: z
      .object({
        url: z.string().openapi({ description: `Scheme and host only, the rest masked: \`https://host/${MASK}\`` }),
      })
      .nullable(),
    email: z.union([AlertEmailChannel, z.null()]),
  })
  .openapi('AlertChannels');

const StateItem = z
  .object({ subject: z.string(), label: z.string(), since: z.number(), summary: z.string() })
  .openapi('AlertStateItem');
export const AlertState = z
  .object({
    status: z.enum(['ok', 'pending', 'firing']),
    since: z.number().nullable(),
    firing: z.array(StateItem),
    pending: z.array(StateItem),
  })
  .openapi('AlertState');

export const AlertRule = z
  .object({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    condition: AlertCondition,
    channels: AlertChannels,
    state: AlertState,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AlertRule');

export const AlertDelivery = z
  .object({
    channel: z.enum(['webhook', 'email']),
    target: z.string().openapi({ description: "The webhook's host or the e-mail's recipients (never a secret)" }),
    ok: z.boolean(),
    attempts: z.number().int(),
    error: z.string().optional(),
    at: z.number(),
  })
  .openapi('AlertDelivery');

export const AlertHistoryEntry = z
  .object({
    id: z.number().int(),
    ruleId: z.string(),
    ruleName: z.string(),
    kind: z.enum(['firing', 'resolved', 'test']),
    subject: z.string().nullable(),
    label: z.string().nullable(),
    summary: z.string(),
    status: z.enum(['pending', 'sent', 'partial', 'failed', 'none']),
    deliveries: z.array(AlertDelivery),
    at: z.number(),
  })
  .openapi('AlertHistoryEntry');

export const AlertBudget = z
  .object({
    key: z.string().openapi({ description: '`<account>:<bucket>`, the scope a budget rule names' }),
    label: z.string(),
    percent: z.number(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AlertBudget');

export const AlertTestResult = z
  .object({ ok: z.boolean(), results: z.array(AlertDelivery) })
  .openapi('AlertTestResult', { description: 'One try per channel, answered per channel' });
