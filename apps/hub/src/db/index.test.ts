import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Db,
  databaseFileOf,
  migrateToLatest,
  onDatabaseClose,
  openDatabase,
  sqliteOf,
  writeTurnsOf,
} from './index.js';

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-db-'));
  db = openDatabase(path.join(dir, 'synchub.sqlite'));
  await migrateToLatest(db);
});
afterEach(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the main connection', () => {
  it('raises its write turn while it wants or holds the write lock, and only then', async () => {
    const sqlite = sqliteOf(db);
    const turn = () => Atomics.load(writeTurnsOf(db), 0);
    const seen: number[] = [];
    const write = sqlite.prepare(`INSERT INTO meta (key, value) VALUES (?, 'x')`);
    const read = sqlite.prepare('SELECT COUNT(*) AS n FROM meta');

    write.run('a');
    read.get();
    expect(turn()).toBe(0);

    sqlite.prepare('BEGIN').run(); // as Kysely begins a transaction
    read.get();
    seen.push(turn()); // a read in a transaction: no turn
    write.run('b');
    seen.push(turn()); // the lock is held until the transaction ends
    sqlite.prepare('COMMIT').run();
    seen.push(turn());
    expect(seen).toEqual([0, 1, 0]);
    // exec() cannot tell a read from a write: it takes the turn for the length of the call.
    sqlite.exec(`UPDATE meta SET value = 'y' WHERE key = 'a'`);
    expect(turn()).toBe(0);

    const insertTwo = sqlite.transaction(() => {
      write.run('c');
      write.run('d');
      seen.push(turn());
    });
    insertTwo();
    expect(turn()).toBe(0);
    expect(() => insertTwo()).toThrow(/UNIQUE/); // rolled back: the turn is given back too
    expect(turn()).toBe(0);

    // Kysely's transactions go through the same connection.
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('meta').values({ key: 'e', value: 'x' }).execute();
      seen.push(turn());
    });
    expect(turn()).toBe(0);
    expect(seen).toEqual([0, 1, 0, 1, 1]);
  });

  it('names its file and runs close hooks before the connection closes', async () => {
    expect(databaseFileOf(db)).toBe(path.join(dir, 'synchub.sqlite'));
    const memory = openDatabase(':memory:');
    expect(databaseFileOf(memory)).toBeUndefined();
    sqliteOf(memory).close();
    const order: string[] = [];
    onDatabaseClose(db, async () => {
      order.push(`hook (open: ${sqliteOf(db).open})`);
    });
    await db.destroy();
    order.push(`after (open: ${sqliteOf(db).open})`);
    expect(order).toEqual(['hook (open: true)', 'after (open: false)']);
  });
});
