import type { Kysely, Migration } from 'kysely';

/**
 * The customer store (CustomerStore in @synchub/core): canonical accounts from the primary CRM, and what
 * customer-success pulls add on top of them. Every table has a natural unique key so a re-run upserts.
 * Edited after release: databases that ran the first version have the company table under its old name
 * (and a `pull_common` table); the flow plugin that owns those moves and keeps them (its migrations).
 */
export const customerStore: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('domain', 'text')
      .addColumn('parent_id', 'text')
      .addColumn('arr', 'real')
      .addColumn('renewal_date', 'text')
      .addColumn('owner_id', 'text')
      .addColumn('gsid', 'text')
      .addColumn('system_modstamp', 'text')
      .addColumn('raw_json', 'text', (c) => c.notNull())
      .addColumn('synced_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('accounts_pk', ['connection_id', 'id'])
      .execute();
    await db.schema.createIndex('accounts_gsid').on('accounts').columns(['connection_id', 'gsid']).execute();
    await db.schema.createIndex('accounts_id').on('accounts').column('id').execute();

    await createCsCompanies(db);

    await db.schema
      .createTable('activities')
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('gsid', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('company_gsid', 'text')
      .addColumn('type', 'text')
      .addColumn('category', 'text')
      .addColumn('subject', 'text')
      .addColumn('notes', 'text')
      .addColumn('activity_date', 'text')
      .addColumn('author_id', 'text')
      .addColumn('modified_at', 'text')
      .addColumn('synced_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('activities_pk', ['connection_id', 'gsid'])
      .execute();
    await db.schema
      .createIndex('activities_account')
      .on('activities')
      .columns(['account_id', 'activity_date'])
      .execute();
    await db.schema
      .createIndex('activities_category')
      .on('activities')
      .columns(['connection_id', 'category'])
      .execute();

    await db.schema
      .createTable('survey_responses')
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('response_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('company_gsid', 'text')
      .addColumn('survey_type', 'text')
      .addColumn('survey_id', 'text')
      .addColumn('score', 'real')
      .addColumn('nps_group', 'text')
      .addColumn('text', 'text')
      .addColumn('email', 'text')
      .addColumn('responded_at', 'text')
      .addColumn('fields_json', 'text')
      .addColumn('synced_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('survey_responses_pk', ['connection_id', 'object', 'response_id'])
      .execute();
    await db.schema
      .createIndex('survey_responses_account')
      .on('survey_responses')
      .columns(['account_id', 'responded_at'])
      .execute();

    // One row per account × metric × dimension × period of a usage pipeline; aggregation adds into it.
    await db.schema
      .createTable('usage_metrics')
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('dimension', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('value', 'real', (c) => c.notNull())
      .addColumn('secondary_json', 'text')
      .addColumn('rows', 'integer', (c) => c.notNull())
      .addColumn('synced_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('usage_metrics_pk', ['pipeline_id', 'account_id', 'metric', 'dimension', 'period'])
      .execute();
    await db.schema
      .createIndex('usage_metrics_account')
      .on('usage_metrics')
      .columns(['account_id', 'product'])
      .execute();

    await db.schema
      .createTable('custom_fields')
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('label', 'text')
      .addColumn('type', 'text')
      .addColumn('registered_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('custom_fields_pk', ['connection_id', 'object', 'field'])
      .execute();
  },
};

/** The CS platforms' company records, linked to accounts (0009 creates it on databases from before). */
export async function createCsCompanies(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cs_companies')
    .ifNotExists()
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('gsid', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('matched_by', 'text', (c) => c.notNull())
    .addColumn('fields_json', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('cs_companies_pk', ['connection_id', 'gsid'])
    .execute();
  await db.schema
    .createIndex('cs_companies_account')
    .ifNotExists()
    .on('cs_companies')
    .columns(['account_id', 'connection_id'])
    .execute();
}
