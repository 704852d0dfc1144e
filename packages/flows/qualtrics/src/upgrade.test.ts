import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CURSOR_KEY } from './rules.js';
import { LEGACY_CURSOR_KEY } from './legacy-cursor.js';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';

// biome-ignore lint/suspicious/noExplicitAny: test answers are checked by the assertions themselves
type Json = Record<string, any>;

let t: QualtricsTestHub | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const DATABASE_FILE = 'synchub.sqlite';
const json = async (res: Response) => (await res.json()) as Json;

const track = (hub: QualtricsTestHub, writeKey: string, plan: string) =>
  hub.hub.app.request('/v1/track', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ userId: 'u1', event: 'Renewed', properties: { plan } }),
  });

/** A hub with one trigger with one rule, and one stored matching event (delivery pending). */
async function seed(hub: QualtricsTestHub) {
  const { connection } = await json(
    await hub.request('POST', '/api/connections', {
      connectorId: 'qualtrics',
      name: 'Qualtrics',
      settings: { baseUrl: 'http://127.0.0.1:9', sandbox: true, triggerUrl: 'http://127.0.0.1:9/t?urlTokenId=x' },
      secrets: { apiToken: 'token-0000000000' },
    }),
  );
  const { trigger, secret } = await json(
    await hub.request('POST', '/api/qualtrics/triggers', {
      name: 'Renewal',
      connectionId: connection.id,
      template: [{ key: 'plan', value: '$.properties.plan' }],
    }),
  );
  const { source, writeKey } = await json(await hub.request('POST', '/api/sources', { name: 'web' }));
  const rule = await hub.request('POST', '/api/qualtrics/rules', { triggerId: trigger.id, event: 'Renewed' });
  expect(rule.status).toBe(201);
  expect((await track(hub, writeKey, 'first')).status).toBe(200);
  expect(await hub.qualtrics.rules.scan()).toEqual({ matched: 1, more: false });
  return { trigger, secret, source, writeKey };
}

describe('a database from before the plugin (tables made by the hub, cursor in its meta table)', () => {
  it('keeps its triggers, rules and deliveries, carries the rule cursor, and accepts the old webhook secret', async () => {
    t = await createQualtricsTestHub();
    const dir = t.dataDir;
    dataDir = dir;
    const { trigger, secret, writeKey } = await seed(t);
    const cursor = await t.host.state.get<number>(CURSOR_KEY);
    expect(cursor).toBeGreaterThan(0);
    const migrations = (db: Database.Database) =>
      (db.prepare("SELECT name FROM kysely_migration WHERE name LIKE '0006%'").all() as { name: string }[]).map(
        (r) => r.name,
      );
    // The hub alone, not `t.close()`: its folder (and database) must stay for the hub opened below.
    await t.hub.close();
    t = undefined;

    // Make it look like an older hub's: the tables are there and filled, but made by the hub's own 0006
    // (recorded under its old name), no plugin migration ran, and the cursor sits in `meta`.
    const file = path.join(dir, DATABASE_FILE);
    const old = new Database(file);
    expect(migrations(old)).toEqual(['0006_retired']);
    old.prepare("UPDATE kysely_migration SET name = '0006_qualtrics' WHERE name = '0006_retired'").run();
    const pluginTables = old
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'migrations_qualtrics%'")
      .all() as { name: string }[];
    expect(pluginTables.length).toBeGreaterThan(0);
    for (const { name } of pluginTables) old.exec(`DROP TABLE "${name}"`);
    old.prepare("DELETE FROM plugin_state WHERE scope = 'plugin:qualtrics'").run();
    old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(LEGACY_CURSOR_KEY, String(cursor));
    old.close();

    t = await createQualtricsTestHub({ dataDir: dir });
    const check = new Database(file, { readonly: true });
    expect(migrations(check)).toEqual(['0006_retired']);
    check.close();
    expect(await t.host.state.get(CURSOR_KEY)).toBe(cursor);
    const { triggers } = await json(await t.request('GET', '/api/qualtrics/triggers'));
    expect(triggers).toEqual([
      expect.objectContaining({ id: trigger.id, name: 'Renewal', counts: expect.any(Object) }),
    ]);
    const { rules } = await json(await t.request('GET', '/api/qualtrics/rules'));
    expect(rules).toHaveLength(1);
    const { deliveries } = await json(await t.request('GET', '/api/qualtrics/deliveries'));
    expect(deliveries).toEqual([expect.objectContaining({ origin: 'event', state: 'pending' })]);

    // The scan goes on from the carried cursor: the old event is not matched again, a new one is.
    expect(await t.qualtrics.rules.scan()).toEqual({ matched: 0, more: false });
    expect((await track(t, writeKey, 'second')).status).toBe(200);
    expect(await t.qualtrics.rules.scan()).toEqual({ matched: 1, more: false });
    const hook = await t.hub.app.request(`/hooks/qualtrics/${trigger.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-synchub-secret': secret },
      body: '{}',
    });
    expect(hook.status).toBe(202);
  });

  it('a fresh database gets the tables from the plugin and the retired hub migration as a no-op', async () => {
    t = await createQualtricsTestHub();
    const dir = t.dataDir;
    dataDir = dir;
    await t.hub.close();
    t = undefined;
    const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(tables).toEqual(expect.arrayContaining(['workflow_triggers', 'trigger_rules', 'trigger_deliveries']));
    const names = (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    db.close();
    expect(names).toContain('0006_retired');
    expect(names.filter((n) => n.startsWith('0006'))).toEqual(['0006_retired']);
  });
});
