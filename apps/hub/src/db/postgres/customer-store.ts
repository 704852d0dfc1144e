import type { CustomerStore, CustomerWrite, CustomFieldRow } from '@synchub/core';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import {
  accountColumns,
  activityColumns,
  companyColumns,
  surveyColumns,
  usageColumns,
} from '../../host/customer-store.js';
import type { Db } from '../index.js';
import type { Database, UsageMetricsTable } from '../schema.js';

type Trx = Transaction<Database> | Kysely<Database>;

/** Every column but the key takes the new row's value (SQLite's twin: `excluded.<column>` per column). */
function replaced<T extends object>(row: T, key: readonly string[]): Record<string, RawBuilder<unknown>> {
  const set: Record<string, RawBuilder<unknown>> = {};
  for (const column of Object.keys(row)) if (!key.includes(column)) set[column] = sql`excluded.${sql.ref(column)}`;
  return set;
}

/** A top-level JSON field of a text column as a number (0 when absent). */
const numberAt = (column: string, field: string) =>
  sql`coalesce((${sql.raw(column)}::jsonb ->> ${field})::double precision, 0)`;

/**
 * The customer store (host/customer-store.ts) on PostgreSQL: the same upserts on the natural keys, a page
 * and its cursor in one transaction. Rows of one page are written one statement each, in order, so a page
 * that names one row twice ends as on SQLite (the later one wins, or adds).
 */
export function createPostgresCustomerStore(db: Db): CustomerStore {
  async function applyWrite(trx: Trx, w: CustomerWrite): Promise<void> {
    switch (w.type) {
      case 'accounts':
        for (const row of w.rows) {
          const values = accountColumns(row);
          const key = ['connection_id', 'id'];
          await trx
            .insertInto('accounts')
            .values(values)
            .onConflict((oc) => oc.columns(['connection_id', 'id']).doUpdateSet(replaced(values, key)))
            .execute();
        }
        return;
      case 'companies':
        for (const row of w.rows) {
          const values = companyColumns(row);
          const key = ['connection_id', 'gsid'];
          await trx
            .insertInto('cs_companies')
            .values(values)
            .onConflict((oc) => oc.columns(['connection_id', 'gsid']).doUpdateSet(replaced(values, key)))
            .execute();
        }
        return;
      case 'activities':
        for (const row of w.rows) {
          const values = activityColumns(row);
          const key = ['connection_id', 'gsid'];
          await trx
            .insertInto('activities')
            .values(values)
            .onConflict((oc) => oc.columns(['connection_id', 'gsid']).doUpdateSet(replaced(values, key)))
            .execute();
        }
        return;
      case 'survey_responses':
        for (const row of w.rows) {
          const values = surveyColumns(row);
          const key = ['connection_id', 'object', 'response_id'];
          await trx
            .insertInto('survey_responses')
            .values(values)
            .onConflict((oc) =>
              oc.columns(['connection_id', 'object', 'response_id']).doUpdateSet(replaced(values, key)),
            )
            .execute();
        }
        return;
      case 'usage': {
        const key = ['pipeline_id', 'account_id', 'metric', 'dimension', 'period'] as const;
        for (const row of w.rows) {
          const values: UsageMetricsTable = usageColumns(row);
          if (w.mode === 'add') {
            const sums = w.secondaryFields.map(
              (f) =>
                sql`${f}::text, ${numberAt('usage_metrics.secondary_json', f)} + ${numberAt('excluded.secondary_json', f)}`,
            );
            const secondary =
              sums.length > 0
                ? sql<
                    string | null
                  >`(coalesce(usage_metrics.secondary_json, '{}')::jsonb || jsonb_build_object(${sql.join(sums)}))::text`
                : sql<string | null>`usage_metrics.secondary_json`;
            await trx
              .insertInto('usage_metrics')
              .values(values)
              .onConflict((oc) =>
                oc.columns([...key]).doUpdateSet({
                  value: sql`usage_metrics.value + excluded.value`,
                  rows: sql`usage_metrics.rows + excluded.rows`,
                  secondary_json: secondary,
                  product: sql`excluded.product`,
                  synced_at: sql`excluded.synced_at`,
                }),
              )
              .execute();
          } else {
            await trx
              .insertInto('usage_metrics')
              .values(values)
              .onConflict((oc) => oc.columns([...key]).doUpdateSet(replaced(values, key)))
              .execute();
          }
        }
        return;
      }
      case 'usage_clear':
        await trx.deleteFrom('usage_metrics').where('pipeline_id', '=', w.pipelineId).execute();
        return;
      case 'activity_category': {
        const category = w.category.trim().toLowerCase();
        await trx
          .updateTable('activities')
          .set({ type: w.activityType })
          .where('connection_id', '=', w.connectionId)
          .where(sql<boolean>`lower(category) = ${category}`)
          .where((eb) => eb.or([eb('type', 'is', null), eb('type', '<>', w.activityType)]))
          .execute();
        return;
      }
      case 'custom_fields':
        for (const f of w.rows) {
          await trx
            .insertInto('custom_fields')
            .values({
              connection_id: f.connectionId,
              object: f.object,
              field: f.field,
              label: f.label,
              type: f.type,
              registered_at: f.registeredAt,
            })
            .onConflict((oc) =>
              oc
                .columns(['connection_id', 'object', 'field'])
                .doUpdateSet({ label: sql`excluded.label`, type: sql`excluded.type` }),
            )
            .execute();
        }
        return;
      default: {
        const unknown: never = w;
        throw new Error(`Unknown customer store write ${(unknown as { type: string }).type}`);
      }
    }
  }

  return {
    async page(pipelineId, cursor, writes) {
      await db.transaction().execute(async (trx) => {
        for (const w of writes) await applyWrite(trx, w);
        await trx.updateTable('pipelines').set({ cursor }).where('id', '=', pipelineId).execute();
      });
    },
    async write(writes) {
      await db.transaction().execute(async (trx) => {
        for (const w of writes) await applyWrite(trx, w);
      });
    },
    async findAccounts({ connectionId, by, values }) {
      const found = new Map<string, string>();
      for (const value of new Set(values)) {
        let q = db.selectFrom('accounts').select('id').where('connection_id', '=', connectionId);
        if (by === 'id') q = q.where('id', '=', value);
        else if (by === 'key') q = q.where('gsid', '=', value);
        else q = q.where(sql<boolean>`(raw_json::jsonb ->> ${by.field}) = ${value}`);
        const row = await q.orderBy('id').limit(1).executeTakeFirst();
        if (row) found.set(value, row.id);
      }
      return found;
    },
    async linkedAccounts({ connectionId, accountConnectionId, companyIds }) {
      const found = new Map<string, string>();
      for (const id of new Set(companyIds)) {
        const row = await db
          .selectFrom('cs_companies as c')
          .innerJoin('accounts as a', (j) =>
            j.on('a.connection_id', '=', accountConnectionId).onRef('a.id', '=', 'c.account_id'),
          )
          .select('a.id as id')
          .where('c.connection_id', '=', connectionId)
          .where('c.gsid', '=', id)
          .executeTakeFirst();
        if (row) found.set(id, row.id);
      }
      return found;
    },
    async usageTotals(pipelineId) {
      const row = await db
        .selectFrom('usage_metrics')
        .select([
          (eb) => eb.fn.countAll<number>().as('metrics'),
          (eb) => eb.fn.count<number>('account_id').distinct().as('accounts'),
        ])
        .where('pipeline_id', '=', pipelineId)
        .executeTakeFirstOrThrow();
      return { metrics: Number(row.metrics), accounts: Number(row.accounts) };
    },
    async customFields(connectionId) {
      const rows = await db
        .selectFrom('custom_fields')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .orderBy('object')
        .orderBy('field')
        .execute();
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
