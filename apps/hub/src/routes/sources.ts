import { Hono } from 'hono';
import { z } from 'zod';
import type { Audit } from '../audit.js';
import { statusOf } from '../errors.js';
import type { Refusals } from '../ingest/refusals.js';
import type { Sources } from '../sources.js';
import { documenter } from '../openapi/describe.js';
import { json } from '../validate.js';

const name = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');
const createBody = z.strictObject({ name, destinationId: z.string().min(1).nullable().optional() });
const patchBody = z.strictObject({ name: name.optional(), destinationId: z.string().min(1).nullable().optional() });

export function sourceRoutes(deps: { sources: Sources; audit: Audit; refusals?: Refusals | undefined }) {
  const { sources, audit } = deps;
  const app = new Hono();
  const doc = documenter(app, 'Sources');
  doc.get('/', {
    summary: 'List sources (write keys shown by their last characters)',
    answer: (a) => z.object({ sources: z.array(a.Source) }),
  });
  app.get('/', async (c) => c.json({ sources: await sources.list() }));
  /**
   * Requests ingest refused, newest first: per source (null: a write key that names none), the error's code
   * and HTTP status, the reason, how often and when first and last.
   */
  doc.get('/refusals', {
    summary: 'Requests ingest refused, per source and reason, newest first',
    answer: (a) => z.object({ refusals: z.array(a.Refusal) }),
  });
  app.get('/refusals', (c) =>
    c.json({
      refusals: (deps.refusals?.list() ?? []).map((r) => ({ ...r, status: statusOf(r.code) })),
    }),
  );
  /** The write key is in this answer only; afterwards only its last characters are shown. */
  doc.post('/', {
    summary: 'Create a source; the answer is the only one that carries its write key',
    body: createBody,
    answer: (a) => z.object({ source: a.Source, writeKey: z.string() }),
    status: 201,
  });
  app.post('/', json(createBody), async (c) => {
    const created = await sources.create(c.req.valid('json'));
    await audit.record('source.create', created.source.id, { name: created.source.name });
    return c.json(created, 201);
  });
  doc.get('/:id', { summary: 'One source', answer: (a) => z.object({ source: a.Source }) });
  app.get('/:id', async (c) => c.json({ source: await sources.get(c.req.param('id')) }));
  doc.patch('/:id', {
    summary: 'Rename a source or change its destination',
    body: patchBody,
    answer: (a) => z.object({ source: a.Source }),
  });
  app.patch('/:id', json(patchBody), async (c) => {
    const source = await sources.update(c.req.param('id'), c.req.valid('json'));
    await audit.record('source.update', source.id, c.req.valid('json'));
    return c.json({ source });
  });
  doc.post('/:id/rotate-key', {
    summary: 'Replace the write key (the old one stops working)',
    answer: (a) => z.object({ source: a.Source, writeKey: z.string() }),
  });
  app.post('/:id/rotate-key', async (c) => {
    const rotated = await sources.rotateKey(c.req.param('id'));
    await audit.record('source.rotate_key', c.req.param('id'));
    return c.json(rotated);
  });
  doc.delete('/:id', { summary: 'Delete a source', answer: null });
  app.delete('/:id', async (c) => {
    await sources.remove(c.req.param('id'));
    await audit.record('source.delete', c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
