import type { WriterDefinition } from '@synchub/core';
import { type JsonSchema, toJsonSchema } from './definition.js';
import { RegistryError } from './errors.js';
import type { LoadedConnector, LoadResult } from './load.js';

/** What the API and dashboard show of a connector: plain JSON, no functions. */
export interface ConnectorDescription {
  id: string;
  name: string;
  version: string;
  description: string | null;
  packageName: string;
  /** JSON Schema (input side: defaulted fields optional) the dashboard renders the settings form from. */
  settingsSchema: JsonSchema;
  secretsSchema: JsonSchema;
  streams: string[];
  writers: { name: string; mode: WriterDefinition<unknown, unknown>['mode']; batchSize: number }[];
}

export interface Registry {
  get(id: string): LoadedConnector | undefined;
  /** Every connector, sorted by id. */
  list(): LoadedConnector[];
  /** Like `get`, but throws RegistryError `unknown_connector` (with `knownIds`) when absent. */
  require(id: string): LoadedConnector;
  describe(id: string): ConnectorDescription;
}

/**
 * The hub's read-only view of loaded connectors. Takes a `loadConnectors` result, or loaded connectors
 * directly (handy in tests that bring their own definitions).
 */
export function createRegistry(loaded: Pick<LoadResult, 'connectors'> | Iterable<LoadedConnector>): Registry {
  const byId = new Map<string, LoadedConnector>();
  const items = 'connectors' in loaded ? loaded.connectors.values() : loaded;
  for (const item of items) {
    const holder = byId.get(item.definition.id);
    if (holder) {
      throw new RegistryError(
        'duplicate_id',
        `connector id '${item.definition.id}' is declared by both ${holder.packageName} and ${item.packageName}`,
        { packageName: item.packageName },
      );
    }
    byId.set(item.definition.id, item);
  }
  const sorted = [...byId.values()].sort((a, b) => a.definition.id.localeCompare(b.definition.id));

  const require = (id: string): LoadedConnector => {
    const found = byId.get(id);
    if (found) return found;
    const knownIds = sorted.map((item) => item.definition.id);
    throw new RegistryError(
      'unknown_connector',
      `unknown connector '${id}'; known connectors: ${knownIds.join(', ') || 'none'}`,
      { knownIds },
    );
  };

  return {
    get: (id) => byId.get(id),
    list: () => [...sorted],
    require,
    describe(id) {
      const { definition, packageName } = require(id);
      return {
        id: definition.id,
        name: definition.name,
        version: definition.version,
        description: definition.description ?? null,
        packageName,
        settingsSchema: toJsonSchema(definition.settings),
        secretsSchema: toJsonSchema(definition.secrets),
        streams: Object.keys(definition.streams),
        writers: Object.values(definition.writers).map(({ name, mode, batchSize }) => ({ name, mode, batchSize })),
      };
    },
  };
}
