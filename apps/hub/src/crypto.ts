import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets at rest: AES-256-GCM, a fresh 12-byte IV per value, the auth tag checked on read.
 * Stored as `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url) so a wrong key is reported as such,
 * not as garbage JSON.
 */
export interface SecretBox {
  keyId: string;
  seal(plain: string): string;
  open(sealed: string): string;
}

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * Seals with `key`; opens values sealed with `key` or any of `others` (a rotation that was cut off
 * leaves values under both keys, and both stay readable until it is finished).
 */
export function createSecretBox(key: Buffer, others: Buffer[] = []): SecretBox {
  if (key.length !== 32) throw new Error(`The secret key must be 32 bytes (got ${key.length})`);
  const keyId = keyIdOf(key);
  const ring = new Map([key, ...others].map((k) => [keyIdOf(k), k] as const));
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return ['v1', keyId, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, id, iv, tag, ct] = sealed.split('.');
      if (version !== 'v1' || !id || iv === undefined || tag === undefined || ct === undefined) {
        throw new Error('Stored secret is not in a format this hub understands');
      }
      const opener = ring.get(id);
      if (!opener) {
        throw new Error(`Stored secret was encrypted with key ${id}, but the hub runs with key ${keyId}`);
      }
      const decipher = createDecipheriv('aes-256-gcm', opener, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** Accepts 64 hex characters or base64 of 32 bytes. */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('SYNCHUB_SECRET_KEY must be 32 bytes: 64 hex characters or base64');
  return key;
}

export const KEY_FILE = 'secret.key';
/** Written first by `synchub rotate-key`, renamed over KEY_FILE once every secret is re-encrypted. */
export const NEXT_KEY_FILE = 'secret.key.next';

/**
 * The key from the environment, else from `<dataDir>/secret.key`, created on first start with 0600
 * permissions (owner read/write only). Refuses a key file that others can read.
 */
export function loadOrCreateKey(
  dataDir: string,
  fromEnv: string | undefined,
): { key: Buffer; source: string; others: Buffer[] } {
  const next = path.join(dataDir, NEXT_KEY_FILE);
  const others = fs.existsSync(next) ? [readKeyFile(next)] : [];
  if (fromEnv) return { key: parseKey(fromEnv), source: 'SYNCHUB_SECRET_KEY', others };
  const file = path.join(dataDir, KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { key: readKeyFile(file), source: file, others };
}

function readKeyFile(file: string): Buffer {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  return parseKey(fs.readFileSync(file, 'utf8'));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Constant-time comparison of two strings of any length (hashing first equalises lengths). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export function generateToken(): string {
  return `shk_${randomBytes(24).toString('base64url')}`;
}
