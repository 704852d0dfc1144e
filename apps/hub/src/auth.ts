import type { Db } from './db/index.js';
import { generateToken, safeEqual, sha256Hex } from './crypto.js';

const TOKEN_KEY = 'admin_token_sha256';

/**
 * The admin token is stored only as its SHA-256: the plain token is shown once (first start or
 * `synchub token`) and cannot be read back from the database.
 */
export interface AdminAuth {
  verify(token: string): Promise<boolean>;
}

export async function setAdminToken(db: Db, token: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key: TOKEN_KEY, value: sha256Hex(token) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: sha256Hex(token) }))
    .execute();
}

/**
 * Token from the environment wins (and is what the hub checks); otherwise the stored hash; otherwise a
 * new token is generated, stored and returned in `created` so the caller can print it once.
 */
export async function initAdminAuth(
  db: Db,
  fromEnv: string | undefined,
): Promise<{ auth: AdminAuth; created?: string }> {
  if (fromEnv) {
    const hash = sha256Hex(fromEnv);
    return { auth: { verify: async (token) => safeEqual(sha256Hex(token), hash) } };
  }
  const stored = () => db.selectFrom('meta').select('value').where('key', '=', TOKEN_KEY).executeTakeFirst();
  let created: string | undefined;
  if (!(await stored())) {
    created = generateToken();
    await setAdminToken(db, created);
  }
  // Read on every check so `synchub token` (another process) takes effect without a restart.
  const verify = async (token: string) => {
    const row = await stored();
    return row !== undefined && safeEqual(sha256Hex(token), row.value);
  };
  return { auth: { verify }, ...(created ? { created } : {}) };
}

export async function rotateAdminToken(db: Db): Promise<string> {
  const token = generateToken();
  await setAdminToken(db, token);
  return token;
}
