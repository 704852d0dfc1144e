import type { ConnectorDefinition } from '@synchub/core';
import { checkDefinition } from './definition.js';
import type { RegistryError } from './errors.js';
import { findConnectorPackages } from './find.js';
import { type EntryKind, type LoadedEntry, loadEntries } from './load-entries.js';

export type LoadedConnector = LoadedEntry<ConnectorDefinition>;

export interface LoadOptions {
  /** Folders to scan: node_modules folders, folders of packages, or packages (see findConnectorPackages). */
  dirs: readonly string[];
  /** Imports an entry by absolute path; defaults to a dynamic `import()` of its file URL. */
  import?: ((path: string) => Promise<unknown>) | undefined;
  /** Export conditions to prefer for entries (see FindOptions: `['@synchub/source']` loads workspace sources). */
  conditions?: readonly string[] | undefined;
  /** Throw one aggregated RegistryError instead of returning errors. */
  strict?: boolean | undefined;
  /**
   * Whether the package at this real path has its forms turned into JSON Schema (see CheckOptions.forms);
   * default: every package.
   */
  checkForms?: ((packageDir: string) => boolean) | undefined;
}

export interface LoadResult {
  /** By connector id, in discovery order (earlier dirs first). */
  connectors: Map<string, LoadedConnector>;
  /** One per package that was rejected; the others still load. */
  errors: RegistryError[];
}

const connectorEntry: EntryKind<ConnectorDefinition> = {
  what: 'connector',
  packages: 'connector',
  contract: 'connector',
  definition: 'connector definition',
  check: checkDefinition,
};

/**
 * Finds, imports and validates connector plugins. A bad plugin never stops the others: its problem
 * is returned in `errors` (or thrown, with every other problem, in strict mode). When two packages
 * declare one id, the one found first wins, so list built-in folders before plugin folders.
 */
export async function loadConnectors(options: LoadOptions): Promise<LoadResult> {
  const found = await findConnectorPackages(options.dirs, { conditions: options.conditions });
  const { loaded, errors } = await loadEntries(found, connectorEntry, options);
  return { connectors: loaded, errors };
}
