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
    for (let i = 0; i < 3; i++) expect((await limiter.tryAcquire('gainsight:acme:sync', windows)).ok).toBe(true);
    expect(await limiter.tryAcquire('gainsight:acme:sync', windows)).toMatchObject({
      ok: false,
      waitUntil: t + MINUTE,
    });
    await db.destroy();

    // "Restart": a new connection and limiter on the same file still sees the spent calls.
    db = openDatabase(file);
    limiter = createRateLimiter({ store: createSqliteLimiterStore(db, now), now });
    expect((await limiter.tryAcquire('gainsight:acme:sync', windows)).ok).toBe(false);
    t += MINUTE;
    expect((await limiter.tryAcquire('gainsight:acme:sync', windows)).ok).toBe(true);
    expect((await limiter.tryAcquire('gainsight:acme:sync', windows)).ok).toBe(true);
    // The day window (5) is now spent even though the new minute has room.
    expect(await limiter.tryAcquire('gainsight:acme:sync', windows)).toMatchObject({
      ok: false,
      waitUntil: Date.UTC(2026, 10, 24),
    });
    // Another tenant is independent.
    expect((await limiter.tryAcquire('gainsight:other:sync', windows)).ok).toBe(true);

    await limiter.saturate('gainsight:other:sync', { limit: 3, windowMs: MINUTE });
    expect((await limiter.tryAcquire('gainsight:other:sync', windows)).ok).toBe(false);
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
    await db.destroy();
  });
});
