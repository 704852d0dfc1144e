import { isIP } from 'node:net';
import type { Generated } from 'kysely';
import { z } from 'zod';

// Alert rules as the API takes them: a condition (type, parameters, scope) and its channels.

const id = z.string().trim().min(1, 'required');
/** A scope: one pipeline / destination / budget by id, or null (the default) for all of them. */
const scope = id.nullable().default(null);
const whole = (min: number, max: number, unit: string) =>
  z
    .number({ error: `a number of ${unit}` })
    .int(`a whole number of ${unit}`)
    .min(min, `at least ${min}`)
    .max(max, `at most ${max}`);
const DAY_MINUTES = 24 * 60;

export const conditionSchema = z.discriminatedUnion(
  'type',
  [
    /** The last finished run of a pipeline failed; clears when a later run completes. */
    z.strictObject({ type: z.literal('run_failed'), pipelineId: scope }),
    /** No successful run for `periods` times the schedule's interval. */
    z.strictObject({
      type: z.literal('pipeline_stale'),
      pipelineId: scope,
      periods: z
        .number({ error: 'a number of schedule periods' })
        .min(1, 'at least 1')
        .max(100, 'at most 100')
        .default(2),
    }),
    /** More than `threshold` events failed in the last `periodMinutes`. */
    z.strictObject({
      type: z.literal('failed_events'),
      destinationId: scope,
      threshold: whole(0, 1_000_000, 'events'),
      periodMinutes: whole(1, 7 * DAY_MINUTES, 'minutes').default(60),
    }),
    /** A vendor budget (`<account>:<bucket>` as /api/limits lists them) at or above `percent` for `minutes`. */
    z.strictObject({
      type: z.literal('budget_used'),
      budget: scope,
      percent: z.number({ error: 'a percentage' }).gt(0, 'more than 0').max(100, 'at most 100'),
      minutes: whole(0, DAY_MINUTES, 'minutes').default(0),
    }),
    /** A destination's oldest waiting (received or retrying) event is older than `minutes`. */
    z.strictObject({
      type: z.literal('waiting_age'),
      destinationId: scope,
      minutes: whole(1, 30 * DAY_MINUTES, 'minutes'),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'type must be one of run_failed, pipeline_stale, failed_events, budget_used, waiting_age'
        : undefined,
  },
);
export type AlertCondition = z.output<typeof conditionSchema>;
export type ConditionType = AlertCondition['type'];

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);
/** 127.0.0.0/8, ::1 or a localhost name: a service on this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(bare)) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

/** https anywhere; plain http only to this machine (a local relay), so alert bodies never cross a network in clear. */
export const webhookUrl = z
  .string()
  .trim()
  .min(1, 'required')
  .max(2000, 'at most 2000 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.username || url.password) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an https:// URL (or http:// to this machine: localhost, 127.0.0.1, [::1]), without user:password');

const email = z.email('must be an e-mail address');
const hostName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(255)
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'must be a host name or an IP address');

/** The e-mail channel as the API shows it and as it is stored: everything but the password. */
const emailSettings = z.strictObject({
  host: hostName,
  port: z.number({ error: 'a port number' }).int().min(1).max(65535).optional(),
  /** TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().trim().max(255).nullable().default(null),
  from: email,
  to: z.array(email).min(1, 'at least one recipient').max(20, 'at most 20 recipients'),
});
export type EmailSettings = z.output<typeof emailSettings>;

/**
 * The password as sent: a new value replaces the stored one; absent, '' or the mask (what the API shows)
 * keeps it; null removes it.
 */
const password = z.string().max(1000).nullable().optional();
export const emailInput = emailSettings.extend({ password });

export const channelsInput = z.strictObject({
  webhook: z.strictObject({ url: webhookUrl }).nullable().default(null),
  email: emailInput.nullable().default(null),
});
export type ChannelsInput = z.output<typeof channelsInput>;

export interface StoredChannels {
  /** In `channels_json` the URL is masked (`https://host/••••••`); the store puts the sealed one back to send. */
  webhook: { url: string } | null;
  email: EmailSettings | null;
}
export interface ChannelSecrets {
  emailPassword?: string | undefined;
  /** The webhook's whole URL (Slack's and Teams' carry their token in the path). */
  webhookUrl?: string | undefined;
}

const name = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');
export const ruleInput = z.strictObject({
  name,
  enabled: z.boolean().default(true),
  condition: conditionSchema,
  channels: channelsInput.default({ webhook: null, email: null }),
});
export const rulePatch = z.strictObject({
  name: name.optional(),
  enabled: z.boolean().optional(),
  condition: conditionSchema.optional(),
  channels: channelsInput.optional(),
});
export type RuleInput = z.output<typeof ruleInput>;
export type RulePatch = z.output<typeof rulePatch>;

export const historyQuery = z.strictObject({
  ruleId: z.string().min(1).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type NotificationKind = 'firing' | 'resolved' | 'test';
export type HistoryStatus = 'pending' | 'sent' | 'partial' | 'failed' | 'none';
export type ChannelName = 'webhook' | 'email';

/** What one channel did with one notification. */
export interface DeliveryOutcome {
  channel: ChannelName;
  /** Where it went, for people: the webhook's host, the e-mail's recipients (never a secret). */
  target: string;
  ok: boolean;
  attempts: number;
  error?: string | undefined;
  at: number;
}

// Tables (migration 0010), kept beside the code that owns them; the store reaches them through withTables.
export interface AlertRulesTable {
  id: string;
  name: string;
  enabled: number;
  condition_json: string;
  channels_json: string;
  secrets_enc: string | null;
  created_at: string;
  updated_at: string;
}
export interface AlertStatesTable {
  rule_id: string;
  subject: string;
  label: string;
  pending_since: number;
  firing_since: number | null;
  summary: string;
  details_json: string;
  updated_at: number;
}
export interface AlertHistoryTable {
  id: Generated<number>;
  rule_id: string;
  rule_name: string;
  kind: NotificationKind;
  subject: string | null;
  label: string | null;
  summary: string;
  message_json: string;
  status: HistoryStatus;
  deliveries_json: string;
  at: number;
}
// A type alias, not an interface: Kysely's withTables wants an index-signature-compatible record.
export type AlertTables = {
  alert_rules: AlertRulesTable;
  alert_states: AlertStatesTable;
  alert_history: AlertHistoryTable;
};
