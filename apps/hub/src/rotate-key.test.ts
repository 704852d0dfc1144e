import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, NEXT_KEY_FILE } from './crypto.js';
import { createMemo } from './host/test-plugins.js';
import { rotateSecretKey } from './rotate-key.js';
import { createTestHub } from './test-support.js';

// A test connector ("Memo", one secret: `token`) on every hub, the restarted ones too.
const { connector } = createMemo();
const testHub = (options: Parameters<typeof createTestHub>[0] = {}) =>
  createTestHub({ extraConnectors: [connector], ...options });

const connection = (name: string, token: string) => ({
  connectorId: 'memo',
  name,
  settings: { label: 'acme' },
  secrets: { token },
});

async function seeded() {
  const t = await testHub();
  for (const [i, key] of ['first-secret-111', 'second-secret-222'].entries()) {
    expect((await t.request('POST', '/api/connections', connection(`c${i}`, key))).status).toBe(201);
  }
  return t;
}

const secretsOf = async (t: Awaited<ReturnType<typeof createTestHub>>) => {
  const out: unknown[] = [];
  for (const c of await t.hub.connections.list()) out.push((await t.hub.connections.resolve(c.id)).secrets);
  return out;
};

describe('synchub rotate-key', () => {
  it('re-encrypts every secret under a new key file; the hub reads them after a restart', async () => {
    const t = await seeded();
    const before = fs.readFileSync(path.join(t.dataDir, KEY_FILE), 'utf8');
    const blobsBefore = await t.hub.db.selectFrom('connections').select('secrets_enc').execute();
    const result = await rotateSecretKey(t.hub.db, t.dataDir, {});
    expect(result.connections).toBe(2);
    await t.hub.close();

    expect(fs.readFileSync(path.join(t.dataDir, KEY_FILE), 'utf8')).not.toBe(before);
    expect(fs.statSync(path.join(t.dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(t.dataDir, NEXT_KEY_FILE))).toBe(false);
    const after = await testHub({ dataDir: t.dataDir });
    const blobsAfter = await after.hub.db.selectFrom('connections').select('secrets_enc').execute();
    for (const [i, b] of blobsAfter.entries()) {
      expect(b.secrets_enc.split('.')[1]).toBe(result.keyId);
      expect(b.secrets_enc).not.toBe(blobsBefore[i]?.secrets_enc);
    }
    expect(await secretsOf(after)).toEqual([{ token: 'first-secret-111' }, { token: 'second-secret-222' }]);
    await after.hub.close();
  });

  it('survives being cut off after writing the new key: both keys stay readable', async () => {
    const t = await seeded();
    // A rotation interrupted after re-encrypting, before the rename: the new key sits beside the old one.
    const result = await rotateSecretKey(t.hub.db, t.dataDir, {});
    const newKey = fs.readFileSync(path.join(t.dataDir, KEY_FILE), 'utf8');
    await t.hub.close();
    fs.writeFileSync(path.join(t.dataDir, NEXT_KEY_FILE), newKey, { mode: 0o600 });
    fs.writeFileSync(path.join(t.dataDir, KEY_FILE), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    const after = await testHub({ dataDir: t.dataDir });
    expect(await secretsOf(after)).toHaveLength(2);
    expect(result.keyId).toHaveLength(8);
    await after.hub.close();
  });

  it('with SYNCHUB_SECRET_KEY it needs the new key given and writes no file', async () => {
    const oldKey = '11'.repeat(32);
    const t = await testHub({ secretKey: oldKey });
    await t.request('POST', '/api/connections', connection('env', 'env-secret-333'));
    expect(() => rotateSecretKey(t.hub.db, t.dataDir, { fromEnv: oldKey })).toThrow(/SYNCHUB_NEW_SECRET_KEY/);
    await rotateSecretKey(t.hub.db, t.dataDir, { fromEnv: oldKey, newKey: '22'.repeat(32) });
    await t.hub.close();
    expect(fs.existsSync(path.join(t.dataDir, KEY_FILE))).toBe(false);
    const after = await testHub({ dataDir: t.dataDir, secretKey: '22'.repeat(32) });
    expect(await secretsOf(after)).toEqual([{ token: 'env-secret-333' }]);
    await after.hub.close();
  });
});
