import type { Generated, Kysely } from 'kysely';

/** The plugin's own tables (created by `migrations.ts`); the hub hands the service a Kysely handle for them. */

export interface WorkflowTriggersTable {
  id: string;
  name: string;
  connection_id: string;
  trigger_url: string | null;
  username: string | null;
  /** SHA-256 of the webhook secret; the secret itself is shown once. */
  secret_hash: string;
  secret_hint: string;
  template_json: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface TriggerRulesTable {
  id: string;
  trigger_id: string;
  source_id: string | null;
  event_type: string;
  event_name: string;
  enabled: number;
  /** Events with ids up to this one were stored before the rule existed: it never fires for them. */
  after_event_id: number;
  created_at: string;
}

export type TriggerDeliveryState = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface TriggerDeliveriesTable {
  id: Generated<number>;
  trigger_id: string;
  origin: 'webhook' | 'event' | 'test';
  /** What caused it: the hub event id for origin 'event' (one delivery per trigger and event). */
  origin_ref: string | null;
  payload_json: string;
  state: TriggerDeliveryState;
  status_code: number | null;
  event_id: string | null;
  request_id: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error_json: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export interface QualtricsTables {
  workflow_triggers: WorkflowTriggersTable;
  trigger_rules: TriggerRulesTable;
  trigger_deliveries: TriggerDeliveriesTable;
}

export type QualtricsDb = Kysely<QualtricsTables>;
