import type { MessageType, WriterDefinition } from '@synchub/core';
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
  /** Stream names (kept for older clients); `streamDetails` describes each. */
  streams: string[];
  streamDetails: StreamDescription[];
  writers: WriterDescription[];
  /** The event destination the connector offers (its kind is the connector's id), or null. */
  destination: DestinationDescription | null;
}

export interface StreamDescription {
  name: string;
  description: string | null;
  /** The discovered object it reads when its options name none (the stream's name unless it says). */
  object: string;
  /** JSON Schema of its options, or null when it takes none. */
  optionsSchema: JsonSchema | null;
}

export interface WriterDescription {
  name: string;
  mode: WriterDefinition<unknown, unknown>['mode'];
  batchSize: number;
  description: string | null;
  /** The discovered object it writes when its options name none; null: its options must name one. */
  object: string | null;
  optionsSchema: JsonSchema | null;
}

export interface DestinationDescription {
  title: string;
  description: string | null;
  messageTypes: MessageType[];
  merge: boolean;
  /** JSON Schema of the destination's own settings (the host adds its flush window and attempts). */
  settingsSchema: JsonSchema;
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
  // Ids are ASCII slugs: a plain comparison (localeCompare's first call costs ~100 ms of ICU set-up at start).
  const sorted = [...byId.values()].sort((a, b) => (a.definition.id < b.definition.id ? -1 : 1));

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
        streamDetails: Object.values(definition.streams).map((stream) => ({
          name: stream.name,
          description: stream.description ?? null,
          object: stream.object ?? stream.name,
          optionsSchema: stream.options ? toJsonSchema(stream.options) : null,
        })),
        writers: Object.values(definition.writers).map((writer) => ({
          name: writer.name,
          mode: writer.mode,
          batchSize: writer.batchSize,
          description: writer.description ?? null,
          object: writer.object ?? null,
          optionsSchema: writer.options ? toJsonSchema(writer.options) : null,
        })),
        destination: definition.destination
          ? {
              title: definition.destination.title,
              description: definition.destination.description ?? null,
              messageTypes: [...definition.destination.messageTypes],
              merge: definition.destination.merge,
              settingsSchema: toJsonSchema(definition.destination.settings),
            }
          : null,
      };
    },
  };
}
