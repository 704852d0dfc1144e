import type {
  AccountRow,
  ActivityRow,
  CompanyRow,
  CustomerStore,
  CustomerWrite,
  CustomFieldRow,
  SurveyResponseRow,
  UsageRow,
} from '@synchub/core';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { type Db, isPostgres, sqliteOf } from '../db/index.js';
import { createPostgresCustomerStore } from '../db/postgres/customer-store.js';
import type {
  AccountsTable,
  ActivitiesTable,
  CsCompaniesTable,
  SurveyResponsesTable,
  UsageMetricsTable,
} from '../db/schema.js';

/**
 * The customer store on the hub's SQLite database (FlowHost.customers). Writes run as prepared
 * statements inside one synchronous transaction per page, together with the pipeline's cursor, so a
 * crash leaves either the whole page and its cursor or neither; every table upserts on its natural key.
 */
export function createCustomerStore(db: Db): CustomerStore {
  if (isPostgres(db)) return createPostgresCustomerStore(db);
  const sqlite = sqliteOf(db);
  let statements: Statements | undefined;
  // Prepared on first use: the tables exist only once migrations ran.
  const s = () => {
    statements ??= createStatements(sqlite);
    return statements;
  };
  const apply = (writes: readonly CustomerWrite[]) => {
    const st = s();
    for (const w of writes) applyWrite(st, w);
  };
  return {
    async page(pipelineId, cursor, writes) {
      sqlite.transaction(() => {
        apply(writes);
        s().cursor.run(cursor, pipelineId);
      })();
    },
    async write(writes) {
      sqlite.transaction(() => apply(writes))();
    },
    async findAccounts({ connectionId, by, values }) {
      const found = new Map<string, string>();
      const st = s();
      const statement = by === 'id' ? st.accountById : by === 'key' ? st.accountByKey : st.accountByField(by.field);
      for (const value of new Set(values)) {
        const row = statement.get(connectionId, value) as { id: string } | undefined;
        if (row) found.set(value, row.id);
      }
      return found;
    },
    async linkedAccounts({ connectionId, accountConnectionId, companyIds }) {
      const found = new Map<string, string>();
      const { linked } = s();
      for (const id of new Set(companyIds)) {
        const row = linked.get(accountConnectionId, connectionId, id) as { id: string } | undefined;
        if (row) found.set(id, row.id);
      }
      return found;
    },
    async usageTotals(pipelineId) {
      const row = s().usageTotals.get(pipelineId) as { metrics: number; accounts: number };
      return { metrics: Number(row.metrics), accounts: Number(row.accounts) };
    },
    async customFields(connectionId) {
      const rows = s().customFields.all(connectionId) as Array<{
        connection_id: string;
        object: string;
        field: string;
        label: string | null;
        type: string | null;
        registered_at: number;
      }>;
      return rows.map(
        (r): CustomFieldRow => ({
          connectionId: r.connection_id,
          object: r.object,
          field: r.field,
          label: r.label,
          type: r.type,
          registeredAt: r.registered_at,
        }),
      );
    },
  };
}

type Statements = ReturnType<typeof createStatements>;

function applyWrite(s: Statements, w: CustomerWrite): void {
  switch (w.type) {
    case 'accounts':
      for (const row of w.rows) s.account(accountColumns(row));
      return;
    case 'companies':
      for (const row of w.rows) s.company(companyColumns(row));
      return;
    case 'activities':
      for (const row of w.rows) s.activity(activityColumns(row));
      return;
    case 'survey_responses':
      for (const row of w.rows) s.survey(surveyColumns(row));
      return;
    case 'usage':
      if (w.mode === 'add') {
        const add = s.usageAdd(w.secondaryFields);
        for (const row of w.rows) add.run(usageColumns(row));
      } else {
        for (const row of w.rows) s.usage(usageColumns(row));
      }
      return;
    case 'usage_clear':
      s.clearUsage.run(w.pipelineId);
      return;
    case 'activity_category': {
      const category = w.category.trim().toLowerCase();
      s.remapCategory.run(w.activityType, w.connectionId, category, w.activityType);
      return;
    }
    case 'custom_fields':
      for (const f of w.rows) s.customField.run(f.connectionId, f.object, f.field, f.label, f.type, f.registeredAt);
      return;
    default: {
      const unknown: never = w;
      throw new Error(`Unknown customer store write ${(unknown as { type: string }).type}`);
    }
  }
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export const accountColumns = (a: AccountRow): AccountsTable => ({
  connection_id: a.connectionId,
  id: a.id,
  name: a.name,
  domain: a.domain,
  parent_id: a.parentId,
  arr: a.arr,
  renewal_date: a.renewalDate,
  owner_id: a.ownerId,
  gsid: a.key,
  system_modstamp: a.modifiedStamp,
  raw_json: JSON.stringify(a.raw),
  synced_at: a.syncedAt,
});

export const companyColumns = (c: CompanyRow): CsCompaniesTable => ({
  connection_id: c.connectionId,
  gsid: c.id,
  account_id: c.accountId,
  name: c.name,
  matched_by: c.matchedBy,
  fields_json: JSON.stringify(c.fields),
  synced_at: c.syncedAt,
});

export const activityColumns = (a: ActivityRow): ActivitiesTable => ({
  connection_id: a.connectionId,
  gsid: a.id,
  account_id: a.accountId,
  company_gsid: a.companyId,
  type: a.type,
  category: a.category,
  subject: a.subject,
  notes: a.notes,
  activity_date: a.activityDate,
  author_id: a.authorId,
  modified_at: a.modifiedAt,
  synced_at: a.syncedAt,
});

export const surveyColumns = (r: SurveyResponseRow): SurveyResponsesTable => ({
  connection_id: r.connectionId,
  object: r.object,
  response_id: r.responseId,
  account_id: r.accountId,
  company_gsid: r.companyId,
  survey_type: r.surveyType,
  survey_id: r.surveyId,
  score: r.score,
  nps_group: r.npsGroup,
  text: r.text,
  email: r.email,
  responded_at: r.respondedAt,
  fields_json: json(r.fields),
  synced_at: r.syncedAt,
});

export const usageColumns = (u: UsageRow): UsageMetricsTable => ({
  pipeline_id: u.pipelineId,
  connection_id: u.connectionId,
  account_id: u.accountId,
  product: u.product,
  metric: u.metric,
  dimension: u.dimension,
  period: u.period,
  value: u.value,
  secondary_json: u.secondary && Object.keys(u.secondary).length > 0 ? JSON.stringify(u.secondary) : null,
  rows: u.rows,
  synced_at: u.syncedAt,
});

/** A JSON path to a top-level key, quoted (`$."Field__c"`); quotes and backslashes dropped from the name. */
const jsonPath = (field: string) => `'$."${field.replace(/["'\\]/g, '')}"'`;

function createStatements(sqlite: SqliteDatabase) {
  const upsert = <T extends object>(table: string, columns: (keyof T & string)[], key: (keyof T & string)[]) => {
    const set = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
    const statement = sqlite.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set.join(', ')}`,
    );
    return (row: T) => statement.run(row);
  };
  const cachedBy = <K>(make: (key: K) => Statement, keyOf: (key: K) => string) => {
    const cached = new Map<string, Statement>();
    return (key: K) => {
      const k = keyOf(key);
      let statement = cached.get(k);
      if (!statement) {
        statement = make(key);
        cached.set(k, statement);
      }
      return statement;
    };
  };
  return {
    account: upsert<AccountsTable>(
      'accounts',
      [
        'connection_id',
        'id',
        'name',
        'domain',
        'parent_id',
        'arr',
        'renewal_date',
        'owner_id',
        'gsid',
        'system_modstamp',
        'raw_json',
        'synced_at',
      ],
      ['connection_id', 'id'],
    ),
    company: upsert<CsCompaniesTable>(
      'cs_companies',
      ['connection_id', 'gsid', 'account_id', 'name', 'matched_by', 'fields_json', 'synced_at'],
      ['connection_id', 'gsid'],
    ),
    activity: upsert<ActivitiesTable>(
      'activities',
      [
        'connection_id',
        'gsid',
        'account_id',
        'company_gsid',
        'type',
        'category',
        'subject',
        'notes',
        'activity_date',
        'author_id',
        'modified_at',
        'synced_at',
      ],
      ['connection_id', 'gsid'],
    ),
    survey: upsert<SurveyResponsesTable>(
      'survey_responses',
      [
        'connection_id',
        'object',
        'response_id',
        'account_id',
        'company_gsid',
        'survey_type',
        'survey_id',
        'score',
        'nps_group',
        'text',
        'email',
        'responded_at',
        'fields_json',
        'synced_at',
      ],
      ['connection_id', 'object', 'response_id'],
    ),
    usage: upsert<UsageMetricsTable>(
      'usage_metrics',
      [
        'pipeline_id',
        'connection_id',
        'account_id',
        'product',
        'metric',
        'dimension',
        'period',
        'value',
        'secondary_json',
        'rows',
        'synced_at',
      ],
      ['pipeline_id', 'account_id', 'metric', 'dimension', 'period'],
    ),
    // Adds in SQL (no read back): value and rows, and each secondary field inside the JSON.
    usageAdd: cachedBy(
      (fields: readonly string[]) => {
        const sums = fields.map(
          (f) =>
            `${jsonPath(f)}, coalesce(json_extract(usage_metrics.secondary_json, ${jsonPath(f)}), 0) + coalesce(json_extract(excluded.secondary_json, ${jsonPath(f)}), 0)`,
        );
        const secondary =
          sums.length > 0
            ? `json_set(coalesce(usage_metrics.secondary_json, '{}'), ${sums.join(', ')})`
            : 'usage_metrics.secondary_json';
        return sqlite.prepare(
          `INSERT INTO usage_metrics (pipeline_id, connection_id, account_id, product, metric, dimension, period, value, secondary_json, rows, synced_at)
           VALUES (@pipeline_id, @connection_id, @account_id, @product, @metric, @dimension, @period, @value, @secondary_json, @rows, @synced_at)
           ON CONFLICT (pipeline_id, account_id, metric, dimension, period) DO UPDATE SET
             value = usage_metrics.value + excluded.value, rows = usage_metrics.rows + excluded.rows,
             secondary_json = ${secondary}, product = excluded.product, synced_at = excluded.synced_at`,
        );
      },
      (fields) => JSON.stringify(fields),
    ),
    clearUsage: sqlite.prepare('DELETE FROM usage_metrics WHERE pipeline_id = ?'),
    remapCategory: sqlite.prepare(
      `UPDATE activities SET type = ? WHERE connection_id = ? AND lower(category) = ? AND (type IS NULL OR type <> ?)`,
    ),
    customField: sqlite.prepare(
      `INSERT INTO custom_fields (connection_id, object, field, label, type, registered_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (connection_id, object, field) DO UPDATE SET label = excluded.label, type = excluded.type`,
    ),
    customFields: sqlite.prepare('SELECT * FROM custom_fields WHERE connection_id = ? ORDER BY object, field'),
    cursor: sqlite.prepare('UPDATE pipelines SET cursor = ? WHERE id = ?'),
    linked: sqlite.prepare(
      `SELECT a.id AS id FROM cs_companies c JOIN accounts a ON a.connection_id = ? AND a.id = c.account_id
       WHERE c.connection_id = ? AND c.gsid = ?`,
    ),
    accountById: sqlite.prepare('SELECT id FROM accounts WHERE connection_id = ? AND id = ?'),
    accountByKey: sqlite.prepare('SELECT id FROM accounts WHERE connection_id = ? AND gsid = ? ORDER BY id LIMIT 1'),
    accountByField: cachedBy(
      (field: string) =>
        sqlite.prepare(
          `SELECT id FROM accounts WHERE connection_id = ? AND json_extract(raw_json, ${jsonPath(field)}) = ? ORDER BY id LIMIT 1`,
        ),
      (field) => field,
    ),
    usageTotals: sqlite.prepare(
      'SELECT count(*) AS metrics, count(DISTINCT account_id) AS accounts FROM usage_metrics WHERE pipeline_id = ?',
    ),
  };
}
