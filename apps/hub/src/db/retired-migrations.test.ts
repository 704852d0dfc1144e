import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from './index.js';
import { migrations, RETIRED } from './migrations/index.js';

let db: Db | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

const executed = async (d: Db) =>
  (await new Migrator({ db: d, provider: { getMigrations: async () => migrations } }).getMigrations())
    .filter((m) => m.executedAt !== undefined)
    .map((m) => m.name);

describe('retired migrations', () => {
  it('a fresh database records the retired migration under its current name', async () => {
    db = openDatabase(':memory:');
    await migrateToLatest(db);
    expect(await executed(db)).toEqual(Object.keys(migrations).sort());
    expect(RETIRED.every((name) => Object.hasOwn(migrations, name))).toBe(true);
  });

  it('a database that ran one under its old name is renamed, migrates on, and runs nothing twice', async () => {
    db = openDatabase(':memory:');
    // What an older hub ran: the same numbers, 0006 under the name it had before it was retired.
    const older = Object.fromEntries(
      Object.entries(migrations)
        .filter(([name]) => name < '0007')
        .map(([name, m]) => [name === '0006_retired' ? '0006_vendor_tables' : name, m]),
    );
    const result = await new Migrator({ db, provider: { getMigrations: async () => older } }).migrateToLatest();
    expect(result.error).toBeUndefined();
    await migrateToLatest(db);
    expect(await executed(db)).toEqual(Object.keys(migrations).sort());
  });
});
