import { createHash } from 'node:crypto';
import { ConnectorError, createMapper, type SyncRecord, type WriteError, type WriteResult } from '@synchub/core';
import { isHubError } from '../../errors.js';
import type { ResolvedConnection, RunContext } from '../kind.js';
import { matches, objectOf, streamOf, streamOptionsFor, writerOf, writerOptionsFor } from './plan.js';
import type { SyncSettings } from './settings.js';
import { writeRecords } from './write.js';

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const text = (v: unknown): string | null =>
  isBlank(v) ? null : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);

/**
 * The stream's cursor, kept with a fingerprint of what the sync copies and where: when the stream, its
 * options, the destination, the writer or the mapping change, the next run starts from the beginning so
 * every record is written the new way (as the bridge legs do). `resetCursor` does the same by hand.
 */
function fingerprint(s: SyncSettings): string {
  const { stream, streamOptions, destinationConnectionId, writer, writerOptions, mapping, key } = s;
  const what = JSON.stringify({ stream, streamOptions, destinationConnectionId, writer, writerOptions, mapping, key });
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

const wrapCursor = (s: SyncSettings, cursor: string | null) =>
  cursor === null ? null : JSON.stringify({ f: fingerprint(s), c: cursor });

function unwrapCursor(s: SyncSettings, cursor: string | null): string | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(cursor) as { f?: unknown; c?: unknown };
    return parsed.f === fingerprint(s) && typeof parsed.c === 'string' ? parsed.c : null;
  } catch {
    return null;
  }
}

async function destination(run: RunContext<SyncSettings>): Promise<ResolvedConnection> {
  try {
    return await run.connectionOf(run.settings.destinationConnectionId);
  } catch (error) {
    if (isHubError(error) && error.code === 'not_found') {
      throw new ConnectorError(
        'config',
        `The destination connection ${run.settings.destinationConnectionId} no longer exists`,
      );
    }
    throw error;
  }
}

interface Ready {
  before: SyncRecord;
  after: SyncRecord;
  key: string | null;
}

/**
 * One run of a sync: page by page, map each record, write the page through the writer in its batches,
 * then commit the page's cursor. Per record: written, skipped (no key value, no matching record for an
 * update-only writer) or failed (the mapping's reason, or the vendor's answer); one record never stops
 * the others. A call that fails as a whole fails the run and the cursor stays at the last written page.
 * In a dry run (preview) it reads at most `limit` records, samples each one, commits nothing and keeps
 * no per-record outcomes; the writer still runs, on connections whose writes are recorded, not sent.
 */
export async function runSync(run: RunContext<SyncSettings>): Promise<void> {
  const s = run.settings;
  const source = run.connection;
  const stream = streamOf(source.connector, s.stream);
  if (!stream) throw new ConnectorError('config', `${source.connector.name} has no stream ${s.stream}`);
  const target = await destination(run);
  const writer = writerOf(target.connector, s.writer);
  if (!writer) throw new ConnectorError('config', `${target.connector.name} has no writer ${s.writer}`);
  const streamOptions = streamOptionsFor(stream, s);
  const writerOptions = writerOptionsFor(writer, s);
  const mapper = createMapper({ rules: s.mapping });
  // Only mapped fields are sent: the mapper passes vendor custom fields through, a sync must not.
  const targets = s.mapping.map((rule) => rule.to);
  const dry = run.dryRun;
  const keyed = matches(writer) && s.key !== undefined;
  const refusedBy = target.connector.name;
  run.detail('sync', {
    source: { connection: source.name, stream: s.stream, object: objectOf(streamOptions, stream) },
    destination: {
      connection: target.name,
      writer: s.writer,
      mode: writer.mode,
      object: objectOf(writerOptions, writer),
    },
  });

  const keyOf = (before: SyncRecord, after: SyncRecord | undefined): string | null =>
    s.key !== undefined && after ? text(after[s.key]) : text(before.Id ?? before.id);

  const skip = (
    item: { before: SyncRecord; key: string | null },
    reason: string,
    after: unknown,
    error?: WriteError,
  ) => {
    run.count('skipped', 1, reason);
    if (dry) dry.sample(item.before, after, reason);
    else run.record?.(item.key, 'skipped', reason, error);
  };
  const fail = (
    item: { before: SyncRecord; key: string | null },
    reason: string,
    message: string,
    error: unknown,
    after: unknown,
  ) => {
    run.count('failed', 1, reason);
    run.note('failures', { key: item.key, message });
    if (dry) dry.sample(item.before, after, message);
    else run.record?.(item.key, 'failed', message, error);
  };
  const outcome = (item: Ready, result: WriteResult) => {
    if (result.ok) {
      run.count('written');
      if (dry) dry.sample(item.before, item.after);
      else run.record?.(item.key ?? (result.id === undefined ? null : result.id), 'written');
    } else if (result.error.code === 'not_found' && writer.mode === 'update') {
      // An update-only writer cannot create what it does not find: not an error of the data.
      skip(item, 'no matching record', item.after, result.error);
    } else {
      const reason = `refused by ${refusedBy}: ${result.error.vendorCode ?? result.error.code}`;
      fail(item, reason, result.error.message, result.error, item.after);
    }
  };

  let read = 0;
  const pages = stream.read({
    settings: source.settings,
    secrets: source.secrets,
    ctx: source.ctx,
    cursor: unwrapCursor(s, run.cursor),
    options: streamOptions,
  });
  for await (const page of pages) {
    const records = dry ? page.records.slice(0, Math.max(0, dry.limit - read)) : page.records;
    // Each record's fate, in read order: settled now (mapping, key) or by the writer's result.
    const fates: Array<{ written: boolean; apply(): void }> = [];
    const ready: Ready[] = [];
    let results: WriteResult[] = [];
    for (const before of records) {
      read++;
      run.count('read');
      const mapped = mapper(before);
      if (mapped.errors.length > 0) {
        const fields = [...new Set(mapped.errors.map((e) => e.field))];
        const message = mapped.errors.map((e) => e.message).join('; ');
        const item = { before, key: keyOf(before, mapped.record) };
        const reason = `cannot map ${fields.join(', ')}`;
        fates.push({ written: false, apply: () => fail(item, reason, message, { code: 'mapping', message }, null) });
        continue;
      }
      const after: SyncRecord = {};
      for (const name of targets) if (Object.hasOwn(mapped.record, name)) after[name] = mapped.record[name];
      const key = keyOf(before, after);
      if (keyed && isBlank(after[s.key as string])) {
        fates.push({ written: false, apply: () => skip({ before, key }, `no value for key ${s.key}`, null) });
        continue;
      }
      const item = { before, after, key };
      const index = ready.push(item) - 1;
      fates.push({ written: true, apply: () => outcome(item, results[index] as WriteResult) });
    }
    try {
      if (ready.length > 0) {
        results = await writeRecords(
          { target, writer, options: writerOptions, signal: run.signal, now: run.now, log: run.log },
          ready.map((r) => r.after),
        );
      }
    } catch (error) {
      // The run fails on this call; what was already decided about this page's records still counts.
      for (const fate of fates) if (!fate.written) fate.apply();
      throw error;
    }
    for (const fate of fates) fate.apply();
    if (dry) {
      if (read >= dry.limit) break;
      continue;
    }
    await run.commit(wrapCursor(s, page.cursor));
  }
}
