import { describe, expect, it } from 'vitest';
import type { RecordPage, StreamDefinition, StreamReadArgs } from '../connector.js';
import { failsWith, type FakeVendor, fake } from './fake-connector.js';
import type { StreamFixture } from './setup.js';

type Args = StreamReadArgs<unknown, unknown>;
const contacts = fake.streams['contacts']! as StreamDefinition<unknown, unknown>;
const changes = fake.streams['contact_changes']! as StreamDefinition<unknown, unknown>;

/** A connector whose stream `name` reads through `read` instead. */
function withStream(name: 'contacts' | 'contact_changes', read: (args: Args) => AsyncIterable<RecordPage>) {
  return { streams: { ...fake.streams, [name]: { ...fake.streams[name]!, read } } };
}

/** Shift a numeric cursor: off-by-one resumes. */
const shifted = (stream: StreamDefinition<unknown, unknown>, by: number) => (args: Args) =>
  stream.read({ ...args, cursor: args.cursor === null ? null : String(Number(args.cursor) + by) });

const changesFixture = (vendor: FakeVendor, extra: Partial<StreamFixture> = {}) => ({
  streams: {
    contact_changes: { options: {}, expectPages: 3, incremental: true, mutate: () => vendor.touch('c2'), ...extra },
  },
});

describe('stream checks catch broken streams', () => {
  it('stream-fixtures: a fixture for a missing stream, a stream without a fixture', async () => {
    expect(await failsWith('stream-fixtures', {}, { streams: { nope: { options: {} } } })).toContain(
      'names stream "nope", which the connector does not have',
    );
    expect(await failsWith('stream-fixtures', {}, { streams: { contacts: { options: {} } } })).toContain(
      'stream contact_changes has no fixture',
    );
  });

  it('stream-pages: everything in one page, a page twice, no cursor, no end, no records', async () => {
    const onePage = withStream('contacts', async function* (args) {
      const all: RecordPage['records'] = [];
      for await (const page of contacts.read(args)) all.push(...page.records);
      yield { records: all, cursor: null };
    });
    expect(await failsWith('stream-pages', onePage)).toContain('expected 3 pages of records, got 1');

    const twice = withStream('contacts', async function* (args) {
      let first = true;
      for await (const page of contacts.read(args)) {
        yield page;
        if (first) yield page;
        first = false;
      }
    });
    expect(await failsWith('stream-pages', twice)).toContain('a full read yielded duplicates');

    const noCursor = withStream('contacts', async function* (args) {
      for await (const page of contacts.read(args)) yield { ...page, cursor: null };
    });
    expect(await failsWith('stream-pages', noCursor)).toContain('page 1 is followed by more pages but has no cursor');

    const endless = withStream('contacts', async function* () {
      for (let i = 0; ; i++) yield { records: [{ id: `x${i}` }], cursor: String(i) };
    });
    expect(await failsWith('stream-pages', endless)).toContain('still paging after 100 pages');

    const empty = withStream('contacts', async function* () {});
    expect(await failsWith('stream-pages', empty)).toContain('yielded no records');
  });

  it('stream-resume: duplicated, lost or restarted records when resuming a page cursor', async () => {
    const onlyContacts = { streams: { contacts: { options: {}, expectPages: 3 } } };
    expect(await failsWith('stream-resume', withStream('contacts', shifted(contacts, -1)), onlyContacts)).toContain(
      'resuming after page 1 yielded duplicate or unexpected records: {"id":"c3"',
    );
    expect(await failsWith('stream-resume', withStream('contacts', shifted(contacts, 1)), onlyContacts)).toContain(
      'resuming after page 1 lost records: {"id":"c4"',
    );
    const restart = withStream('contacts', (args) => contacts.read({ ...args, cursor: null }));
    expect(await failsWith('stream-resume', restart, onlyContacts)).toContain('duplicate or unexpected records');
  });

  it('stream-resume: an incremental stream that re-reads, loses, forgets or stalls', async () => {
    // `>=` instead of `>`: the last record comes back from the final cursor.
    expect(
      await failsWith('stream-resume', withStream('contact_changes', shifted(changes, -1)), changesFixture),
    ).toContain('reading from the final cursor must yield nothing new');
    expect(
      await failsWith('stream-resume', withStream('contact_changes', shifted(changes, 1)), changesFixture),
    ).toContain('resuming after page 1 lost records');

    const noFinalCursor = withStream('contact_changes', async function* (args) {
      for await (const page of changes.read(args)) yield { ...page, cursor: null };
    });
    expect(await failsWith('stream-resume', noFinalCursor, changesFixture)).toContain(
      'an incremental stream must end with a cursor',
    );

    // Re-reads everything as soon as anything changed.
    const lazy = withStream('contact_changes', async function* (args) {
      if (args.cursor !== null) {
        let changed = false;
        for await (const page of changes.read(args)) changed ||= page.records.length > 0;
        if (!changed) return;
      }
      yield* changes.read({ ...args, cursor: null });
    });
    expect(await failsWith('stream-resume', lazy, changesFixture)).toContain(
      'after mutate() unchanged records came back',
    );
    expect(await failsWith('stream-resume', lazy, (v) => changesFixture(v, { mutated: 1 }))).toContain(
      'mutate() changed 1 record(s)',
    );

    // Hands back the cursor it was given: the changed record comes back forever.
    const stalled = withStream('contact_changes', async function* (args) {
      for await (const page of changes.read(args)) yield { ...page, cursor: args.cursor ?? page.cursor };
    });
    expect(await failsWith('stream-resume', stalled, changesFixture)).toContain(
      'the cursor must move past the changed record(s)',
    );

    // Reads up to a bound frozen at the first run: changes after it never show.
    const blind = withStream('contact_changes', async function* (args) {
      if (Number(args.cursor) >= 7) return;
      yield* changes.read(args);
    });
    expect(await failsWith('stream-resume', blind, changesFixture)).toContain(
      'after mutate() the stream must yield the changed record(s)',
    );
  });
});
