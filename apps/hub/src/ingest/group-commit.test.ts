import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase, sqliteOf } from '../db/index.js';
import { createOutbox, type Outbox, type StoredMessage } from './outbox.js';

// Group commit through the commit worker, on a real database file: what reaches the disk, and when.
let dir: string;
let file: string;
let db: Db;
let outbox: Outbox;
const others: SQLite.Database[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-group-'));
  file = path.join(dir, 'synchub.sqlite');
  db = openDatabase(file);
  await migrateToLatest(db);
  outbox = createOutbox(db);
});
afterEach(async () => {
  for (const other of others.splice(0)) other.close();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A second connection to the same file, as another process would see it. */
const connect = () => {
  const other = new SQLite(file);
  other.pragma('busy_timeout = 5000');
  others.push(other);
  return other;
};
const messages = (...ids: string[]): StoredMessage[] =>
  ids.map((id) => ({ messageId: id, type: 'identify', json: JSON.stringify({ type: 'identify', messageId: id }) }));
const storedIds = (source = 'src') =>
  (
    connect().prepare('SELECT message_id FROM events WHERE source_id = ? ORDER BY id').all(source) as Array<{
      message_id: string;
    }>
  ).map((r) => r.message_id);
const settledYet = async (promise: Promise<unknown>, ms: number) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
};

describe('group commit', () => {
  it('stores requests given in the same tick in one transaction', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => outbox.append('src', messages(`a${i}`, `b${i}`))),
    );
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ stored: 2, duplicates: 0 })));
    expect(outbox.commitStats()).toEqual({ transactions: 1, requests: 10 });
    expect(storedIds()).toHaveLength(20);
  });

  it('puts requests that arrive while a commit waits into the next single transaction', async () => {
    await outbox.append('src', messages('warm-up'));
    const blocker = connect();
    blocker.exec('BEGIN IMMEDIATE'); // the worker's next commit waits for this lock
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i++) {
      pending.push(outbox.append('src', messages(`m${i}`)));
      await new Promise((r) => setImmediate(r)); // one request per tick, as separate HTTP requests arrive
    }
    blocker.exec('COMMIT');
    await Promise.all(pending);
    // The warm-up, then at most one transaction already waiting for the lock and one for everything else.
    const { transactions, requests } = outbox.commitStats();
    expect(requests).toBe(21);
    expect(transactions).toBeLessThanOrEqual(3);
    expect(storedIds()).toHaveLength(21);
  });

  it('answers only once the rows are committed', async () => {
    const blocker = connect();
    blocker.exec('BEGIN IMMEDIATE');
    const append = outbox.append('src', messages('late'));
    expect(await settledYet(append, 300)).toBe(false);
    blocker.exec('ROLLBACK');
    expect(await append).toEqual({ stored: 1, duplicates: 0 });
    // Visible to a new connection the moment it is answered.
    expect(storedIds()).toEqual(['late']);
  });

  it('deduplicates by messageId per source across the requests of one group', async () => {
    const [first, second, other] = await Promise.all([
      outbox.append('src', messages('same', 'x1')),
      outbox.append('src', messages('same', 'x2')),
      outbox.append('other-source', messages('same')),
    ]);
    expect(outbox.commitStats().transactions).toBe(1);
    expect(first).toEqual({ stored: 2, duplicates: 0 });
    expect(second).toEqual({ stored: 1, duplicates: 1 });
    expect(other).toEqual({ stored: 1, duplicates: 0 });
    expect(storedIds()).toEqual(['same', 'x1', 'x2']);
    expect(storedIds('other-source')).toEqual(['same']);
  });

  it('fails only the request whose rows fail; the rest of its group commits', async () => {
    // A constraint the database enforces on one message: its whole request is refused, nothing half-stored.
    sqliteOf(db).exec(
      `CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.message_id = 'poison'
       BEGIN SELECT RAISE(ABORT, 'poisoned message'); END`,
    );
    const [a, bad, b] = await Promise.allSettled([
      outbox.append('src', messages('a1', 'a2')),
      outbox.append('src', messages('innocent-neighbour', 'poison')),
      outbox.append('src', messages('b1')),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: { stored: 2, duplicates: 0 } });
    expect(b).toEqual({ status: 'fulfilled', value: { stored: 1, duplicates: 0 } });
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/poisoned message/);
    expect(outbox.commitStats()).toEqual({ transactions: 1, requests: 3 });
    expect(storedIds()).toEqual(['a1', 'a2', 'b1']);
  });

  it('retries each request alone when a failure ends the whole group transaction', async () => {
    // RAISE(ROLLBACK) undoes the group's transaction, innocent requests included: they must still commit.
    sqliteOf(db).exec(
      `CREATE TRIGGER doom BEFORE INSERT ON events WHEN NEW.message_id = 'doom'
       BEGIN SELECT RAISE(ROLLBACK, 'doomed message'); END`,
    );
    const [a, bad, b] = await Promise.allSettled([
      outbox.append('src', messages('a1')),
      outbox.append('src', messages('doom')),
      outbox.append('src', messages('b1', 'b2')),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: { stored: 1, duplicates: 0 } });
    expect(b).toEqual({ status: 'fulfilled', value: { stored: 2, duplicates: 0 } });
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/doomed message/);
    expect(outbox.commitStats()).toEqual({ transactions: 2, requests: 3 });
    expect(storedIds()).toEqual(['a1', 'b1', 'b2']);
  });

  it('lets a write transaction of the main connection finish first, then commits', async () => {
    await outbox.append('src', messages('warm-up'));
    const sqlite = sqliteOf(db);
    sqlite.exec('BEGIN');
    sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('test', 'x')`).run();
    const append = outbox.append('src', messages('after-main'));
    expect(await settledYet(append, 200)).toBe(false);
    sqlite.exec('COMMIT');
    expect(await append).toEqual({ stored: 1, duplicates: 0 });
  });

  it('closing waits for the requests already given, then refuses new ones', async () => {
    const append = outbox.append('src', messages('in-flight'));
    await db.destroy();
    expect(await append).toEqual({ stored: 1, duplicates: 0 });
    await expect(outbox.append('src', messages('too-late'))).rejects.toThrow(/closing/);
    expect(storedIds()).toEqual(['in-flight']);
  });
});
