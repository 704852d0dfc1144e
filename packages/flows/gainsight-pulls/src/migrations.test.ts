import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';

// The plugin's migrations on their own, over the layouts a hub can hand them (the hub runs them after
// its own); the upgrade through a whole hub is in upgrade.test.ts.

let db: Kysely<Record<string, Record<string, unknown>>>;
afterEach(() => db.destroy());

const open = () => {
  db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  return db;
};
const runAll = async () => {
  for (const m of Object.values(migrations)) await m.up(db);
};
const tables = async () => (await db.introspection.getTables()).map((t) => t.name).sort();
const company = (gsid: string, accountId: string) => ({
  connection_id: 'gs',
  gsid,
  account_id: accountId,
  name: `Company ${gsid}`,
  matched_by: 'gsid_field',
  fields_json: '{}',
  synced_at: 1,
});
async function companiesTable(name: string) {
  await db.schema
    .createTable(name)
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('gsid', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('matched_by', 'text', (c) => c.notNull())
    .addColumn('fields_json', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${name}_pk`, ['connection_id', 'gsid'])
    .execute();
}

describe('gainsight-pulls migrations', () => {
  it('a fresh database gets pull_common (the hub made cs_companies) and nothing else', async () => {
    open();
    await companiesTable('cs_companies');
    await runAll();
    expect(await tables()).toEqual(['cs_companies', 'pull_common']);
  });

  it('an old database keeps its pull_common rows and moves gainsight_companies into cs_companies', async () => {
    open();
    // What the hub's first 0004 made, then its 0009 (the neutral table, empty; one row already written).
    await companiesTable('gainsight_companies');
    await db
      .insertInto('gainsight_companies')
      .values([company('G1', 'A1'), company('G2', 'A2')])
      .execute();
    await sql`CREATE TABLE pull_common (connection_id text primary key, primary_connection_id text, gsid_field text not null, updated_at text not null)`.execute(
      db,
    );
    await db
      .insertInto('pull_common')
      .values({ connection_id: 'gs', primary_connection_id: 'sf', gsid_field: 'X__c', updated_at: 'then' })
      .execute();
    await companiesTable('cs_companies');
    await db
      .insertInto('cs_companies')
      .values({ ...company('G2', 'A9'), synced_at: 2 })
      .execute();

    await runAll();
    expect(await tables()).toEqual(['cs_companies', 'pull_common']);
    expect(await db.selectFrom('cs_companies').select(['gsid', 'account_id']).orderBy('gsid').execute()).toEqual([
      { gsid: 'G1', account_id: 'A1' },
      // A row the neutral table already had is newer: it stays.
      { gsid: 'G2', account_id: 'A9' },
    ]);
    expect(await db.selectFrom('pull_common').selectAll().execute()).toEqual([
      { connection_id: 'gs', primary_connection_id: 'sf', gsid_field: 'X__c', updated_at: 'then' },
    ]);
  });

  it('without the neutral table (a hub without its 0009), the old one is renamed', async () => {
    open();
    await companiesTable('gainsight_companies');
    await db.insertInto('gainsight_companies').values(company('G1', 'A1')).execute();
    await runAll();
    expect(await tables()).toEqual(['cs_companies', 'pull_common']);
    expect(await db.selectFrom('cs_companies').select('gsid').execute()).toEqual([{ gsid: 'G1' }]);
  });
});
