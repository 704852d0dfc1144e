import { definePipelineKind } from '../kind.js';
import { runSync } from './run.js';
import { syncSettings } from './settings.js';
import { validateSync } from './validate.js';

/**
 * The generic sync (reverse ETL, as in Census, Hightouch or Airbyte): any connector's stream, mapped
 * field by field, into any connector's writer. Vendor-neutral: its own connection (the source) may be
 * of any connector (`connectorId: '*'`), and everything it knows about either side comes from the
 * connectors' declarations and `discover`.
 */
export const syncKind = definePipelineKind({
  kind: 'sync',
  title: 'Sync',
  description:
    "Reads a stream of one connection, maps the fields, and writes the records through a writer of another (or the same) connection: incrementally by the stream's cursor, in the writer's batches, each record written, skipped or failed with its reason.",
  group: 'Syncs',
  connectorId: '*',
  settings: syncSettings,
  defaultSchedule: '0 * * * *',
  validate: validateSync,
  run: runSync,
});

export { type SyncSettings, syncSettings } from './settings.js';
