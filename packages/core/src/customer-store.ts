/**
 * The customer store: the accounts the primary CRM owns, and what customer-success flows add to them
 * (the CS platform's company records linked to accounts, activities, survey responses, usage, custom
 * fields). Part of the host API (`FlowHost.customers`); the hub implements it on SQLite (and PostgreSQL
 * later). Every table upserts on its natural key, so writing a page again changes nothing.
 *
 * Rows name no vendor: `key` of an account is the value of the CRM field that links it to a CS
 * platform's companies (a Gainsight GSID, say); a company's `id` is the CS platform's own id for it.
 */
export interface CustomerStore {
  /**
   * Apply `writes` and save the pipeline's cursor in one transaction, so a crash leaves either the
   * whole page and its cursor or neither. The run still calls `commit(cursor)` after (its counts).
   */
  page(pipelineId: string, cursor: string | null, writes: readonly CustomerWrite[]): Promise<void>;
  /** Writes outside a page (category re-mapping, custom field registration…), in one transaction. */
  write(writes: readonly CustomerWrite[]): Promise<void>;
  /**
   * Accounts of the CRM connection `connectionId` found by `by` for each of `values`: value → account
   * id (the lowest id when several match; values nothing matches are absent).
   *  - `id`: the account's id;
   *  - `key`: the account's `key` (kept in an indexed column);
   *  - `{ field }`: the value of that field in the account's `raw` record (slower: not indexed).
   */
  findAccounts(query: {
    connectionId: string;
    by: 'id' | 'key' | { field: string };
    values: readonly string[];
  }): Promise<Map<string, string>>;
  /**
   * The accounts companies are linked to: company id → account id, for companies of the CS connection
   * `connectionId` linked to an account (still) stored for the CRM connection `accountConnectionId`.
   */
  linkedAccounts(query: {
    connectionId: string;
    accountConnectionId: string;
    companyIds: readonly string[];
  }): Promise<Map<string, string>>;
  /** What a usage pipeline has stored: metric rows and distinct accounts. */
  usageTotals(pipelineId: string): Promise<{ metrics: number; accounts: number }>;
  /** Custom fields registered for a connection, by object then field. */
  customFields(connectionId: string): Promise<CustomFieldRow[]>;
}

/** An account of the primary CRM. */
export interface AccountRow {
  /** The CRM connection. */
  connectionId: string;
  id: string;
  name: string | null;
  /** Host name without `www.`. */
  domain: string | null;
  parentId: string | null;
  arr: number | null;
  /** YYYY-MM-DD. */
  renewalDate: string | null;
  ownerId: string | null;
  /** Value of the account field that links it to a CS platform's companies (indexed for matching). */
  key: string | null;
  /** The CRM's change stamp of the record, as it gave it. */
  modifiedStamp: string | null;
  /** Every field read (matching can read other link fields from it). */
  raw: Record<string, unknown>;
  syncedAt: number;
}

/** A CS platform's company record, linked to the account it matched. */
export interface CompanyRow {
  /** The CS platform connection. */
  connectionId: string;
  /** The CS platform's id of the company. */
  id: string;
  accountId: string;
  name: string | null;
  /** How it was matched to the account (e.g. `sfdc_account_id`, `gsid_field`). */
  matchedBy: string;
  /** The company fields kept, as read. */
  fields: Record<string, unknown>;
  syncedAt: number;
}

export interface ActivityRow {
  connectionId: string;
  /** The CS platform's id of the activity. */
  id: string;
  accountId: string;
  /** The CS platform's id of the company it was logged on. */
  companyId: string | null;
  /** Mapped activity type (e.g. EMAIL, MEETING, TYPE_MANUAL); null while its category is unmapped. */
  type: string | null;
  category: string | null;
  subject: string | null;
  notes: string | null;
  activityDate: string | null;
  authorId: string | null;
  modifiedAt: string | null;
  syncedAt: number;
}

export interface SurveyResponseRow {
  connectionId: string;
  /** The object (table) the response was read from. */
  object: string;
  responseId: string;
  accountId: string;
  companyId: string | null;
  surveyType: string | null;
  surveyId: string | null;
  score: number | null;
  npsGroup: string | null;
  text: string | null;
  email: string | null;
  respondedAt: string | null;
  /** Values of registered custom fields. */
  fields: Record<string, unknown> | null;
  syncedAt: number;
}

/** One account × metric × dimension × period of a usage pipeline. */
export interface UsageRow {
  pipelineId: string;
  connectionId: string;
  accountId: string;
  product: string;
  metric: string;
  /** '' when there is no dimension. */
  dimension: string;
  /** YYYY-MM-DD, '' when none. */
  period: string;
  value: number;
  /** Extra values kept alongside, `{ field: value }`. */
  secondary: Record<string, number> | null;
  /** Source rows folded into this one. */
  rows: number;
  syncedAt: number;
}

export interface CustomFieldRow {
  connectionId: string;
  object: string;
  field: string;
  label: string | null;
  type: string | null;
  registeredAt: number;
}

/** What `page` and `write` apply, in order. */
export type CustomerWrite =
  | { type: 'accounts'; rows: readonly AccountRow[] }
  | { type: 'companies'; rows: readonly CompanyRow[] }
  | { type: 'activities'; rows: readonly ActivityRow[] }
  | { type: 'survey_responses'; rows: readonly SurveyResponseRow[] }
  /**
   * `set`: each row replaces the stored one. `add`: each row adds to the stored one (value, rows, and
   * each of `secondaryFields` inside `secondary`), in the store, with no read back.
   */
  | { type: 'usage'; mode: 'set'; rows: readonly UsageRow[] }
  | { type: 'usage'; mode: 'add'; secondaryFields: readonly string[]; rows: readonly UsageRow[] }
  /** Forget what a usage pipeline stored (a read from the beginning rebuilds its totals). */
  | { type: 'usage_clear'; pipelineId: string }
  /** Activities of `connectionId` whose category is `category` (case-insensitive) get `activityType`. */
  | { type: 'activity_category'; connectionId: string; category: string; activityType: string }
  | { type: 'custom_fields'; rows: readonly CustomFieldRow[] };
