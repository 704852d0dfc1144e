import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase, writeTurnsOf } from './index.js';
import { MAIN, WORKER } from './write-turns.js';

let dir: string;
let db: Db;
let other: SQLite.Database;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-turns-'));
  const file = path.join(dir, 'synchub.sqlite');
  db = openDatabase(file);
  await migrateToLatest(db);
  other = new SQLite(file);
});
afterEach(async () => {
  other.close();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the commit worker does around a transaction (outbox-worker.js), played on a second connection. */
const workerTakes = (turns: Int32Array) => {
  Atomics.store(turns, WORKER, 1);
  other.exec('BEGIN IMMEDIATE');
};
const workerEnds = (turns: Int32Array) => {
  other.exec('COMMIT');
  Atomics.store(turns, WORKER, 0);
  Atomics.notify(turns, WORKER);
};

describe('write turns with the commit worker', () => {
  it('a write through Kysely waits for the worker without holding up the event loop', async () => {
    const turns = writeTurnsOf(db);
    workerTakes(turns);
    const ticks: string[] = [];
    const write = db
      .insertInto('meta')
      .values({ key: 'turns', value: 'x' })
      .execute()
      .then(() => ticks.push('written'));
    // In SQLite's busy handler this thread would sleep until the lock came free: no timer could fire.
    await new Promise((resolve) => setTimeout(resolve, 50));
    ticks.push('timer');
    expect(Atomics.load(turns, MAIN)).toBe(1); // the worker begins no new transaction meanwhile
    workerEnds(turns);
    await write;
    expect(ticks).toEqual(['timer', 'written']);
    expect(Atomics.load(turns, MAIN)).toBe(0);
    expect(await db.selectFrom('meta').select('value').where('key', '=', 'turns').executeTakeFirst()).toEqual({
      value: 'x',
    });
  });

  it('a read through Kysely does not wait for the worker', async () => {
    const turns = writeTurnsOf(db);
    workerTakes(turns);
    expect(await db.selectFrom('meta').selectAll().execute()).toEqual(expect.any(Array));
    expect(Atomics.load(turns, MAIN)).toBe(0);
    workerEnds(turns);
  });
});
