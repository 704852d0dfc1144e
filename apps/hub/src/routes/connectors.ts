import { Hono } from 'hono';
import { z } from 'zod';
import { documenter } from '../openapi/describe.js';

/** What the registry tells the API about installed connectors (JSON Schemas for the dashboard's forms). */
export interface ConnectorCatalog {
  list(): Array<{ id: string }>;
  describe(id: string): object;
  /** Plugins that failed to load, with the reason (shown so a broken install is not silent). */
  errors(): Array<{ packageName?: string | undefined; message: string }>;
}

export function connectorRoutes(catalog: ConnectorCatalog) {
  const app = new Hono();
  const doc = documenter(app, 'Connectors');
  doc.get('/', {
    summary: 'Installed connectors (JSON Schemas of settings, secrets, stream and writer options)',
    answer: (a) => z.object({ connectors: z.array(a.Connector), errors: z.array(a.PluginError) }),
  });
  app.get('/', (c) =>
    c.json({ connectors: catalog.list().map((connector) => catalog.describe(connector.id)), errors: catalog.errors() }),
  );
  doc.get('/:id', { summary: 'One connector', answer: (a) => z.object({ connector: a.Connector }) });
  app.get('/:id', (c) => c.json({ connector: catalog.describe(c.req.param('id')) }));
  return app;
}
