import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, generateToken, loadOrCreateKey, parseKey, safeEqual } from './crypto.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-crypto-'));

describe('secret box', () => {
  const box = createSecretBox(Buffer.alloc(32, 7));

  it('round-trips and never stores the plain text', () => {
    const sealed = box.seal('{"accessKey":"very-secret-value"}');
    expect(sealed).not.toContain('very-secret-value');
    expect(box.open(sealed)).toBe('{"accessKey":"very-secret-value"}');
  });

  it('uses a fresh IV per value', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('detects tampering through the GCM tag', () => {
    const parts = box.seal('hello world').split('.');
    const ct = Buffer.from(parts[4] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('names the key mismatch instead of failing obscurely', () => {
    const other = createSecretBox(Buffer.alloc(32, 8));
    expect(() => other.open(box.seal('x'))).toThrow(/encrypted with key .* but the hub runs with key/);
  });

  it('rejects keys of the wrong size', () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => parseKey('abcd')).toThrow(/32 bytes/);
    expect(parseKey('11'.repeat(32))).toHaveLength(32);
    expect(parseKey(Buffer.alloc(32, 1).toString('base64'))).toHaveLength(32);
  });
});

describe('key file', () => {
  it('is generated once with 0600 permissions and reused', () => {
    const dir = tmp();
    const first = loadOrCreateKey(dir, undefined);
    const mode = fs.statSync(path.join(dir, 'secret.key')).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(loadOrCreateKey(dir, undefined).key.equals(first.key)).toBe(true);
  });

  it('refuses a key file readable by others', () => {
    const dir = tmp();
    loadOrCreateKey(dir, undefined);
    fs.chmodSync(path.join(dir, 'secret.key'), 0o644);
    expect(() => loadOrCreateKey(dir, undefined)).toThrow(/readable by other users/);
  });

  it('prefers the environment key and writes no file', () => {
    const dir = tmp();
    const { key, source } = loadOrCreateKey(dir, 'ab'.repeat(32));
    expect(source).toBe('SYNCHUB_SECRET_KEY');
    expect(key.toString('hex')).toBe('ab'.repeat(32));
    expect(fs.existsSync(path.join(dir, 'secret.key'))).toBe(false);
  });
});

describe('tokens', () => {
  it('are long, random and compared in constant time', () => {
    const a = generateToken();
    expect(a).toMatch(/^shk_[A-Za-z0-9_-]{32}$/);
    expect(generateToken()).not.toBe(a);
    expect(safeEqual(a, a)).toBe(true);
    expect(safeEqual(a, `${a}x`)).toBe(false);
  });
});
