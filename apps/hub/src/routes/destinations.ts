import { Hono } from 'hono';
import { z } from 'zod';
import type { Audit } from '../audit.js';
import type { Destinations } from '../destinations.js';
import { documenter } from '../openapi/describe.js';
import { json } from '../validate.js';

const name = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');
const createBody = z.strictObject({
  name,
  // Checked against the registry by the store: the kinds are whatever loaded connectors offer.
  kind: z.string().trim().min(1, 'required'),
  connectionId: z.string().min(1, 'required'),
  settings: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().optional(),
});
const patchBody = z.strictObject({
  name: name.optional(),
  connectionId: z.string().min(1).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().optional(),
});

export function destinationRoutes(deps: { destinations: Destinations; audit: Audit }) {
  const { destinations, audit } = deps;
  const app = new Hono();
  const doc = documenter(app, 'Destinations');
  doc.get('/', {
    summary: 'List event destinations',
    answer: (a) => z.object({ destinations: z.array(a.Destination) }),
  });
  app.get('/', async (c) => c.json({ destinations: await destinations.list() }));
  // Before `/:id`: the kinds on offer, each with the JSON Schema its settings form is rendered from.
  doc.get('/kinds', {
    summary: 'Destination kinds on offer, each with the JSON Schema of its settings',
    answer: (a) => z.object({ kinds: z.array(a.DestinationKind) }),
  });
  app.get('/kinds', (c) => c.json({ kinds: destinations.kinds() }));
  doc.post('/', {
    summary: "Create a destination (settings checked against its kind's schema)",
    body: createBody,
    answer: (a) => z.object({ destination: a.Destination }),
    status: 201,
  });
  app.post('/', json(createBody), async (c) => {
    const destination = await destinations.create(c.req.valid('json'));
    await audit.record('destination.create', destination.id, { name: destination.name, kind: destination.kind });
    return c.json({ destination }, 201);
  });
  doc.get('/:id', { summary: 'One destination', answer: (a) => z.object({ destination: a.Destination }) });
  app.get('/:id', async (c) => c.json({ destination: await destinations.get(c.req.param('id')) }));
  doc.patch('/:id', {
    summary: 'Change a destination',
    body: patchBody,
    answer: (a) => z.object({ destination: a.Destination }),
  });
  app.patch('/:id', json(patchBody), async (c) => {
    const destination = await destinations.update(c.req.param('id'), c.req.valid('json'));
    await audit.record('destination.update', destination.id, { fields: Object.keys(c.req.valid('json')) });
    return c.json({ destination });
  });
  doc.delete('/:id', { summary: 'Delete a destination', answer: null, errors: [409] });
  app.delete('/:id', async (c) => {
    await destinations.remove(c.req.param('id'));
    await audit.record('destination.delete', c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
