import type { ServiceHost, StoredEventSummary } from '@synchub/core';
import type { Db } from '../db/index.js';

/** What a message is called: the event of a track, the name of a page or screen; null otherwise. */
function nameOf(type: string, message: Record<string, unknown>): string | null {
  const value = type === 'track' ? message.event : type === 'page' || type === 'screen' ? message.name : undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * Read access to the hub's stored events for services (ServiceHost.events): pages after an id, the
 * newest id, and a wake-up when ingest accepted more.
 */
export function createEventReader(
  db: Db,
  feed: { subscribe(listener: (change: unknown) => void): () => void },
): ServiceHost['events'] {
  return {
    async after(afterId, limit) {
      const rows = await db
        .selectFrom('events')
        .select(['id', 'source_id', 'type', 'received_at', 'payload_json'])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map((r): StoredEventSummary => {
        const message = JSON.parse(r.payload_json) as Record<string, unknown>;
        return {
          id: r.id,
          sourceId: r.source_id,
          type: r.type,
          name: nameOf(r.type, message),
          receivedAt: r.received_at,
          message,
        };
      });
    },
    async latestId() {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      return Number(row?.id ?? 0);
    },
    subscribe(listener) {
      return feed.subscribe((change) => {
        if ((change as { kind?: unknown } | null)?.kind === 'accepted') listener();
      });
    },
  };
}
