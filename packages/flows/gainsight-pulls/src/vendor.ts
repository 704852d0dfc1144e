import type { GainsightWhere } from '@synchub/connector-gainsight/types';
import {
  ConnectorError,
  type DiscoveredObject,
  type FlowHost,
  type Issue,
  isConnectorError,
  type RecordPage,
  type ResolvedConnection,
} from '@synchub/core';
import { resolvePrimary } from './common.js';

/** Options of the Gainsight connector's `records` stream (see its streams.ts). */
export interface RecordsOptions {
  object: string;
  select: string[];
  where?: GainsightWhere | undefined;
  pageSize?: number | undefined;
  cursorField?: string | undefined;
}

/** Pages of a stream of the connection's connector, reached only through its definition. */
export function readStream(
  connection: ResolvedConnection,
  stream: string,
  options: object,
  cursor: string | null,
): AsyncIterable<RecordPage> {
  const definition = connection.connector.streams[stream];
  if (!definition) {
    throw new ConnectorError('config', `Connector ${connection.connector.id} has no "${stream}" stream`);
  }
  return definition.read({
    settings: connection.settings,
    secrets: connection.secrets,
    ctx: connection.ctx,
    cursor,
    options: { ...options },
  });
}

export const readRecords = (connection: ResolvedConnection, options: RecordsOptions, cursor: string | null) =>
  readStream(connection, 'records', options, cursor);

/**
 * Ask for the next page while the caller handles this one, so the vendor's work and ours overlap. At
 * most two pages are held. For full reads only: a caller that stops early still waits for (and pays)
 * the page asked for ahead.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = it.next();
      // Its failure surfaces when awaited above; unawaited (the caller stopped), it must not go unhandled.
      next.catch(() => {});
      yield result.value;
    }
  } finally {
    await it.return?.();
  }
}

/** Describe objects (fields included); an object the vendor does not know maps to null. */
export async function describeObjects(
  connection: ResolvedConnection,
  names: string[],
): Promise<Map<string, DiscoveredObject | null>> {
  const out = new Map<string, DiscoveredObject | null>();
  for (const name of new Set(names)) {
    try {
      const [found] = await connection.connector.discover({
        settings: connection.settings,
        secrets: connection.secrets,
        ctx: connection.ctx,
        options: { objects: [name] },
      });
      out.set(name, found ?? null);
    } catch (error) {
      if (isConnectorError(error) && error.code === 'not_found') out.set(name, null);
      else throw error;
    }
  }
  return out;
}

/** Whether a field (or the lookup a `Lookup__gr.Field` path starts from) exists on the object. */
export function hasField(object: DiscoveredObject, path: string): boolean {
  const base = path.split('__gr.')[0] ?? path;
  return (object.fields ?? []).some((f) => f.name === base);
}

/**
 * Why a Salesforce field name is not one of the object's, or undefined. Names must be spelled as the API
 * names them (records are read by that key); a relationship path (`Owner.Name`) is not checked, as
 * describe lists relationships apart from fields.
 */
export function crmFieldProblem(object: DiscoveredObject, path: string): string | undefined {
  if (path.includes('.')) return undefined;
  const fields = object.fields ?? [];
  if (fields.some((f) => f.name === path)) return undefined;
  const near = fields.find((f) => f.name.toLowerCase() === path.toLowerCase());
  return `no field ${path} on the Salesforce ${object.name}${near ? ` (did you mean ${near.name}?)` : ''}`;
}

/** Issues for an unknown object, or for each named field it lacks. `fields`: [issue path, field name]. */
export function objectIssues(
  described: DiscoveredObject | null | undefined,
  object: { path: string; name: string },
  fields: Array<[string, string | undefined]>,
): Issue[] {
  if (!described) return [{ path: object.path, message: `unknown Gainsight object ${object.name}` }];
  return fields
    .filter((entry): entry is [string, string] => entry[1] !== undefined && !hasField(described, entry[1]))
    .map(([path, field]) => ({ path, message: `no field ${field} on ${described.name}` }));
}

export function whereFields(where: GainsightWhere | undefined, prefix: string): Array<[string, string]> {
  return (where?.conditions ?? []).map((c, i): [string, string] => [`${prefix}.conditions.${i}.name`, c.name]);
}

/** The GSID field override must exist on the primary CRM's Account (checked when a primary is known). */
export async function crmFieldIssues(
  host: Pick<FlowHost, 'database' | 'connections' | 'pipelines'>,
  connectionOf: (id: string) => Promise<ResolvedConnection>,
  gainsightConnectionId: string,
  field: string | undefined,
  path: string,
): Promise<Issue[]> {
  if (!field) return [];
  const resolved = await resolvePrimary(host, gainsightConnectionId);
  if (!resolved.primary) return [];
  const crm = await connectionOf(resolved.primary.connectionId);
  const [account] = (await describeObjects(crm, ['Account'])).values();
  const problem = account ? crmFieldProblem(account, field) : undefined;
  return problem ? [{ path, message: `${problem} of "${resolved.primary.name}"` }] : [];
}

/** A cursor per object (multi-object pulls keep one pipeline cursor). */
export function parseCursors(cursor: string | null): Record<string, string | null> {
  if (!cursor) return {};
  try {
    const parsed = JSON.parse(cursor) as { objects?: Record<string, string | null> };
    return parsed.objects ?? {};
  } catch {
    return {};
  }
}

export const serializeCursors = (cursors: Record<string, string | null>) => JSON.stringify({ objects: cursors });
