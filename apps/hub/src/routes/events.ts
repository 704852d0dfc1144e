import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { HubError } from '../errors.js';
import type { Outbox } from '../ingest/outbox.js';
import type { Audit } from '../audit.js';
import { documenter } from '../openapi/describe.js';
import { json, query } from '../validate.js';

const state = z.enum(['received', 'retrying', 'delivered', 'failed']);
const listQuery = z.strictObject({
  /** `waiting`: not delivered yet (received or retrying). */
  state: z.union([state, z.literal('waiting')]).optional(),
  type: z.string().min(1).optional(),
  sourceId: z.string().min(1).optional(),
  errorCode: z.string().min(1).optional(),
  /** A messageId, userId, anonymousId, groupId, email or event name (see EventFilter.search). */
  search: z.string().trim().min(1).max(500).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const replayBody = z.union([
  z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }),
  z.strictObject({
    filter: z.strictObject({
      type: z.string().min(1).optional(),
      sourceId: z.string().min(1).optional(),
      errorCode: z.string().min(1).optional(),
      search: z.string().trim().min(1).max(500).optional(),
    }),
  }),
  z.strictObject({ all: z.literal(true) }),
]);

export interface ChangeFeed {
  subscribe(listener: (change: unknown) => void): () => void;
}

export function eventRoutes(deps: { outbox: Outbox; audit: Audit; feed: ChangeFeed }) {
  const app = new Hono();
  const doc = documenter(app, 'Events');

  doc.get('/', {
    summary: 'Stored events, newest first, with the counts per state',
    query: listQuery,
    answer: (a) => z.object({ events: z.array(a.EventRow), counts: a.EventCounts }),
  });
  app.get('/', query(listQuery), async (c) => {
    const q = c.req.valid('query');
    const [events, counts] = await Promise.all([deps.outbox.list(q), deps.outbox.counts()]);
    return c.json({ events, counts });
  });

  /** Server-sent events: a `change` message whenever events are accepted or their state changes. */
  doc.get('/stream', {
    summary: 'Server-sent events: `ready` with the counts, then `change` (at most one a second)',
    answer: () => z.string(),
    mediaType: 'text/event-stream',
  });
  app.get('/stream', (c) =>
    streamSSE(c, async (stream) => {
      let pending: unknown[] = [];
      const unsubscribe = deps.feed.subscribe((change) => {
        pending.push(change);
      });
      stream.onAbort(unsubscribe);
      await stream.writeSSE({ event: 'ready', data: JSON.stringify(await deps.outbox.counts()) });
      // Coalesce bursts (ingest can be thousands a second) into one message a second.
      let idle = 0;
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(1000);
        if (pending.length === 0) {
          // A comment line now and then keeps proxies from closing an idle stream.
          if (++idle % 25 === 0) await stream.write(': ping\n\n');
          continue;
        }
        idle = 0;
        const batch = pending;
        pending = [];
        await stream.writeSSE({
          event: 'change',
          data: JSON.stringify({ changes: batch.slice(-50), counts: await deps.outbox.counts() }),
        });
      }
      unsubscribe();
    }),
  );

  doc.get('/:id', {
    summary: 'One event with its payload and delivery attempts',
    answer: (a) => z.object({ event: a.EventDetail }),
  });
  app.get('/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) {
      throw new HubError('invalid_input', 'Event id must be a positive integer', {
        issues: [{ path: 'id', message: 'not an id' }],
      });
    }
    const event = await deps.outbox.get(id);
    if (!event) throw new HubError('not_found', `No event with id ${id}`);
    return c.json({ event });
  });

  /** Put failed events back in the queue after a configuration fix: some ids, a filter, or all. */
  doc.post('/replay', {
    summary: 'Put failed events back in the queue: some ids, a filter, or all',
    body: replayBody,
    answer: () => z.object({ replayed: z.number() }),
  });
  app.post('/replay', json(replayBody), async (c) => {
    const body = c.req.valid('json');
    const replayed =
      'ids' in body
        ? await deps.outbox.replay({ ids: body.ids })
        : 'filter' in body
          ? await deps.outbox.replay({ filter: body.filter })
          : await deps.outbox.replay({});
    await deps.audit.record('events.replay', null, { selector: body, replayed });
    return c.json({ replayed });
  });

  return app;
}
