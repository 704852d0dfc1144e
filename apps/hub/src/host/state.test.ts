import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../db/index.js';
import { createKeyValueState, createOverlayState, pipelineScope, pluginScope } from './state.js';

let db: Db;
let clock = 1000;
beforeEach(async () => {
  db = openDatabase(':memory:');
  await migrateToLatest(db);
});
afterEach(() => db.destroy());

describe('KeyValueState on plugin_state', () => {
  it('round-trips JSON values, overwrites, deletes, and keeps scopes apart', async () => {
    const a = createKeyValueState(db, pipelineScope('p1'), () => clock);
    const b = createKeyValueState(db, pluginScope('p1'), () => clock);
    await a.set('cursor', { page: 3, ids: ['x'] });
    await a.set('count', 1);
    clock = 2000;
    await a.set('count', 2);
    await b.set('count', 'other scope');
    expect(await a.get('cursor')).toEqual({ page: 3, ids: ['x'] });
    expect(await a.get('count')).toBe(2);
    expect(await b.get('count')).toBe('other scope');
    expect(await a.get('missing')).toBeUndefined();
    const row = await db.selectFrom('plugin_state').selectAll().where('key', '=', 'count').orderBy('scope').execute();
    expect(row.map((r) => [r.scope, r.value_json, r.updated_at])).toEqual([
      ['pipeline:p1', '2', 2000],
      ['plugin:p1', '"other scope"', 2000],
    ]);
    await a.delete('count');
    await a.set('cursor', undefined);
    expect(await a.list()).toEqual([]);
    await expect(a.set('fn', () => 1)).rejects.toThrow('State value of "fn" cannot be stored as JSON');
  });

  it('lists keys by prefix, sorted (characters, not bytes, decide the prefix)', async () => {
    const state = createKeyValueState(db, 'plugin:x', () => clock);
    for (const key of ['cat:b', 'cat:a', 'category', 'dog', 'cat:😀', 'cat']) await state.set(key, key.length);
    expect((await state.list('cat:')).map((e) => e.key)).toEqual(['cat:a', 'cat:b', 'cat:😀']);
    expect((await state.list('cat:😀')).map((e) => e.value)).toEqual([6]);
    expect((await state.list()).map((e) => e.key)).toEqual(['cat', 'cat:a', 'cat:b', 'cat:😀', 'category', 'dog']);
  });
});

describe('the overlay a preview gets', () => {
  it('reads the saved state and its own writes; saves nothing', async () => {
    const saved = createKeyValueState(db, 'pipeline:p', () => clock);
    await saved.set('a', 1);
    await saved.set('b', 2);
    const overlay = createOverlayState(saved);
    await overlay.set('a', 10);
    await overlay.delete('b');
    await overlay.set('c', 3);
    expect(await overlay.get('a')).toBe(10);
    expect(await overlay.get('b')).toBeUndefined();
    expect(await overlay.list()).toEqual([
      { key: 'a', value: 10 },
      { key: 'c', value: 3 },
    ]);
    expect(await saved.list()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
  });
});
