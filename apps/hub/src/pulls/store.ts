import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { type Db, sqliteOf } from '../db/index.js';
import type {
  AccountsTable,
  ActivitiesTable,
  GainsightCompaniesTable,
  SurveyResponsesTable,
  UsageMetricsTable,
} from '../db/schema.js';
import type { RunContext } from '../pipelines/kind.js';

/**
 * The pulls' writes: prepared statements run inside one synchronous transaction per page, together
 * with the pipeline's cursor, so a crash leaves either the whole page and its cursor or neither.
 * Every table upserts on its natural key, so reading a page again changes nothing.
 */
function createStatements(sqlite: SqliteDatabase) {
  const upsert = <T extends object>(table: string, columns: (keyof T & string)[], key: (keyof T & string)[]) => {
    const set = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
    const statement = sqlite.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set.join(', ')}`,
    );
    return (row: T) => statement.run(row);
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
    company: upsert<GainsightCompaniesTable>(
      'gainsight_companies',
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
    usageAdd: (() => {
      // Aggregation adds in SQL (no read back): value and rows, and each secondary field inside the JSON.
      const cached = new Map<string, Statement>();
      return (extraFields: string[]) => {
        const key = JSON.stringify(extraFields);
        let statement = cached.get(key);
        if (!statement) {
          const path = (f: string) => `'$."${f.replace(/["'\\]/g, '')}"'`;
          const sums = extraFields.map(
            (f) =>
              `${path(f)}, coalesce(json_extract(usage_metrics.secondary_json, ${path(f)}), 0) + coalesce(json_extract(excluded.secondary_json, ${path(f)}), 0)`,
          );
          const secondary =
            sums.length > 0
              ? `json_set(coalesce(usage_metrics.secondary_json, '{}'), ${sums.join(', ')})`
              : 'usage_metrics.secondary_json';
          statement = sqlite.prepare(
            `INSERT INTO usage_metrics (pipeline_id, connection_id, account_id, product, metric, dimension, period, value, secondary_json, rows, synced_at)
             VALUES (@pipeline_id, @connection_id, @account_id, @product, @metric, @dimension, @period, @value, @secondary_json, @rows, @synced_at)
             ON CONFLICT (pipeline_id, account_id, metric, dimension, period) DO UPDATE SET
               value = usage_metrics.value + excluded.value, rows = usage_metrics.rows + excluded.rows,
               secondary_json = ${secondary}, product = excluded.product, synced_at = excluded.synced_at`,
          );
          cached.set(key, statement);
        }
        return statement;
      };
    })(),
    clearUsage: sqlite.prepare('DELETE FROM usage_metrics WHERE pipeline_id = ?'),
    remapCategory: sqlite.prepare(
      `UPDATE activities SET type = ? WHERE connection_id = ? AND lower(category) = ? AND (type IS NULL OR type <> ?)`,
    ),
    unmapCategories: sqlite.prepare(`UPDATE activities SET type = NULL WHERE connection_id = ? AND type IS NOT NULL`),
    customField: sqlite.prepare(
      `INSERT INTO custom_fields (connection_id, object, field, label, type, registered_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (connection_id, object, field) DO UPDATE SET label = excluded.label, type = excluded.type`,
    ),
    cursor: sqlite.prepare('UPDATE pipelines SET cursor = ? WHERE id = ?'),
  };
}

export type PullStatements = ReturnType<typeof createStatements>;

const cache = new WeakMap<Db, { sqlite: SqliteDatabase; statements: PullStatements }>();

export function pullStore(db: Db) {
  let entry = cache.get(db);
  if (!entry) {
    const sqlite = sqliteOf(db);
    entry = { sqlite, statements: createStatements(sqlite) };
    cache.set(db, entry);
  }
  const { sqlite, statements } = entry;
  return {
    statements,
    /**
     * Run `write` and save the cursor in one transaction, then tell the runner (counts, run row). A dry
     * run (preview) stores nothing and moves no cursor.
     */
    async page(run: RunContext<unknown>, cursor: string | null, write: (s: PullStatements) => void): Promise<void> {
      if (run.dryRun) return;
      sqlite.transaction(() => {
        write(statements);
        statements.cursor.run(cursor, run.pipelineId);
      })();
      await run.commit(cursor);
    },
    /** Writes outside a page (category re-mapping, custom field registration), in one transaction. */
    write(fn: (s: PullStatements) => void): void {
      sqlite.transaction(() => fn(statements))();
    },
  };
}

/** A value as text for a column (numbers and booleans as written, objects as JSON), null when empty. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** ISO date-time or epoch ms → ISO string; date-only strings stay as they are. */
export function isoDate(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^-?\d{10,}$/.test(value.trim())) return new Date(Number(value.trim())).toISOString();
  return value;
}

/** A record's value at a field path (`Owner.Name`, `Csm__gr.Email`), exact key first. */
export function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (path in record) return record[path];
  const parts = path.split(path.includes('__gr.') ? '__gr.' : '.');
  if (parts.length === 1) return undefined;
  let at: unknown = record;
  for (const part of parts) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
