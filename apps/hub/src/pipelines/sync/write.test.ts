import { ConnectorError, type SyncRecord, type WriteResult, type WriterDefinition } from '@synchub/core';
import { describe, expect, it } from 'vitest';
import type { ResolvedConnection } from '../kind.js';
import { writeRecords } from './write.js';

/** How the sync settles refused calls, against fake vendors whose behaviour is known exactly. */

type Vendor = (records: SyncRecord[]) => WriteResult[];

function harness(vendor: Vendor, batchSize = 50) {
  const calls: SyncRecord[][] = [];
  const writer: WriterDefinition<unknown, unknown> = {
    name: 'fake_insert',
    mode: 'insert',
    batchSize,
    async write({ records }) {
      calls.push(records);
      return vendor(records);
    },
  };
  const target = { connector: { id: 'fake' }, settings: {}, secrets: {}, ctx: {} } as unknown as ResolvedConnection;
  const write = (records: SyncRecord[]) =>
    writeRecords(
      { target, writer, options: {}, signal: new AbortController().signal, now: Date.now, log: () => {} },
      records,
    );
  return { calls, write, writer };
}

const records = (n: number, bad: number[] = []) =>
  Array.from({ length: n }, (_, i) => ({ n: i, ...(bad.includes(i) ? { bad: true } : {}) }));
const invalid = (message: string): WriteResult => ({ ok: false, error: { code: 'invalid_request', message } });

/** An all-or-nothing vendor: one bad record fails the call; the bad ones say why, the others "not written". */
const allOrNothing: Vendor = (batch) => {
  const bad = batch.filter((r) => r.bad).length;
  if (bad === 0) return batch.map((r) => ({ ok: true, id: String(r.n) }));
  return batch.map((r) =>
    r.bad ? invalid(`record ${r.n} has a bad value`) : invalid(`Not written: ${bad} other record(s) were refused`),
  );
};

/** A per-record vendor (partial success allowed): each record judged alone. */
const perRecord: Vendor = (batch) =>
  batch.map((r) => (r.bad ? invalid(`record ${r.n} has a bad value`) : { ok: true, id: String(r.n) }));

describe('writeRecords', () => {
  it('writes in batches of the writer’s size, one result per record in order', async () => {
    const h = harness(perRecord, 4);
    const results = await h.write(records(10));
    expect(h.calls.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(results.map((r) => (r.ok ? r.id : ''))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('an all-or-nothing refusal: the records refused for another’s sake go again in one call', async () => {
    const h = harness(allOrNothing);
    const results = await h.write(records(10, [3, 7]));
    expect(h.calls.map((c) => c.length)).toEqual([10, 8]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true, true, false, true, true]);
    expect(results[3]).toEqual(invalid('record 3 has a bad value'));
  });

  it('an all-or-nothing refusal of two records: each half goes alone', async () => {
    const h = harness(allOrNothing);
    const results = await h.write(records(2, [0]));
    expect(h.calls.map((c) => c.map((r) => r.n))).toEqual([[0, 1], [0], [1]]);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
  });

  it('records each refused for itself cost two extra calls, not one each', async () => {
    const h = harness(perRecord);
    const results = await h.write(
      records(
        20,
        Array.from({ length: 20 }, (_, i) => i),
      ),
    );
    expect(h.calls.map((c) => c.length)).toEqual([20, 10, 10]);
    expect(results.every((r) => !r.ok)).toBe(true);
  });

  it('one answer for every record: the batch is bisected (core) until the bad one is alone', async () => {
    const h = harness((batch) =>
      batch.some((r) => r.bad) ? batch.map(() => invalid('Validation failed')) : batch.map(() => ({ ok: true })),
    );
    const results = await h.write(records(8, [5]));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, true, true]);
    expect(h.calls.length).toBeGreaterThan(2);
  });

  it('retries a call that failed as a whole for a passing reason, and gives up on one that will not pass', async () => {
    let failures = 1;
    const h = harness((batch) => {
      if (failures-- > 0) throw new ConnectorError('transient', 'Gateway timeout');
      return batch.map(() => ({ ok: true }));
    });
    expect((await h.write(records(3))).every((r) => r.ok)).toBe(true);
    expect(h.calls).toHaveLength(2);

    const denied = harness(() => {
      throw new ConnectorError('auth', 'The access key was revoked');
    });
    await expect(denied.write(records(3))).rejects.toMatchObject({ code: 'auth' });
    expect(denied.calls).toHaveLength(1);
  });

  it('sends a record refused for a passing reason (a locked row) again', async () => {
    let locked = true;
    const h = harness((batch) =>
      batch.map((r) => {
        if (r.n === 1 && locked) {
          locked = false;
          return { ok: false, error: { code: 'transient', message: 'UNABLE_TO_LOCK_ROW' } };
        }
        return { ok: true };
      }),
    );
    const results = await h.write(records(3));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(h.calls.map((c) => c.map((r) => r.n))).toEqual([[0, 1, 2], [1]]);
  });
});
