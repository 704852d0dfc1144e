import { describe, expect, it } from 'vitest';
import type { WriteArgs, WriteResult, WriterDefinition } from '../connector.js';
import { ConnectorError } from '../errors.js';
import { failsWith, fake, sendContacts, TOKEN } from './fake-connector.js';

type Writer = WriterDefinition<unknown, unknown>;
type Args = WriteArgs<unknown, unknown>;
const contacts = fake.writers['contacts']! as Writer;
const companies = fake.writers['companies']! as Writer;

function withWriter(name: 'contacts' | 'companies', writer: Partial<Writer>) {
  return { writers: { ...fake.writers, [name]: { ...fake.writers[name]!, ...writer } } };
}

/** A writer whose results pass through `change` on the way out. */
const mapped = (writer: Writer, change: (results: WriteResult[]) => WriteResult[]) => ({
  write: async (args: Args) => change(await writer.write(args)),
});

describe('writer checks catch broken writers', () => {
  it('writer-fixtures: a fixture for a missing writer, a writer without a fixture', async () => {
    const one = { options: {}, sampleRecords: () => [] };
    expect(await failsWith('writer-fixtures', {}, { writers: { nope: one } })).toContain(
      'names writer "nope", which the connector does not have',
    );
    expect(await failsWith('writer-fixtures', {}, { writers: { contacts: one } })).toContain(
      'writer companies has no fixture',
    );
  });

  it('writer-batch: one call per record, a batchSize larger than the vendor takes, a lost result', async () => {
    const perRecord = {
      write: async (args: Args) =>
        (await Promise.all(args.records.map((r) => contacts.write({ ...args, records: [r] })))).flat(),
    };
    expect(await failsWith('writer-batch', withWriter('contacts', perRecord))).toMatch(
      /5 records must cost 1 vendor call\(s\), made 5 \(calls: POST \/contacts\/batch → 200/,
    );

    const tooBig = { batchSize: 10, write: (args: Args) => sendContacts(args as never) };
    expect(await failsWith('writer-batch', withWriter('contacts', tooBig))).toContain(
      'writing 10 valid records rejected: ConnectorError: Fake answered 400',
    );

    expect(
      await failsWith(
        'writer-batch',
        withWriter(
          'contacts',
          mapped(contacts, (r) => r.slice(1)),
        ),
      ),
    ).toContain('one result per record');
  });

  it('writer-over-batch: sending more than batchSize, or splitting instead of refusing', async () => {
    const unguarded = { write: (args: Args) => sendContacts(args as never) };
    expect(await failsWith('writer-over-batch', withWriter('contacts', unguarded))).toContain(
      'must refuse before calling the vendor (calls: POST /contacts/batch → 400)',
    );

    const splitting = {
      write: async (args: Args) => [
        ...(await contacts.write({ ...args, records: args.records.slice(0, 5) })),
        ...(await contacts.write({ ...args, records: args.records.slice(5) })),
      ],
    };
    expect(await failsWith('writer-over-batch', withWriter('contacts', splitting))).toContain(
      'must reject batchSize + 1 records',
    );

    const wrongCode = {
      write: async () => Promise.reject(new ConnectorError('config', 'too many')),
    };
    expect(await failsWith('writer-over-batch', withWriter('contacts', wrongCode))).toContain('error code');
  });

  it('writer-results: out of order, missing, thrown, badly coded or leaking results', async () => {
    expect(
      await failsWith(
        'writer-results',
        withWriter(
          'contacts',
          mapped(contacts, (r) => r.reverse()),
        ),
      ),
    ).toContain('the bad record (input #1) must fail');
    expect(
      await failsWith(
        'writer-results',
        withWriter(
          'contacts',
          mapped(contacts, (r) => r.slice(0, -1)),
        ),
      ),
    ).toContain('one result per input record, in input order');

    const throwing = mapped(contacts, (results) => {
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) throw new ConnectorError(failed.error.code, failed.error.message);
      return results;
    });
    expect(await failsWith('writer-results', withWriter('contacts', throwing))).toContain('but write rejected');

    const badCode = mapped(contacts, (results) =>
      results.map((r) => (r.ok ? r : { ok: false, error: { ...r.error, code: 'oops' as 'auth' } })),
    );
    expect(await failsWith('writer-results', withWriter('contacts', badCode))).toContain(
      'error.code must be a ConnectorErrorCode',
    );

    const leaking = mapped(contacts, (results) =>
      results.map((r) => (r.ok ? r : { ok: false, error: { ...r.error, message: `refused with ${TOKEN}` } })),
    );
    expect(await failsWith('writer-results', withWriter('contacts', leaking))).toContain('must not contain a secret');
  });

  it('writer-results: all-or-nothing writers declare it, and fail only the bad record or all of them', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Company ${i}` }));
    const undeclared = { writers: { companies: { options: {}, sampleRecords: names, badRecord: () => ({}) } } };
    expect(await failsWith('writer-results', {}, undeclared)).toContain(
      'input #0 is valid and must succeed, got failed',
    );

    // Declared all-or-nothing, yet a valid record comes back ok next to failed valid ones.
    const mixed = mapped(companies, (results) => results.map((r, i) => (i === 0 ? { ok: true } : r)));
    expect(await failsWith('writer-results', withWriter('companies', mixed))).toContain(
      'input #2 is valid and must succeed (all-or-nothing: only the bad one fails, or all do)',
    );
  });
});
