import path from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads process.env. Every setting has a default so `synchub start` works
 * with nothing configured; the README lists them all.
 */
const envSchema = z.object({
  SYNCHUB_DATA_DIR: z.string().min(1).default('./data'),
  SYNCHUB_HOST: z.string().min(1).default('127.0.0.1'),
  SYNCHUB_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** Admin token for the API; generated on first start (and printed once) when unset. */
  SYNCHUB_ADMIN_TOKEN: z.string().min(16, 'SYNCHUB_ADMIN_TOKEN must be at least 16 characters').optional(),
  /** 32-byte key (64 hex chars or base64) encrypting stored secrets; a key file in the data dir when unset. */
  SYNCHUB_SECRET_KEY: z.string().min(1).optional(),
  /** Only for `synchub rotate-key` when SYNCHUB_SECRET_KEY is used: the key to re-encrypt under. */
  SYNCHUB_NEW_SECRET_KEY: z.string().min(1).optional(),
  /** Extra folder whose node_modules holds third-party plugin packages (connectors, flows). */
  SYNCHUB_PLUGIN_DIR: z.string().min(1).optional(),
  /** Base URL others reach the hub at (webhook URLs services show); the listening address when unset. */
  SYNCHUB_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'SYNCHUB_PUBLIC_URL must be an http(s) URL' }).optional(),
  /** `postgres://…`: keep the hub's state in that PostgreSQL (15+) database instead of the SQLite file. */
  SYNCHUB_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//i, 'SYNCHUB_DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * PostgreSQL with several hubs: how long a process holds a lease (delivery to one destination, alert
   * evaluation) after its last renewal, in ms. A dead process's work is taken over this long after it died.
   */
  SYNCHUB_LEASE_TTL_MS: z.coerce.number().int().min(100).default(15_000),
  /**
   * How often held leases are renewed and free ones tried, in ms; shorter than SYNCHUB_LEASE_TTL_MS (a third
   * of it when unset).
   */
  SYNCHUB_LEASE_RENEW_MS: z.coerce.number().int().min(10).optional(),
  /** The running hub `synchub config export/apply` talk to; http://SYNCHUB_HOST:SYNCHUB_PORT when unset. */
  SYNCHUB_URL: z.url({ protocol: /^https?$/, error: 'SYNCHUB_URL must be an http(s) URL' }).optional(),
  SYNCHUB_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * Several hubs on one PostgreSQL: how often a hub says its pipeline runs are alive (ms). Another hub marks a
   * run interrupted, and retries it, after three missed heartbeats.
   */
  SYNCHUB_RUN_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
});

export type HubEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): HubEnv {
  const picked = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('SYNCHUB_') && v !== ''));
  // Parsed once per process: without the compiled parser zod builds at a first parse (~2 ms at each start).
  const parsed = envSchema.safeParse(picked, { jitless: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, SYNCHUB_DATA_DIR: path.resolve(parsed.data.SYNCHUB_DATA_DIR) };
}

/** Test settings (`@synchub/hub/testing`): which store test hubs use, and the PostgreSQL server for it. */
export interface TestEnv {
  store: 'sqlite' | 'postgres';
  /** Any database on the server tests create theirs on (default postgres://postgres@127.0.0.1:5432/postgres). */
  databaseUrl: string | undefined;
  /** CI=true: a PostgreSQL suite that cannot connect must fail, never skip. */
  ci: boolean;
}

export function readTestEnv(source: NodeJS.ProcessEnv = process.env): TestEnv {
  const store = source.SYNCHUB_TEST_STORE || 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') {
    throw new Error(`SYNCHUB_TEST_STORE must be sqlite or postgres (got ${store})`);
  }
  return { store, databaseUrl: source.SYNCHUB_TEST_DATABASE_URL || undefined, ci: source.CI === 'true' };
}
