import { createHash } from 'node:crypto';
import {
  ConnectorError,
  type DiscoveredField,
  type Issue,
  isConnectorError,
  type ResolvedConnection,
  type RunContext,
  type SyncRecord,
  type WriteResult,
} from '@synchub/core';
import { z } from 'zod';
import type { Converted } from './fields.js';

/** Pipeline kinds of the Pendo ↔ Salesforce ↔ Gainsight bridge share one dashboard group. */
export const BRIDGE_GROUP = 'Pendo ↔ Salesforce ↔ Gainsight';
/** Daily, like Pendo's own Salesforce sync and the Gainsight rules it replaces. */
export const DAILY = '0 3 * * *';

/** A setting naming another connection; `x-connector` tells the dashboard which connections to offer. */
export const connectionRef = (connector: string, title: string, description: string) =>
  z.string().trim().min(1, 'choose a connection').meta({ title, description, 'x-connector': connector });

/** Field map rows (`from` → `to`); the dashboard renders arrays of objects as editable rows. */
export const fieldMapOf = (fromTitle: string, toTitle: string, description: string) =>
  z
    .array(
      z.strictObject({
        from: z.string().trim().min(1, 'required').meta({ title: fromTitle }),
        to: z.string().trim().min(1, 'required').meta({ title: toTitle }),
      }),
    )
    .min(1, 'map at least one field')
    .meta({ title: 'Field map', description });

export type FieldMap = Array<{ from: string; to: string }>;

/** Two rows writing one target field would race each other; the second one is refused. */
export function duplicateTargets(map: FieldMap, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  map.forEach((row, i) => {
    const first = seen.get(row.to);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['fieldMap', i, 'to'],
        message: `${row.to} is already the target of row ${first + 1}`,
      });
    } else seen.set(row.to, i);
  });
}

/**
 * The host answers an unknown connection id with a `not_found` error; recognised by its code, not its
 * class, since the host's error type is not ours to import.
 */
const isNotFound = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'not_found';

/** The other connection of a leg, checked to be the right connector; issues name the setting. */
export async function resolveTarget(
  connectionOf: (id: string) => Promise<ResolvedConnection>,
  id: string,
  connector: string,
  path = 'settings.targetConnectionId',
): Promise<{ target?: ResolvedConnection; issues: Issue[] }> {
  let target: ResolvedConnection;
  try {
    target = await connectionOf(id);
  } catch (error) {
    if (isNotFound(error)) return { issues: [{ path, message: 'unknown connection' }] };
    throw error;
  }
  if (target.connector.id !== connector) {
    return { issues: [{ path, message: `needs a ${connector} connection, not ${target.connector.id}` }] };
  }
  return { target, issues: [] };
}

/** Save-time: the leg's target connection, or undefined with the reason added to `issues`. */
export async function targetAtSave(
  issues: Issue[],
  connectionOf: (id: string) => Promise<ResolvedConnection>,
  id: string,
  connector: string,
): Promise<ResolvedConnection | undefined> {
  const { target, issues: found } = await resolveTarget(connectionOf, id, connector);
  issues.push(...found);
  return target;
}

/** At run time the target must still exist and be the right connector. */
export async function requireTarget(run: RunContext<unknown>, id: string, connector: string) {
  const { target, issues } = await resolveTarget(run.connectionOf, id, connector);
  if (!target) throw new ConnectorError('config', `Target connection: ${issues[0]?.message ?? 'unusable'}`);
  return target;
}

/** The fields of one object, through the connector's discover (Salesforce describe, Gainsight describe…). */
export async function fieldsOf(connection: ResolvedConnection, object: string): Promise<DiscoveredField[]> {
  const objects = await connection.connector.discover({
    settings: connection.settings,
    secrets: connection.secrets,
    ctx: connection.ctx,
    options: { objects: [object] },
  });
  const found = objects.find((o) => o.name.toLowerCase() === object.toLowerCase()) ?? objects[0];
  if (!found?.fields) {
    throw new ConnectorError('not_found', `${connection.name} has no object ${object}`);
  }
  return found.fields;
}

/** Save-time vendor call: a failure (bad credentials, unknown object) becomes an issue on `path`. */
export async function atSave<T>(
  issues: Issue[],
  path: string,
  what: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    issues.push({ path, message: `${what}: ${error.message}` });
    return undefined;
  }
}

/** Every record of a stream, page by page, from the beginning (snapshot legs read everything each run). */
export async function* pagesOf(
  connection: ResolvedConnection,
  stream: string,
  options: Record<string, unknown>,
  cursor: string | null = null,
) {
  const definition = connection.connector.streams[stream];
  if (!definition) throw new ConnectorError('config', `${connection.connector.id} has no stream ${stream}`);
  yield* definition.read({
    settings: connection.settings,
    secrets: connection.secrets,
    ctx: connection.ctx,
    cursor,
    options,
  });
}

const MAX_ATTEMPTS = 3;
/** A rate-limit wait longer than this fails the run instead (the scheduler tries again tomorrow). */
const MAX_WAIT_MS = 5 * 60_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A call that failed as a whole (5xx, 429): retried a few times before the run gives up. */
async function withRetries<T>(run: RunContext<unknown>, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable || attempt >= MAX_ATTEMPTS) throw error;
      const wait =
        error.code === 'rate_limited' && error.retryAt !== undefined
          ? Math.max(0, error.retryAt - run.now())
          : 500 * 4 ** (attempt - 1);
      if (wait > MAX_WAIT_MS) throw error;
      run.log('warn', `${what} failed (${error.code}); retrying`, { attempt, waitMs: wait });
      await sleep(wait, run.signal);
    }
  }
}

/**
 * Write records through a connector writer in its own batch size (at most `cap`), one result per
 * record handed to `each`. A batch the vendor refuses as a whole after retries fails the run.
 */
export async function writeAll(
  run: RunContext<unknown>,
  target: ResolvedConnection,
  writer: string,
  options: Record<string, unknown>,
  records: SyncRecord[],
  each: (record: SyncRecord, result: WriteResult) => void,
  cap = Number.POSITIVE_INFINITY,
): Promise<void> {
  const definition = target.connector.writers[writer];
  if (!definition) throw new ConnectorError('config', `${target.connector.id} has no writer ${writer}`);
  const size = Math.max(1, Math.min(definition.batchSize, cap));
  for (let start = 0; start < records.length; start += size) {
    const batch = records.slice(start, start + size);
    const results = await withRetries(run, `${target.connector.id} ${writer}`, () =>
      definition.write({
        settings: target.settings,
        secrets: target.secrets,
        ctx: target.ctx,
        records: batch,
        options,
      }),
    );
    batch.forEach((record, i) => {
      each(record, results[i] ?? { ok: false, error: { code: 'unexpected', message: 'No result for this record' } });
    });
  }
}

/**
 * Fills `record` with a source record's mapped values, each converted by `convert` for its target field
 * and stored under `keyOf(to)`. The first value that does not fit stops it: its row and reason come back.
 */
export function mapRecord(
  record: SyncRecord,
  fieldMap: FieldMap,
  convert: (row: FieldMap[number]) => Converted,
  keyOf: (to: string) => string = (to) => to,
): string | undefined {
  for (const row of fieldMap) {
    const converted = convert(row);
    if (!converted.ok) return `${row.from} → ${row.to}: ${converted.message}`;
    record[keyOf(row.to)] = converted.value;
  }
  return undefined;
}

/** Counts a refused record under a short reason (vendor code or code) and keeps a sample. */
export function countFailure(run: RunContext<unknown>, reason: string, sample: Record<string, unknown>): void {
  run.count('failed', 1, reason);
  run.note('failures', sample);
}

export function failureReason(prefix: string, result: WriteResult): string {
  if (result.ok) return prefix;
  return `${prefix}: ${result.error.vendorCode ?? result.error.code}`;
}

/** The run's date (UTC) — "Rule Date" in Gainsight's terms. */
export const runDate = (now: number) => new Date(now).toISOString().slice(0, 10);

/**
 * Incremental legs keep the stream's cursor together with a fingerprint of what they copy: when the
 * field map changes, the next run starts from the beginning so the new fields are filled for everyone.
 */
export function wrapCursor(fingerprintOf: unknown, stream: string | null): string | null {
  return stream === null ? null : JSON.stringify({ f: fingerprint(fingerprintOf), c: stream });
}

export function unwrapCursor(fingerprintOf: unknown, cursor: string | null): string | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(cursor) as { f?: unknown; c?: unknown };
    return parsed.f === fingerprint(fingerprintOf) && typeof parsed.c === 'string' ? parsed.c : null;
  } catch {
    return null;
  }
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
