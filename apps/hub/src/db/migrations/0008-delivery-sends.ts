import type { Kysely, Migration } from 'kysely';

/**
 * Per event, how many of its vendor calls got no answer: counted before each call and taken back when an
 * answer comes, so a timeout, a dropped connection or a crash while the call was in flight leaves it
 * counted. For calls that are not upserts (a track publish) each is a copy the vendor may hold twice.
 */
export const deliverySends: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('events')
      .addColumn('unanswered_sends', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
