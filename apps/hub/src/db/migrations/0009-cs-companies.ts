import type { Kysely, Migration } from 'kysely';
import { createCsCompanies } from './0004-customer-store.js';

/**
 * The company table under its neutral name for databases whose 0004 created it under a vendor's name:
 * the customer store reads `cs_companies` whether or not the flow plugin that wrote the old table is
 * installed (that plugin's own migration moves the old rows here and drops the old table).
 */
export const csCompanies: Migration = {
  async up(db: Kysely<unknown>) {
    await createCsCompanies(db);
  },
};
