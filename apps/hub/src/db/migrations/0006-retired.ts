import type { Migration } from 'kysely';

/**
 * Retired: what it created moved to a flow plugin's own migrations, which create their tables only where
 * they are missing, so a database that ran the old version keeps its rows. A no-op that keeps the
 * numbering whole; a record of the old version is renamed to this one (see `RETIRED`).
 */
export const retired: Migration = {
  async up() {},
};
