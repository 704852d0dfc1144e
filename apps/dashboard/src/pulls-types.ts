// Shapes of the hub's pipelines, runs, Gainsight pulls and accounts API, as the dashboard reads them.
import type { JsonSchema } from './types.js';

export type RunStatus = 'running' | 'completed' | 'failed';

export interface RunCounts {
  read: number;
  written: number;
  skipped: number;
  failed: number;
  /** Why records were skipped or failed, e.g. `{ "no account with GsCompanyId": 12 }`. */
  reasons: Record<string, number>;
}

export interface RunError {
  code: string;
  message: string;
  vendorCode?: string;
  status?: number;
  body?: unknown;
}

export interface Run {
  id: number;
  /** The run's number within its pipeline (1 for its first run); absent from older hubs. */
  number?: number;
  pipelineId: string;
  status: RunStatus;
  trigger: string;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number | null;
  counts: RunCounts;
  details: Record<string, unknown> | null;
  error: RunError | null;
}

export interface Pipeline {
  id: string;
  kind: string;
  name: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  schedule: string;
  nextRunAt: number | null;
  createdAt: string;
  updatedAt: string;
  running: boolean;
  lastRun: Run | null;
}

export interface PipelineInput {
  kind: string;
  name: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  schedule: string;
}

export interface PipelineKindInfo {
  kind: string;
  title: string;
  description: string;
  group: string;
  connectorId: string;
  defaultSchedule: string;
  settingsSchema: JsonSchema;
}

export interface RunAllAnswer {
  started: { pipelineId: string; runId?: number; error?: string }[];
}

/** Cross-object settings of one Gainsight connection's pulls. */
export interface PullsCommon {
  /** The chosen primary CRM; null: the only Salesforce connection, if there is exactly one. */
  primaryConnectionId: string | null;
  gsidField: string;
}

/** `GET /api/pulls/:id/common`: the settings, the primary CRM they resolve to, and whether pulls may run. */
export interface PullsCommonView {
  common: PullsCommon;
  primary: { connectionId: string; name: string; resolvedBy: 'setting' | 'only_salesforce' } | null;
  gate: { ok: boolean; reason: string | null };
}

export interface CategoryCount {
  category: string;
  count: number;
}

export interface DiscoveredField {
  name: string;
  label?: string;
  type: string;
}

export interface DiscoveredObject {
  name: string;
  label?: string;
  kind?: string;
  fields?: DiscoveredField[];
}

export interface AccountView {
  id: string;
  connectionId: string;
  name: string | null;
  domain: string | null;
  parentId: string | null;
  arr: number | null;
  renewalDate: string | null;
  ownerId: string | null;
  gsid: string | null;
  syncedAt: number;
}

export interface GainsightCompany {
  connectionId: string;
  gsid: string;
  name: string | null;
  matchedBy: string;
  fields: Record<string, unknown>;
  syncedAt: number;
}

export interface AccountRow extends AccountView {
  /** The CS platform's company record linked to the account (Gainsight). */
  company: GainsightCompany | null;
  counts: { activities: number; surveys: number; usage: number };
}

export interface Activity {
  gsid: string;
  /** Null: a category the map does not cover yet. */
  type: string | null;
  category: string | null;
  subject: string | null;
  activityDate: string | null;
}

export interface SurveyResponse {
  responseId: string;
  object: string;
  surveyType: string | null;
  score: number | null;
  npsGroup: string | null;
  text: string | null;
  respondedAt: string | null;
}

export interface UsageMetric {
  pipelineId: string;
  product: string;
  metric: string;
  dimension: string | null;
  period: string | null;
  value: number;
  secondary: Record<string, number> | null;
}

export interface AccountDetail {
  account: AccountView;
  companies: GainsightCompany[];
  activities: Activity[];
  surveyResponses: SurveyResponse[];
  usage: UsageMetric[];
}

/** One record of a preview (dry run): as read, and as it would be written (null: it would be skipped). */
export interface PreviewRecord {
  before: Record<string, unknown>;
  after: Record<string, unknown> | null;
  note?: string | undefined;
}

/** A vendor request a run would send, as the preview recorded it (secrets in headers masked as ••••). */
export interface PlannedRequest {
  connectionId: string;
  connectorId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** `POST /api/pipelines/preview` and `/api/pipelines/:id/preview`: nothing is written, no cursor moves. */
export interface Preview {
  kind: string;
  limit: number;
  records: PreviewRecord[];
  requests: PlannedRequest[];
  counts: RunCounts;
  error: { code: string; message: string } | null;
}

export type RecordStatus = 'written' | 'skipped' | 'failed';

/** One record's outcome in a run (`GET /api/runs/:id/records`). */
export interface RunRecord {
  key: string | null;
  status: RecordStatus;
  reason: string | null;
  /** The vendor's answer for a failed record. */
  error: { code?: string; message?: string; vendorCode?: string; body?: unknown } | null;
}
