import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRateLimiter, createUsageBudget, DAY, HOUR, MINUTE } from '@synchub/core';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './db/index.js';
import { createSqliteLimiterStore } from './limiter-store.js';
import { createSqliteUsageStore } from './usage-store.js';

const rule = { slowAt: 0.5, stopAt: 0.9, probeAfterMs: HOUR };

describe('SQLite usage store (vendor-reported budgets)', () => {
  it('keeps what the vendor reported across a restart of the hub', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-usage-')), 'db.sqlite');
    const t = Date.UTC(2026, 10, 23, 10, 0, 0);
    let db = openDatabase(file);
    await migrateToLatest(db);
    let budget = createUsageBudget({ store: createSqliteUsageStore(db), now: () => t });
    expect(await budget.status('crm:org:api', rule)).toBeNull();
    await budget.report('crm:org:api', { used: 950, limit: 1000, windowMs: DAY });
    await db.destroy();

    db = openDatabase(file);
    budget = createUsageBudget({ store: createSqliteUsageStore(db), now: () => t + MINUTE });
    expect(await budget.tryAcquire('crm:org:api', rule)).toEqual({
      ok: false,
      reason: 'stopped',
      waitUntil: t + HOUR,
    });
    expect(await budget.status('crm:org:api', rule)).toMatchObject({
      used: 950,
      limit: 1000,
      reportedAt: t,
      state: 'stopped',
    });
    expect(createSqliteUsageStore(db).get('crm:other:api')).toBeUndefined();
    await db.destroy();
  });

  it('shares the limiter windows table without touching the limiter’s counts, and is pruned once it says nothing', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    let t = Date.UTC(2026, 0, 1);
    const now = () => t;
    const limiter = createRateLimiter({ store: createSqliteLimiterStore(db, now), now });
    const store = createSqliteUsageStore(db);
    const state = { used: 5, limit: 100, windowMs: DAY, reportedAt: t, spentSince: 2, lastCallAt: t, holdUntil: 0 };
    store.put('acct:api', state);
    expect(store.get('acct:api')).toEqual(state);
    const windows = [{ limit: 3, windowMs: MINUTE }];
    expect((await limiter.tryAcquire('acct:api', windows)).ok).toBe(true);
    expect(await limiter.usage('acct:api', windows)).toMatchObject([{ used: 1 }]);
    store.put('acct:api', { ...state, used: 7 });
    expect(store.get('acct:api')).toMatchObject({ used: 7, spentSince: 2 });
    expect(await limiter.usage('acct:api', windows)).toMatchObject([{ used: 1 }]);

    // A day and more later the report has rolled out of its window: the limiter's pruning drops it.
    t += DAY + 2 * MINUTE;
    await limiter.tryAcquire('other', windows);
    expect(store.get('acct:api')).toBeUndefined();
    await db.destroy();
  });
});
