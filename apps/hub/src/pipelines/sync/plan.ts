import {
  type ConnectorDefinition,
  type DiscoveredField,
  isConnectorError,
  type MapRule,
  ruleSources,
  type StreamDefinition,
  type WriterDefinition,
} from '@synchub/core';
import type { Issue } from '../../errors.js';
import type { ResolvedConnection } from '../kind.js';
import type { SyncSettings } from './settings.js';

type Stream = StreamDefinition<unknown, unknown>;
type Writer = WriterDefinition<unknown, unknown>;

/** Option keys by which a stream takes the list of fields to read (connectors name it one way or the other). */
const FIELD_LIST_KEYS = ['fields', 'select'] as const;

/** The keys of a zod object schema (a plugin's own zod copy included), or undefined for any other schema. */
function shapeKeys(schema: unknown): string[] | undefined {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : undefined;
}

/** Top-level source fields the mapping reads (from paths and template placeholders), in order. */
export function mappedSources(mapping: MapRule[]): string[] {
  return [...new Set(mapping.flatMap(ruleSources).map((path) => path.split('.')[0] ?? path))];
}

/** The stream's field-list option key, when its options schema has one. */
export function fieldListKey(stream: Stream): (typeof FIELD_LIST_KEYS)[number] | undefined {
  const keys = shapeKeys(stream.options);
  return FIELD_LIST_KEYS.find((key) => keys?.includes(key));
}

/**
 * The options the stream is read with: the user's, and when the stream takes a field list and none was
 * given, the fields the mapping reads (so the mapping is the one place that says what is copied).
 */
export function streamOptionsFor(stream: Stream, s: SyncSettings): Record<string, unknown> {
  const key = fieldListKey(stream);
  if (!key || s.streamOptions[key] !== undefined) return s.streamOptions;
  return { ...s.streamOptions, [key]: mappedSources(s.mapping) };
}

/**
 * The options the writer is called with: the user's, plus `keys: [key]` when the writer takes match
 * keys (an update writer matching on fields) and none were given.
 */
export function writerOptionsFor(writer: Writer, s: SyncSettings): Record<string, unknown> {
  if (s.key === undefined || s.writerOptions.keys !== undefined) return s.writerOptions;
  if (!shapeKeys(writer.options)?.includes('keys')) return s.writerOptions;
  return { ...s.writerOptions, keys: [s.key] };
}

/** The discovered object a stream or writer works on: its options' `object`, its declared one, or its name. */
export function objectOf(options: Record<string, unknown>, definition: { object?: string | undefined; name: string }) {
  const named = options.object;
  return typeof named === 'string' && named.trim() !== '' ? named.trim() : (definition.object ?? definition.name);
}

/** Whether the writer matches existing records (and so needs a key). */
export const matches = (writer: Writer) => writer.mode === 'update' || writer.mode === 'upsert';

/** "a, b, c and 12 more": known names in a message, kept readable. */
export function listed(names: string[], max = 40): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export const streamOf = (connector: ConnectorDefinition, name: string): Stream | undefined =>
  Object.hasOwn(connector.streams, name) ? (connector.streams[name] as Stream) : undefined;

export const writerOf = (connector: ConnectorDefinition, name: string): Writer | undefined =>
  Object.hasOwn(connector.writers, name) ? (connector.writers[name] as Writer) : undefined;

/**
 * The fields of one object through the connector's `discover`, or undefined with the reason in `issues`:
 * an object discover does not know is named with the objects it does know.
 */
export async function describeObject(
  connection: ResolvedConnection,
  object: string,
  path: string,
  issues: Issue[],
): Promise<DiscoveredField[] | undefined> {
  const { connector } = connection;
  const call = { settings: connection.settings, secrets: connection.secrets, ctx: connection.ctx };
  try {
    const found = await connector.discover({ ...call, options: { objects: [object] } });
    const hit = found.find((o) => o.name.toLowerCase() === object.toLowerCase()) ?? found[0];
    if (hit?.fields) return hit.fields;
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    if (error.code !== 'not_found') {
      issues.push({ path, message: `Could not describe ${connector.name} ${object}: ${error.message}` });
      return undefined;
    }
  }
  let known: string[] = [];
  try {
    known = (await connector.discover(call)).map((o) => o.name);
  } catch (error) {
    if (!isConnectorError(error)) throw error;
  }
  issues.push({
    path,
    message: `${connector.name} (${connection.name}) has no object ${object}${known.length > 0 ? `; known objects: ${listed(known)}` : ''}`,
  });
  return undefined;
}
