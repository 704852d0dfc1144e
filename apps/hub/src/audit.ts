import type { Db } from './db/index.js';

/** Configuration changes and manual actions, newest last. Never holds secret values. */
export function createAudit(db: Db, now: () => number = Date.now) {
  return {
    async record(action: string, target: string | null, details?: Record<string, unknown>): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          at: new Date(now()).toISOString(),
          action,
          target,
          details_json: details ? JSON.stringify(details) : null,
        })
        .execute();
    },
    async list(limit = 100) {
      const rows = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        action: r.action,
        target: r.target,
        details: r.details_json ? JSON.parse(r.details_json) : null,
      }));
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
