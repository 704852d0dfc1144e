import { Hono } from 'hono';

/** What the registry tells the API about installed connectors (JSON Schemas for the dashboard's forms). */
export interface ConnectorCatalog {
  list(): Array<{ id: string }>;
  describe(id: string): object;
  /** Plugins that failed to load, with the reason (shown so a broken install is not silent). */
  errors(): Array<{ packageName?: string | undefined; message: string }>;
}

export function connectorRoutes(catalog: ConnectorCatalog) {
  const app = new Hono();
  app.get('/', (c) =>
    c.json({ connectors: catalog.list().map((connector) => catalog.describe(connector.id)), errors: catalog.errors() }),
  );
  app.get('/:id', (c) => c.json({ connector: catalog.describe(c.req.param('id')) }));
  return app;
}
