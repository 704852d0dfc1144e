import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readTestEnv } from '../../env.js';
import type { Database } from '../schema.js';
import { openPostgres } from './connect.js';
import {
  createLeasedTask,
  createLeaseManager,
  currentFence,
  DB_NOW,
  type Fence,
  fenceContext,
  fenced,
  fenceHolds,
  isLeaseLost,
} from './leases.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Needs the PostgreSQL test server: `pnpm test:postgres` (SYNCHUB_TEST_STORE=postgres; fails in CI when unreachable).
describe.skipIf(readTestEnv().store !== 'postgres')('leases on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  beforeAll(async () => {
    database = await createTestDatabase(readTestEnv().databaseUrl, { migrated: true });
    db = await openPostgres(database.url);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const dbNow = async () => Number((await sql<{ t: number }>`SELECT ${DB_NOW} AS t`.execute(db)).rows[0]?.t);
  const fenceOf = (lease: Fence): Fence => ({ name: lease.name, owner: lease.owner, epoch: lease.epoch });

  it('gives a lease to one owner at a time, and a new epoch to every holder', async () => {
    const a = createLeaseManager(db, { owner: 'a', ttlMs: 60_000 });
    const b = createLeaseManager(db, { owner: 'b', ttlMs: 60_000 });
    const first = await a.acquire('one');
    expect(first).toMatchObject({ name: 'one', owner: 'a', epoch: 1 });
    expect(await b.acquire('one')).toBeUndefined();
    expect(await b.holder('one')).toMatchObject({ owner: 'a', epoch: 1 });
    // Its owner taking it again (a lane restarted) is a new epoch too: the earlier holding's writes are refused.
    expect(await a.acquire('one')).toMatchObject({ owner: 'a', epoch: 2 });
    expect(await a.renew(fenceOf(first as Fence))).toBeUndefined();
    // A clean stop hands it over at once.
    await a.release({ name: 'one', owner: 'a', epoch: 2 });
    expect(await a.holder('one')).toBeUndefined();
    expect(await b.acquire('one')).toMatchObject({ owner: 'b', epoch: 3 });
    // The old holder cannot renew, nor release the new holder's lease.
    expect(await a.renew({ name: 'one', owner: 'a', epoch: 2 })).toBeUndefined();
    await a.release({ name: 'one', owner: 'a', epoch: 2 });
    expect(await b.holder('one')).toMatchObject({ owner: 'b', epoch: 3 });
  });

  it('expires on the database clock, whatever the process clock says', async () => {
    const a = createLeaseManager(db, { owner: 'a', ttlMs: 1000 });
    const b = createLeaseManager(db, { owner: 'b', ttlMs: 1000 });
    const before = await dbNow();
    // This process's clock an hour ahead, then a day behind: neither expires nor prolongs a lease.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_000);
    const lease = await a.acquire('clock');
    expect(lease?.expiresAt).toBeGreaterThanOrEqual(before + 1000);
    expect(lease?.expiresAt).toBeLessThan(before + 1000 + 5_000);
    expect(await b.acquire('clock')).toBeUndefined();
    vi.setSystemTime(Date.now() - 86_400_000);
    expect(await b.acquire('clock')).toBeUndefined();
    vi.useRealTimers();
    // Renewing extends it from the database's now.
    await sleep(500);
    const renewed = await a.renew(fenceOf(lease as Fence));
    expect(renewed?.expiresAt).toBeGreaterThan(lease?.expiresAt as number);
    await sleep(600);
    expect(await b.acquire('clock')).toBeUndefined(); // 1.1 s after acquiring, 0.6 s after renewing
    await sleep(600);
    // Past its time with no renewal: the other owner takes it over, at the next epoch.
    expect(await b.acquire('clock')).toMatchObject({ owner: 'b', epoch: 2 });
    expect(await a.renew(fenceOf(lease as Fence))).toBeUndefined();
  });

  it('writes nothing under a stale fence, and a takeover waits for a fenced write in progress', async () => {
    const a = createLeaseManager(db, { owner: 'a', ttlMs: 1000 });
    const b = createLeaseManager(db, { owner: 'b', ttlMs: 60_000 });
    await db.insertInto('meta').values({ key: 'fenced-value', value: 'initial' }).execute();
    const value = async () =>
      (await db.selectFrom('meta').select('value').where('key', '=', 'fenced-value').executeTakeFirst())?.value;
    const setTo = (v: string) => (trx: Kysely<Database>) =>
      trx.updateTable('meta').set({ value: v }).where('key', '=', 'fenced-value').execute();

    const held = fenceOf((await a.acquire('fence')) as Fence);
    await fenced(db, held, setTo('by a'));
    expect(await value()).toBe('by a');

    // A fenced transaction checks the lease, then takes long (a slow write) while the lease runs out.
    const order: string[] = [];
    const slow = fenced(db, held, async (trx) => {
      await sleep(1500);
      await setTo('by a, late but checked first')(trx);
      order.push('a committed');
    });
    await sleep(1200);
    // Expired by now, but its row is locked FOR SHARE: the takeover waits for that transaction's commit.
    const takeover = b.acquire('fence').then((lease) => {
      order.push('b took over');
      return lease;
    });
    await slow;
    const taken = await takeover;
    expect(order).toEqual(['a committed', 'b took over']);
    expect(taken).toMatchObject({ owner: 'b', epoch: 2 });

    // After the takeover, the old fence writes nothing: the error says the lease is lost.
    const refused = await fenced(db, held, setTo('by a after the takeover')).catch((error: unknown) => error);
    expect(isLeaseLost(refused)).toBe(true);
    expect(await value()).toBe('by a, late but checked first');
    await fenced(db, fenceOf(taken as Fence), setTo('by b'));
    expect(await value()).toBe('by b');
  });

  it('offers the check as a condition for a statement of its own (the limiter reservation)', async () => {
    const a = createLeaseManager(db, { owner: 'a', ttlMs: 60_000 });
    const lease = fenceOf((await a.acquire('condition')) as Fence);
    const holds = async (fence: Fence) =>
      (await sql<{ held: boolean }>`SELECT ${fenceHolds(fence)} AS held`.execute(db)).rows[0]?.held;
    expect(await holds(lease)).toBe(true);
    expect(await holds({ ...lease, epoch: lease.epoch + 1 })).toBe(false);
    expect(await holds({ ...lease, owner: 'b' })).toBe(false);
    await a.release(lease);
    expect(await holds(lease)).toBe(false);
  });

  it('tells code several calls away which fence it runs under', async () => {
    const fence = { name: 'delivery:d1', owner: 'a', epoch: 7 };
    expect(currentFence()).toBeUndefined();
    const seen = await fenceContext.run(fence, async () => {
      await sleep(1);
      return new Promise((resolve) => setImmediate(() => resolve(currentFence())));
    });
    expect(seen).toEqual(fence);
  });

  it('runs leased work in one process at a time, and hands it over when its holder stops', async () => {
    const running: string[] = [];
    const task = (owner: string) =>
      createLeasedTask({
        leases: createLeaseManager(db, { owner, ttlMs: 300 }),
        name: 'single',
        renewMs: 50,
        start: async () => {
          running.push(owner);
        },
        stop: async () => {
          running.splice(running.indexOf(owner), 1);
        },
      });
    const a = task('a');
    const b = task('b');
    await a.start();
    await b.start();
    await sleep(200);
    expect(running).toEqual(['a']);
    expect([a.running, b.running]).toEqual([true, false]);
    await a.stop();
    expect(running).toEqual([]);
    await vi.waitFor(() => expect(running).toEqual(['b']), { timeout: 2_000 });

    // A holder that loses its lease (its row taken over behind its back) stops the work at its next renewal.
    await sql`UPDATE leases SET owner = 'c', epoch = epoch + 1 WHERE name = 'single'`.execute(db);
    await vi.waitFor(() => expect(running).toEqual([]), { timeout: 2_000 });
    expect(b.running).toBe(false);
    await b.stop();
  });
});
