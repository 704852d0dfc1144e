import type { Kysely } from 'kysely';

/** The plugin's own tables (its migrations create them; the host hands a Kysely instance over them). */
export interface PullCommonTable {
  /** The Gainsight connection. */
  connection_id: string;
  /** The primary CRM's connection; null: the only Salesforce connection, if there is one. */
  primary_connection_id: string | null;
  /** The Salesforce Account field holding each account's Gainsight GSID. */
  gsid_field: string;
  updated_at: string;
}

export interface PullsDatabase {
  pull_common: PullCommonTable;
}

export type PullsDb = Kysely<PullsDatabase>;

/** The host's handle on the plugin's tables (FlowHost.database), typed. */
export function pullsDb(database: unknown): PullsDb {
  if (!database) throw new Error('The hub gave the Gainsight pulls no database for their tables');
  return database as PullsDb;
}
