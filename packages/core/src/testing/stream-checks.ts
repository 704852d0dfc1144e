import { expect } from 'vitest';
import type { RecordPage, StreamDefinition, SyncRecord } from '../connector.js';
import type { ContractCheck, ContractSetup, StreamFixture } from './setup.js';
import { contentKey, parsed } from './support.js';

interface StreamTarget {
  /** The connector's stream key. */
  name: string;
  label: string;
  fixture: StreamFixture;
  stream: StreamDefinition<unknown, unknown>;
}

interface StreamRun {
  pages: RecordPage[];
  records: SyncRecord[];
  /** Cursor of the last page; undefined when the read yielded no page at all. */
  lastCursor: string | null | undefined;
}

export function skipStreams(setup: ContractSetup): string | undefined {
  if (setup.streams) return undefined;
  const names = Object.keys(setup.connector.streams);
  return names.length === 0
    ? 'the connector has no streams'
    : `setup.streams not given (the connector has streams: ${names.join(', ')})`;
}

function targets(setup: ContractSetup): StreamTarget[] {
  return Object.entries(setup.streams ?? {}).map(([key, fixture]) => {
    const name = fixture.stream ?? key;
    const stream = setup.connector.streams[name];
    expect(stream, `stream fixture "${key}" names stream "${name}", which the connector does not have`).toBeDefined();
    return {
      name,
      label: key === name ? `stream ${name}` : `stream ${name} (fixture ${key})`,
      fixture,
      stream: stream!,
    };
  });
}

/** Read a stream to its end; a stream that will not end fails after a generous number of pages. */
async function readAll(setup: ContractSetup, target: StreamTarget, cursor: string | null): Promise<StreamRun> {
  const maxPages = Math.max(100, 3 * (target.fixture.expectPages ?? 1));
  const pages: RecordPage[] = [];
  const iterable = target.stream.read({ ...parsed(setup), ctx: setup.ctx, cursor, options: target.fixture.options });
  for await (const page of iterable) {
    const where = `${target.label}: page ${pages.length + 1}`;
    expect(Array.isArray(page?.records), `${where}: records must be a list`).toBe(true);
    expect(page.cursor === null || typeof page.cursor === 'string', `${where}: cursor must be a string or null`).toBe(
      true,
    );
    pages.push(page);
    expect(pages.length, `${target.label}: still paging after ${maxPages} pages (is the cursor ignored?)`).toBeLessThan(
      maxPages,
    );
  }
  return { pages, records: pages.flatMap((p) => p.records), lastCursor: pages.at(-1)?.cursor };
}

function keyOf(target: StreamTarget): (record: SyncRecord) => string {
  return target.fixture.recordKey ?? contentKey;
}

function duplicates(records: SyncRecord[], key: (record: SyncRecord) => string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const record of records) {
    const k = key(record);
    if (seen.has(k)) repeated.add(k);
    seen.add(k);
  }
  return [...repeated];
}

/** Keys in `a` that `b` lacks, counting repeats (a multiset difference). */
function missingFrom(a: SyncRecord[], b: SyncRecord[], key: (record: SyncRecord) => string): string[] {
  const counts = new Map<string, number>();
  for (const record of b) counts.set(key(record), (counts.get(key(record)) ?? 0) + 1);
  const missing: string[] = [];
  for (const record of a) {
    const k = key(record);
    const left = counts.get(k) ?? 0;
    if (left === 0) missing.push(k);
    else counts.set(k, left - 1);
  }
  return missing;
}

function sample(keys: string[]): string {
  return keys.slice(0, 3).join(', ') + (keys.length > 3 ? ', …' : '');
}

/** Resuming a page-cursor stream after page 1 must yield exactly what the full read yielded after page 1. */
async function checkPageResume(setup: ContractSetup, target: StreamTarget, full: StreamRun): Promise<void> {
  const first = full.pages[0];
  if (!first || first.cursor === null) return; // one page, nothing to resume (pages check covers multi-page)
  const key = keyOf(target);
  const expected = full.records.slice(first.records.length);
  const resumed = await readAll(setup, target, first.cursor);
  const extra = missingFrom(resumed.records, expected, key);
  const lost = missingFrom(expected, resumed.records, key);
  expect(
    extra,
    `${target.label}: resuming after page 1 yielded duplicate or unexpected records: ${sample(extra)}`,
  ).toHaveLength(0);
  expect(lost, `${target.label}: resuming after page 1 lost records: ${sample(lost)}`).toHaveLength(0);
}

/** A high-water-mark stream: nothing after its final cursor until the vendor changes something. */
async function checkIncremental(setup: ContractSetup, target: StreamTarget, full: StreamRun): Promise<void> {
  const key = keyOf(target);
  const first = full.pages[0];
  if (full.pages.length > 1 && first && first.cursor !== null) {
    // Resuming mid-run may re-read boundary records (at-least-once) but must lose none.
    const resumed = await readAll(setup, target, first.cursor);
    const lost = missingFrom(full.records.slice(first.records.length), resumed.records, key);
    expect(lost, `${target.label}: resuming after page 1 lost records: ${sample(lost)}`).toHaveLength(0);
    const dup = duplicates(resumed.records, key);
    expect(dup, `${target.label}: resuming after page 1 yielded duplicates: ${sample(dup)}`).toHaveLength(0);
  }
  const final = full.lastCursor;
  expect(typeof final, `${target.label}: an incremental stream must end with a cursor to resume from`).toBe('string');
  if (typeof final !== 'string') return;
  const again = await readAll(setup, target, final);
  expect(
    again.records.length,
    `${target.label}: reading from the final cursor must yield nothing new, got ${sample(again.records.map(contentKey))}`,
  ).toBe(0);
  if (!target.fixture.mutate) return;

  await target.fixture.mutate();
  const changed = await readAll(setup, target, final);
  const before = new Set(full.records.map(contentKey));
  const unchanged = changed.records.map(contentKey).filter((k) => before.has(k));
  expect(
    changed.records.length,
    `${target.label}: after mutate() the stream must yield the changed record(s)`,
  ).toBeGreaterThan(0);
  if (target.fixture.mutated !== undefined) {
    expect(changed.records.length, `${target.label}: mutate() changed ${target.fixture.mutated} record(s)`).toBe(
      target.fixture.mutated,
    );
  }
  expect(unchanged, `${target.label}: after mutate() unchanged records came back: ${sample(unchanged)}`).toHaveLength(
    0,
  );
  const dup = duplicates(changed.records, key);
  expect(dup, `${target.label}: after mutate() duplicates came back: ${sample(dup)}`).toHaveLength(0);
  const next = changed.lastCursor;
  expect(typeof next, `${target.label}: the read after mutate() must end with a cursor`).toBe('string');
  if (typeof next !== 'string') return;
  const settled = await readAll(setup, target, next);
  expect(settled.records.length, `${target.label}: the cursor must move past the changed record(s)`).toBe(0);
}

export const streamChecks: ContractCheck[] = [
  {
    id: 'stream-fixtures',
    group: 'streams',
    title: 'stream fixtures name existing streams and cover every stream',
    skip: skipStreams,
    async run(setup) {
      const covered = new Set(targets(setup).map((t) => t.name));
      for (const key of Object.keys(setup.connector.streams)) {
        expect(covered.has(key), `stream ${key} has no fixture in setup.streams`).toBe(true);
      }
    },
  },
  {
    id: 'stream-pages',
    group: 'streams',
    title: 'every stream pages to its end without duplicates, with a cursor on each page that has a successor',
    skip: skipStreams,
    async run(setup) {
      for (const target of targets(setup)) {
        const full = await readAll(setup, target, null);
        expect(
          full.records.length,
          `${target.label}: the fixture yielded no records, which proves nothing`,
        ).toBeGreaterThan(0);
        const expectPages = target.fixture.expectPages ?? 1;
        const filled = full.pages.filter((p) => p.records.length > 0).length;
        expect(
          filled,
          `${target.label}: expected ${expectPages} pages of records, got ${filled}`,
        ).toBeGreaterThanOrEqual(expectPages);
        const dup = duplicates(full.records, keyOf(target));
        expect(dup, `${target.label}: a full read yielded duplicates: ${sample(dup)}`).toHaveLength(0);
        full.pages.slice(0, -1).forEach((page, i) => {
          expect(page.cursor, `${target.label}: page ${i + 1} is followed by more pages but has no cursor`).not.toBe(
            null,
          );
        });
      }
    },
  },
  {
    id: 'stream-resume',
    group: 'streams',
    title: 'every stream resumes from a cursor: exactly the rest, or (incremental) only what changed',
    skip: skipStreams,
    async run(setup) {
      for (const target of targets(setup)) {
        const full = await readAll(setup, target, null);
        if (target.fixture.incremental) await checkIncremental(setup, target, full);
        else await checkPageResume(setup, target, full);
      }
    },
  },
];
