import { sql } from 'kysely';
import type pg from 'pg';
import type { Feed } from '../../feed.js';
import type { HubLogger } from '../../logger.js';
import type { Db } from '../index.js';

/** The channel hubs on one database tell each other their changes on. */
export const FEED_CHANNEL = 'synchub_feed';
/** `application_name` of each hub's listening connection (to find it in pg_stat_activity). */
export const FEED_APPLICATION_NAME = 'synchub-feed';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;

export interface FeedRelayOptions {
  /** The hub's database: the listening connection is its own client to it, not one of the pool's. */
  url: string;
  /** The pool NOTIFY goes through. */
  db: Db;
  feed: Feed;
  logger: HubLogger;
  /** This process's name in each payload, so it skips its own changes. */
  origin: string;
  /** Changes published within this window go out as one NOTIFY per kind (default 100 ms). */
  flushMs?: number;
  /** Backoff between reconnection attempts after the listening connection is lost. */
  retryMs?: { min: number; max: number };
}

export interface FeedRelay {
  /** Whether the listening connection is up (LISTEN done). */
  listening(): boolean;
  /** Send what is pending, stop listening. */
  stop(): Promise<void>;
}

interface Payload {
  /** The process that published the changes. */
  o: string;
  c: unknown[];
}

const kindOf = (change: unknown) => String((change as { kind?: unknown } | null)?.kind ?? '');
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Changes of one kind published within one flush window, merged: accepted-event counts add up, delivery
 * summaries add up per destination, other changes (run starts and ends) stay one each.
 */
export function coalesce(kind: string, changes: unknown[]): unknown[] {
  if (kind === 'accepted') {
    const count = changes.reduce<number>((sum, c) => sum + (Number((c as { count?: unknown }).count) || 0), 0);
    return [{ kind, count }];
  }
  if (kind === 'delivery') {
    const byDestination = new Map<string, Record<string, unknown>>();
    for (const c of changes as Array<Record<string, unknown>>) {
      const key = String(c.destinationId);
      const merged = byDestination.get(key);
      if (!merged) {
        byDestination.set(key, { ...c });
        continue;
      }
      for (const [field, value] of Object.entries(c)) {
        if (typeof value === 'number' && typeof merged[field] === 'number') merged[field] = merged[field] + value;
      }
    }
    return [...byDestination.values()];
  }
  return changes;
}

/**
 * The JSON of one NOTIFY under PostgreSQL's payload limit: the newest changes that fit (live views take
 * a change as "look again"; the oldest of a burst say nothing the newest do not), at least the kind.
 */
export function payloadOf(origin: string, kind: string, changes: unknown[]): string {
  let kept = changes;
  let text = JSON.stringify({ o: origin, c: kept } satisfies Payload);
  while (bytes(text) > MAX_PAYLOAD_BYTES && kept.length > 1) {
    kept = kept.slice(Math.ceil(kept.length / 4));
    text = JSON.stringify({ o: origin, c: kept } satisfies Payload);
  }
  if (bytes(text) > MAX_PAYLOAD_BYTES) text = JSON.stringify({ o: origin, c: [{ kind }] } satisfies Payload);
  return text;
}

/**
 * The live change feed across processes on one PostgreSQL database: what this process publishes goes out
 * as NOTIFY (coalesced per kind and flush window), what others publish comes in through LISTEN on a
 * connection of its own (a pooled one would be handed to other queries), reconnected with backoff after
 * it is lost (a database restart), logged once per outage. Changes published while it is down are not
 * replayed: live views take each change as a cue to read the database again, and the next one catches up.
 */
export async function startFeedRelay(options: FeedRelayOptions): Promise<FeedRelay> {
  const { db, feed, logger, origin } = options;
  const flushMs = options.flushMs ?? 100;
  const retry = options.retryMs ?? { min: 250, max: 5000 };
  // Loaded here, as in connect.ts: a hub on SQLite never loads pg.
  const { default: driver } = await import('pg');

  let stopped = false;
  let client: pg.Client | undefined;
  let up = false;
  let failures = 0;
  let outage = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const pending = new Map<string, unknown[]>();
  let flushTimer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let sendFailed = false;

  const flush = () => {
    flushTimer = undefined;
    const batches = [...pending.entries()];
    pending.clear();
    sending = sending.then(async () => {
      for (const [kind, changes] of batches) {
        const payload = payloadOf(origin, kind, coalesce(kind, changes));
        try {
          await sql`SELECT pg_notify(${FEED_CHANNEL}, ${payload})`.execute(db);
          sendFailed = false;
        } catch (error) {
          // The database is away: other processes miss these cues, as their listeners are down too.
          if (!sendFailed) logger.warn('Could not send changes to the other hubs', { error });
          sendFailed = true;
        }
      }
    });
  };
  feed.forwardTo((change) => {
    if (stopped) return;
    const kind = kindOf(change);
    const list = pending.get(kind);
    if (list) list.push(change);
    else pending.set(kind, [change]);
    flushTimer ??= setTimeout(flush, flushMs);
  });

  const receive = (message: pg.Notification) => {
    if (message.channel !== FEED_CHANNEL || !message.payload) return;
    let payload: Payload;
    try {
      payload = JSON.parse(message.payload) as Payload;
    } catch {
      return;
    }
    if (payload.o === origin || !Array.isArray(payload.c)) return;
    for (const change of payload.c) feed.deliver(change);
  };

  const lost = (c: pg.Client, error?: unknown) => {
    if (client !== c) return;
    client = undefined;
    up = false;
    c.end().catch(() => {});
    if (stopped) return;
    if (!outage) {
      outage = true;
      logger.warn('The live change feed lost its database connection; reconnecting', { error });
    }
    schedule();
  };

  const schedule = () => {
    const delay = Math.min(retry.max, retry.min * 2 ** Math.min(failures, 16));
    failures += 1;
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = undefined;
        void connect();
      },
      delay * (0.75 + Math.random() * 0.5),
    );
    reconnectTimer.unref();
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new driver.Client({
      connectionString: options.url,
      application_name: FEED_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client = c;
    c.on('error', (error) => lost(c, error));
    c.on('end', () => lost(c));
    c.on('notification', receive);
    try {
      await c.connect();
      await c.query(`LISTEN ${FEED_CHANNEL}`);
    } catch (error) {
      lost(c, error);
      return;
    }
    if (client !== c) return;
    up = true;
    failures = 0;
    if (outage) {
      outage = false;
      logger.info('The live change feed is connected again');
      // Changes of other processes were missed meanwhile: what keeps copies of shared state drops them.
      feed.deliver({ kind: 'resync' });
    }
  }

  await connect();
  return {
    listening: () => up,
    async stop() {
      if (flushTimer) {
        clearTimeout(flushTimer);
        flush();
      }
      stopped = true;
      feed.forwardTo(undefined);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await sending;
      const c = client;
      client = undefined;
      up = false;
      await c?.end().catch(() => {});
    },
  };
}
