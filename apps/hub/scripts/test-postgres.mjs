// `pnpm test:postgres`: the hub's unit tests with every test hub on a fresh PostgreSQL database
// (SYNCHUB_TEST_STORE=postgres). Unreachable server: CI (CI=true) fails; elsewhere it says so and skips.
// Afterwards it drops the test databases a run left (hubs that tests restarted on a data dir they own) and
// the template they were copied from.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const server = process.env.SYNCHUB_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const shown = server.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');

async function admin(work) {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

try {
  await admin((c) => c.query('SELECT 1'));
} catch (error) {
  if (process.env.CI === 'true') {
    console.error(`test:postgres: cannot connect to ${shown}: ${error.message}`);
    process.exit(1);
  }
  console.warn(`test:postgres: SKIPPED, no PostgreSQL at ${shown} (${error.message}); CI fails here instead`);
  process.exit(0);
}

// Test hubs copy a template database migrated once per run (src/db/postgres/test-database.ts): drop the one
// an earlier run left, so this run's is made by this checkout's migrations. Under the template's advisory
// lock (TEMPLATE_LOCK there), so a copy running elsewhere is not cut off mid-way.
const TEMPLATE_DATABASE = 'synchub_template';
const TEMPLATE_LOCK = 7_415_300_151;
const dropTemplate = () =>
  admin(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  });
await dropTemplate();

// Longer test deadlines on PostgreSQL: apps/hub/vitest.config.ts (a project's own settings win over the CLI's).
const run = spawnSync('npx', ['vitest', 'run', '--project', '@synchub/hub', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SYNCHUB_TEST_STORE: 'postgres' },
});
await admin(async (c) => {
  const { rows } = await c.query("SELECT datname FROM pg_database WHERE starts_with(datname, 'synchub_t_')");
  for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
}).catch(() => {});
await dropTemplate().catch(() => {});
process.exit(run.status ?? 1);
