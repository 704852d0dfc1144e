import type { ServiceHost } from '@synchub/core';
import type { Kysely } from 'kysely';
import { CURSOR_KEY } from './rules.js';
import type { QualtricsDb } from './schema.js';

/** Where hubs from before the plugin kept the rule scan's cursor: a row of their `meta` table. */
export const LEGACY_CURSOR_KEY = 'qualtrics.rules.lastEventId';

/**
 * Hubs from before the plugin kept the rule scan's cursor in their own `meta` table. Read once (when the
 * service's state has no cursor yet) and carried into the state; the old row is left alone (the hub's
 * table, not ours). Without it the first scan would restart at the oldest rule and fire for events that
 * came while a rule or trigger was disabled.
 */
export async function carryLegacyCursor(host: Pick<ServiceHost, 'database' | 'state'>): Promise<number | undefined> {
  if ((await host.state.get(CURSOR_KEY)) !== undefined) return undefined;
  let value: string | undefined;
  try {
    // The hub's table, through the handle's query builder: no `sql` tag, so the plugin's JavaScript imports
    // nothing of Kysely (bundled, it was most of this package's size and load time at every hub start).
    const db = host.database as QualtricsDb as unknown as Kysely<{ meta: { key: string; value: string } }>;
    const row = await db.selectFrom('meta').select('value').where('key', '=', LEGACY_CURSOR_KEY).executeTakeFirst();
    value = row?.value;
  } catch {
    return undefined; // No such table: a store that never had the hub-side version.
  }
  const id = Number(value);
  if (value === undefined || !Number.isSafeInteger(id) || id < 0) return undefined;
  await host.state.set(CURSOR_KEY, id);
  return id;
}
