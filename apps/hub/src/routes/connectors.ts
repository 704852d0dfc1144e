import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Connector, PluginError } from '../openapi/answers.js';
import { documenter } from '../openapi/describe.js';

/** What the registry tells the API about installed connectors (JSON Schemas for the dashboard's forms). */
export interface ConnectorCatalog {
  list(): Array<{ id: string }>;
  describe(id: string): object;
  /** Plugins that failed to load, with the reason (shown so a broken install is not silent). */
  errors(): Array<{ packageName?: string | undefined; message: string }>;
}

export function connectorRoutes(catalog: ConnectorCatalog) {
  const app = new OpenAPIHono();
  const doc = documenter(app, 'Connectors');
  doc.get('/', {
    summary: 'Installed connectors (JSON Schemas of settings, secrets, stream and writer options)',
    answer: z.object({ connectors: z.array(Connector), errors: z.array(PluginError) }),
  });
  app.get('/', (c) =>
    c.json({ connectors: catalog.list().map((connector) => catalog.describe(connector.id)), errors: catalog.errors() }),
  );
  doc.get('/:id', { summary: 'One connector', answer: z.object({ connector: Connector }) });
  app.get('/:id', (c) => c.json({ connector: catalog.describe(c.req.param('id')) }));
  return app;
}
