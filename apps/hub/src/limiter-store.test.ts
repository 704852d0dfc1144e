import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRateLimiter, DAY, MINUTE } from '@synchub/core';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './db/index.js';
import { createSqliteLimiterStore } from './limiter-store.js';

const windows = [
  { limit: 3, windowMs: MINUTE },
  { limit: 5, windowMs: DAY },
];

describe('SQLite limiter store', () => {
  it('keeps a tenant budget across a restart of the hub', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-limiter-')), 'db.sqlite');
    let t = Date.UTC(2026, 10, 23, 10, 0, 0);
    const now = () => t;

    let db = openDatabase(file);
    await migrateToLatest(db);
    let limiter = createRateLimiter({ store: createSqliteLimiterStore(db, now), now });
    for (let i = 0; i < 2; i++) expect((await limiter.tryAcquire('acme:tenant:sync', windows)).ok).toBe(true);
    t += 1_000;
    expect((await limiter.tryAcquire('acme:tenant:sync', windows)).ok).toBe(true);
    // Three calls in the rolling minute: the next waits until the first ones stop counting (61 s later).
    const waiting = await limiter.tryAcquire('acme:tenant:sync', windows);
    expect(waiting.ok).toBe(false);
    expect((waiting as { waitUntil: number }).waitUntil).toBeGreaterThanOrEqual(t - 1_000 + MINUTE + 1_000);
    await db.destroy();

    // "Restart": a new connection and limiter on the same file still sees the spent calls.
    db = openDatabase(file);
    limiter = createRateLimiter({ store: createSqliteLimiterStore(db, now), now });
    expect((await limiter.tryAcquire('acme:tenant:sync', windows)).ok).toBe(false);
    // Calls spread out (a small budget is spent one call per slot once half used).
    t += 150_000;
    expect((await limiter.tryAcquire('acme:tenant:sync', windows)).ok).toBe(true);
    t += 150_000;
    expect((await limiter.tryAcquire('acme:tenant:sync', windows)).ok).toBe(true);
    t += 150_000;
    // The day window (5) is now spent even though the minute has room: it waits for the first calls of
    // the day to stop counting (a rolling day plus its margin).
    const blocked = await limiter.tryAcquire('acme:tenant:sync', windows);
    expect(blocked).toMatchObject({ ok: false, window: windows[1] });
    expect((blocked as { waitUntil: number }).waitUntil).toBeGreaterThan(Date.UTC(2026, 10, 24, 10, 0, 0));
    // Another tenant is independent.
    expect((await limiter.tryAcquire('acme:other:sync', windows)).ok).toBe(true);

    await limiter.saturate('acme:other:sync', { limit: 3, windowMs: MINUTE });
    expect((await limiter.tryAcquire('acme:other:sync', windows)).ok).toBe(false);
    await db.destroy();
  });

  it('prunes windows that have ended', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    let t = Date.UTC(2026, 0, 1);
    const limiter = createRateLimiter({ store: createSqliteLimiterStore(db, () => t), now: () => t });
    await limiter.tryAcquire('a', [{ limit: 10, windowMs: MINUTE }]);
    t += 2 * MINUTE;
    await limiter.tryAcquire('a', [{ limit: 10, windowMs: MINUTE }]);
    const rows = await db.selectFrom('limiter_windows').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.window_start).toBe(t);
    expect(rows[0]?.window_ms).toBe(61_000); // kept while it counts: the window, its margin and its slot
    await db.destroy();
  });
});
