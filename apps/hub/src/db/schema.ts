import type { Generated } from 'kysely';

export interface ConnectionsTable {
  id: string;
  connector_id: string;
  name: string;
  settings_json: string;
  /** AES-256-GCM envelope of the secrets JSON (see crypto.ts); never plain text. */
  secrets_enc: string;
  last_check_json: string | null;
  created_at: string;
  updated_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  action: string;
  target: string | null;
  details_json: string | null;
}

export interface LimiterWindowsTable {
  key: string;
  window_start: number;
  window_ms: number;
  count: number;
}

export interface SourcesTable {
  id: string;
  name: string;
  /** SHA-256 of the write key; the key itself is shown once at creation. */
  write_key_hash: string;
  write_key_hint: string;
  destination_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DestinationsTable {
  id: string;
  name: string;
  kind: string;
  connection_id: string;
  settings_json: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export type EventState = 'received' | 'retrying' | 'delivered' | 'failed';

export interface EventsTable {
  id: Generated<number>;
  source_id: string;
  message_id: string;
  type: string;
  received_at: number;
  payload_json: string;
  state: EventState;
  attempts: number;
  next_attempt_at: number;
  destination_id: string | null;
  last_error_json: string | null;
  delivered_at: number | null;
  updated_at: number;
  /** Vendor calls that carried this event and got no answer (see migration 0008). */
  unanswered_sends: Generated<number>;
}

export interface PipelinesTable {
  id: string;
  kind: string;
  name: string;
  connection_id: string;
  settings_json: string;
  enabled: number;
  /** Cron expression (UTC). */
  schedule: string;
  /** Progress kept between runs (incremental pulls); only ever advanced after a page is stored. */
  cursor: string | null;
  next_run_at: number | null;
  created_at: string;
  updated_at: string;
}

export type RunStatus = 'running' | 'completed' | 'failed';

export interface RunsTable {
  id: Generated<number>;
  pipeline_id: string;
  status: RunStatus;
  trigger: string;
  started_at: number;
  finished_at: number | null;
  counts_json: string;
  details_json: string | null;
  cursor_before: string | null;
  cursor_after: string | null;
  error_json: string | null;
}

export type RunRecordStatus = 'written' | 'skipped' | 'failed';

/** One record's outcome in a run (generic syncs), kept with the run. */
export interface RunRecordsTable {
  run_id: number;
  seq: number;
  record_key: string | null;
  status: RunRecordStatus;
  reason: string | null;
  error_json: string | null;
}

export interface VendorCallsTable {
  /** Epoch ms of the minute's start. */
  minute: number;
  connector: string;
  /** HTTP status (e.g. "200", "429") or "network" when no answer came. */
  status: string;
  count: number;
}

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
  after_event_id: number;
  created_at: string;
}

export type TriggerDeliveryState = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface TriggerDeliveriesTable {
  id: Generated<number>;
  trigger_id: string;
  origin: 'webhook' | 'event' | 'test';
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

/** Canonical accounts from the primary CRM (Salesforce), one row per connection and Account Id. */
export interface AccountsTable {
  connection_id: string;
  id: string;
  name: string | null;
  domain: string | null;
  parent_id: string | null;
  arr: number | null;
  /** YYYY-MM-DD. */
  renewal_date: string | null;
  owner_id: string | null;
  /** Value of the Account field that stores the Gainsight GSID (the accounts pipeline's GSID field). */
  gsid: string | null;
  system_modstamp: string | null;
  /** Every field read, including the GSID fields Gainsight pulls match on. */
  raw_json: string;
  synced_at: number;
}

/** Gainsight company attributes on an account; also the link GsCompanyId → account. */
export interface GainsightCompaniesTable {
  connection_id: string;
  gsid: string;
  account_id: string;
  name: string | null;
  /** How the company was matched: sfdc_account_id or gsid_field. */
  matched_by: string;
  fields_json: string;
  synced_at: number;
}

export interface ActivitiesTable {
  connection_id: string;
  gsid: string;
  account_id: string;
  company_gsid: string | null;
  /** Mapped activity type (EMAIL, MEETING, TYPE_MANUAL); null while its category is unmapped. */
  type: string | null;
  category: string | null;
  subject: string | null;
  notes: string | null;
  activity_date: string | null;
  author_id: string | null;
  modified_at: string | null;
  synced_at: number;
}

export interface SurveyResponsesTable {
  connection_id: string;
  object: string;
  response_id: string;
  account_id: string;
  company_gsid: string | null;
  survey_type: string | null;
  survey_id: string | null;
  score: number | null;
  nps_group: string | null;
  text: string | null;
  email: string | null;
  responded_at: string | null;
  /** Values of registered custom fields. */
  fields_json: string | null;
  synced_at: number;
}

export interface UsageMetricsTable {
  pipeline_id: string;
  connection_id: string;
  account_id: string;
  product: string;
  metric: string;
  /** '' when the pipeline has no dimension key. */
  dimension: string;
  /** YYYY-MM-DD of the period field, '' when none. */
  period: string;
  value: number;
  /** Extra value fields summed alongside, `{ field: value }`. */
  secondary_json: string | null;
  rows: number;
  synced_at: number;
}

export interface CustomFieldsTable {
  connection_id: string;
  object: string;
  field: string;
  label: string | null;
  type: string | null;
  registered_at: number;
}

export interface PullCommonTable {
  /** The Gainsight connection. */
  connection_id: string;
  primary_connection_id: string | null;
  gsid_field: string;
  updated_at: string;
}

export interface Database {
  accounts: AccountsTable;
  gainsight_companies: GainsightCompaniesTable;
  activities: ActivitiesTable;
  survey_responses: SurveyResponsesTable;
  usage_metrics: UsageMetricsTable;
  custom_fields: CustomFieldsTable;
  pull_common: PullCommonTable;
  workflow_triggers: WorkflowTriggersTable;
  trigger_rules: TriggerRulesTable;
  trigger_deliveries: TriggerDeliveriesTable;
  vendor_calls: VendorCallsTable;
  pipelines: PipelinesTable;
  runs: RunsTable;
  run_records: RunRecordsTable;
  sources: SourcesTable;
  destinations: DestinationsTable;
  events: EventsTable;
  connections: ConnectionsTable;
  meta: MetaTable;
  audit_log: AuditLogTable;
  limiter_windows: LimiterWindowsTable;
}
