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

/** Requests ingest refused, per source (`''`: no source), error code and reason (migration 0014). */
export interface IngestRefusalsTable {
  source_id: string;
  code: string;
  reason: string;
  count: number;
  first_at: number;
  last_at: number;
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

export type AttemptOutcome = 'delivered' | 'retry' | 'failed';

/** One delivery attempt of an event (see migration 0013); the newest few per event are kept. */
export interface EventAttemptsTable {
  id: Generated<number>;
  event_id: number;
  /** 1 for the first try; a replay starts again at 1. */
  attempt: number;
  at: number;
  outcome: AttemptOutcome;
  destination_id: string | null;
  error_json: string | null;
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

/** `interrupted`: the process running it stopped (crash, kill, lost heartbeat); the pipeline is retried. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

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
  /** `<pipelineId>@<next_run_at>` of the scheduled occurrence it ran (unique); null for other runs. */
  run_key: string | null;
  /** The process running it (see pipelines/runner.ts `processId`). */
  owner: string | null;
  /** When its process last said it is alive: the database's clock on PostgreSQL, the hub's on SQLite. */
  heartbeat_at: number | null;
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

/** Canonical accounts from the primary CRM, one row per connection and account id. */
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
  /** The account's link key (CustomerStore AccountRow.key): the value of the field holding its CS company id. */
  gsid: string | null;
  system_modstamp: string | null;
  /** Every field read, including the link fields customer-success pulls match on. */
  raw_json: string;
  synced_at: number;
}

/** A CS platform's company record on an account (CustomerStore CompanyRow); also the link company → account. */
export interface CsCompaniesTable {
  connection_id: string;
  /** The CS platform's company id. */
  gsid: string;
  account_id: string;
  name: string | null;
  /** How the company was matched (e.g. by the CRM id it carries, or by the account's link field). */
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

/** Flows' key/value state (KeyValueState): per pipeline (`pipeline:<id>`) and per plugin (`plugin:<id>`). */
export interface PluginStateTable {
  scope: string;
  key: string;
  value_json: string;
  updated_at: number;
}

/** Who does a named piece of work on a shared PostgreSQL, until when (db/postgres/leases.ts). */
export interface LeasesTable {
  name: string;
  owner: string;
  /** Grows on every takeover: writes fenced by an older epoch are refused. */
  epoch: number;
  /** Milliseconds since 1970 on the database's clock. */
  expires_at: number;
}

export interface Database {
  leases: LeasesTable;
  ingest_refusals: IngestRefusalsTable;
  plugin_state: PluginStateTable;
  accounts: AccountsTable;
  cs_companies: CsCompaniesTable;
  activities: ActivitiesTable;
  survey_responses: SurveyResponsesTable;
  usage_metrics: UsageMetricsTable;
  custom_fields: CustomFieldsTable;
  vendor_calls: VendorCallsTable;
  pipelines: PipelinesTable;
  runs: RunsTable;
  run_records: RunRecordsTable;
  sources: SourcesTable;
  destinations: DestinationsTable;
  events: EventsTable;
  event_attempts: EventAttemptsTable;
  connections: ConnectionsTable;
  meta: MetaTable;
  audit_log: AuditLogTable;
  limiter_windows: LimiterWindowsTable;
}
