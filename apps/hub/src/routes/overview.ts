import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import type { BacklogEntry } from '../backlog.js';
import type { Db } from '../db/index.js';
import type { Outbox } from '../ingest/outbox.js';
import { documenter } from '../openapi/describe.js';
import { query } from '../validate.js';

const overviewQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** Bucket size in minutes (default: a sensible size for the span). */
  bucket: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
});

/**
 * Time series for the overview page: events received/delivered/failed and vendor calls per bucket; the
 * counts per state and what waits for delivery now.
 */
export function overviewRoutes(deps: {
  db: Db;
  outbox: Outbox;
  now: () => number;
  backlog(): Promise<BacklogEntry[]>;
}) {
  const app = new Hono();
  documenter(app, 'Overview').get('/', {
    summary: 'Events and vendor calls per time bucket, counts per state and the backlog',
    query: overviewQuery,
    answer: (a) => {
      const series = z.array(z.object({ t: z.number(), n: z.number() }));
      return z.object({
        since: z.number(),
        bucketMinutes: z.number(),
        events: z.object({ received: series, delivered: series, failed: series }),
        calls: z.array(z.object({ t: z.number(), connector: z.string(), status: z.string(), n: z.number() })),
        counts: a.EventCounts,
        backlog: z.array(a.BacklogEntry),
      });
    },
  });
  app.get('/', query(overviewQuery), async (c) => {
    const { hours } = c.req.valid('query');
    const bucketMin = c.req.valid('query').bucket ?? (hours <= 6 ? 5 : hours <= 48 ? 30 : 360);
    const size = bucketMin * 60_000;
    const since = Math.floor((deps.now() - hours * 3_600_000) / size) * size;
    const bucketOf = (col: string) => sql<number>`(${sql.ref(col)} / ${size}) * ${size}`;
    const received = await deps.db
      .selectFrom('events')
      .select([bucketOf('received_at').as('t'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('received_at', '>=', since)
      .groupBy('t')
      .execute();
    const settled = await deps.db
      .selectFrom('events')
      .select([bucketOf('updated_at').as('t'), 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('updated_at', '>=', since)
      .where('state', 'in', ['delivered', 'failed'])
      .groupBy(['t', 'state'])
      .execute();
    const calls = await deps.db
      .selectFrom('vendor_calls')
      .select([bucketOf('minute').as('t'), 'connector', 'status', (eb) => eb.fn.sum<number>('count').as('n')])
      .where('minute', '>=', since)
      .groupBy(['t', 'connector', 'status'])
      .execute();
    return c.json({
      since,
      bucketMinutes: bucketMin,
      events: {
        received: received.map((r) => ({ t: Number(r.t), n: Number(r.n) })),
        delivered: settled.filter((r) => r.state === 'delivered').map((r) => ({ t: Number(r.t), n: Number(r.n) })),
        failed: settled.filter((r) => r.state === 'failed').map((r) => ({ t: Number(r.t), n: Number(r.n) })),
      },
      calls: calls.map((r) => ({ t: Number(r.t), connector: r.connector, status: r.status, n: Number(r.n) })),
      counts: await deps.outbox.counts(),
      backlog: await deps.backlog(),
    });
  });
  return app;
}
