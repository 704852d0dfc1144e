import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { shareHostModules } from '@synchub/registry';
import { rotateAdminToken } from './auth.js';
import type { Demo } from './demo.js';
import { DATABASE_FILE } from './hub.js';
import { migrateToLatest, openStore } from './db/index.js';
import { readEnv } from './env.js';
import { rotateSecretKey } from './rotate-key.js';
import { createLogger } from './logger.js';
import { startHub } from './server.js';

// Start-up allocates mostly what lives as long as the process (module code, schemas). While the modules above
// loaded, V8 grew its young generation (to 8 MB): far fewer scavenges, each copying what survives, than at its
// initial 1 MB (~25 fewer, ~8% of a cold start's CPU). Grown on to 16 MB it would keep ~6 MB more of an idle
// hub's RSS, so it stays this size until the hub listens; `start` then restores the default growth.
v8.setFlagsFromString('--semi-space-growth-factor=1');

const USAGE = `Usage: synchub <command> [options]

Commands:
  start      Run migrations and start the hub (API + dashboard)
  migrate    Apply database migrations and exit
  token      Generate a new admin token (the old one stops working) and print it
  rotate-key Re-encrypt stored secrets under a new key (stop the hub first; with SYNCHUB_SECRET_KEY set,
             pass the new key in SYNCHUB_NEW_SECRET_KEY and restart with it)
  config export [FILE]
             Write the running hub's connections, destinations, sources, pipelines and alert rules as YAML
             (stdout without FILE); secrets become \${SYNCHUB_…} references, never values
  config apply FILE [--dry-run] [--prune]
             Make the running hub match FILE (create, update; --prune also deletes what FILE leaves out);
             every problem is listed before anything changes; --dry-run prints the changes only

Options:
  --data-dir <dir>   Where the SQLite file and key live (env SYNCHUB_DATA_DIR, default ./data)
  --host <host>      Interface to bind (env SYNCHUB_HOST, default 127.0.0.1)
  --port <port>      Port (env SYNCHUB_PORT, default 8787; 0 = any free port)
  --database-url <url>
                     (start, migrate) keep state in PostgreSQL 15+ (postgres://user:pass@host/db, env
                     SYNCHUB_DATABASE_URL) instead of the SQLite file in the data dir
  --demo             (start) run the four vendor simulators in-process with seeded data and sandbox
                     connections to them; data goes to ./data-demo unless --data-dir is given
  --url <url>        (config) the running hub (env SYNCHUB_URL, default http://<host>:<port>); the admin token
                     is read from SYNCHUB_ADMIN_TOKEN
  -h, --help         Show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'database-url': { type: 'string' },
      demo: { type: 'boolean' },
      url: { type: 'string' },
      'dry-run': { type: 'boolean' },
      prune: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 1;
  }
  const env = readEnv({
    ...process.env,
    ...(values.demo && !values['data-dir'] && !process.env.SYNCHUB_DATA_DIR ? { SYNCHUB_DATA_DIR: './data-demo' } : {}),
    ...(values['data-dir'] ? { SYNCHUB_DATA_DIR: values['data-dir'] } : {}),
    ...(values.host ? { SYNCHUB_HOST: values.host } : {}),
    ...(values.port ? { SYNCHUB_PORT: values.port } : {}),
    ...(values['database-url'] ? { SYNCHUB_DATABASE_URL: values['database-url'] } : {}),
  });
  const store = {
    file: path.join(env.SYNCHUB_DATA_DIR, DATABASE_FILE),
    databaseUrl: env.SYNCHUB_DATABASE_URL,
  };
  const logger = createLogger({ level: env.SYNCHUB_LOG_LEVEL });

  switch (command) {
    case 'migrate': {
      const db = await openStore(store);
      const result = await migrateToLatest(db).finally(() => db.destroy());
      const applied = result.results?.map((r) => r.migrationName) ?? [];
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date\n');
      return 0;
    }
    case 'token': {
      if (env.SYNCHUB_ADMIN_TOKEN) {
        process.stderr.write('SYNCHUB_ADMIN_TOKEN is set: the hub uses that token; change the variable instead.\n');
        return 1;
      }
      const db = await openStore(store);
      try {
        await migrateToLatest(db);
        const token = await rotateAdminToken(db);
        process.stdout.write(`New admin token (shown once, store it safely):\n\n  ${token}\n\n`);
      } finally {
        await db.destroy();
      }
      return 0;
    }
    case 'rotate-key': {
      const db = await openStore(store);
      try {
        await migrateToLatest(db);
        const result = await rotateSecretKey(db, env.SYNCHUB_DATA_DIR, {
          fromEnv: env.SYNCHUB_SECRET_KEY,
          newKey: env.SYNCHUB_NEW_SECRET_KEY,
        });
        process.stdout.write(
          `Re-encrypted the secrets of ${result.connections} connection(s) and ${result.alertRules} alert rule(s) under key ${result.keyId}` +
            (result.keySource === 'env'
              ? '. Restart the hub with SYNCHUB_SECRET_KEY set to the new key.\n'
              : ' (key file replaced).\n'),
        );
      } finally {
        await db.destroy();
      }
      return 0;
    }
    case 'start': {
      // Plugins in SYNCHUB_PLUGIN_DIR import the hub's own @synchub/core and zod (one copy of each, so their
      // schemas and errors are the ones the hub checks), whatever npm installed beside them.
      if (env.SYNCHUB_PLUGIN_DIR) shareHostModules({ dirs: [env.SYNCHUB_PLUGIN_DIR], host: import.meta.url });
      const hub = await startHub({
        dataDir: env.SYNCHUB_DATA_DIR,
        adminToken: env.SYNCHUB_ADMIN_TOKEN,
        secretKey: env.SYNCHUB_SECRET_KEY,
        databaseUrl: env.SYNCHUB_DATABASE_URL,
        pluginDir: env.SYNCHUB_PLUGIN_DIR,
        publicUrl: env.SYNCHUB_PUBLIC_URL,
        leaseTtlMs: env.SYNCHUB_LEASE_TTL_MS,
        leaseRenewMs: env.SYNCHUB_LEASE_RENEW_MS,
        runHeartbeatMs: env.SYNCHUB_RUN_HEARTBEAT_MS,
        host: env.SYNCHUB_HOST,
        port: env.SYNCHUB_PORT,
        logger,
      });
      if (hub.createdToken) {
        process.stdout.write(
          `\nAdmin token (shown once — store it; \`synchub token\` makes a new one):\n\n  ${hub.createdToken}\n\n`,
        );
      }
      let demo: Demo | undefined;
      if (values.demo) {
        // The simulators (packages/sandbox) are loaded only for --demo: a plain start does not need them.
        const { sendDemoEvents, startDemo } = await import('./demo.js');
        demo = await startDemo(hub);
        // Sample events on the first start only: a restart keeps the events (and the write key) it had.
        if (demo.created) await sendDemoEvents(hub.url, demo.writeKey);
        process.stdout.write(
          [
            '',
            'Demo mode: vendor simulators are running in this process:',
            ...Object.entries(demo.servers).map(([name, s]) => `  ${name.padEnd(10)} ${s.url}`),
            `Sandbox connections, an event destination and "Demo source" point at them${demo.created ? '; sample events were sent' : ''}.`,
            `Demo source write key (the same at every demo start): ${demo.writeKey}`,
            '',
          ].join('\n'),
        );
      }
      process.stdout.write(`Synchub is running at ${hub.url}  (Ctrl+C to stop)\n`);
      // Held at its start-up size (top of this file) until now; under load it may grow again.
      v8.setFlagsFromString('--semi-space-growth-factor=2');
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info('Shutting down', { signal });
        Promise.all([hub.close(), demo?.close()]).then(
          () => process.exit(0),
          (error) => {
            logger.error('Shutdown failed', { error });
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      return -1; // keep running
    }
    case 'config': {
      // Through the running hub's API (its scheduler, delivery and alerts see each change), never the database.
      const { runConfigCommand } = await import('./config/cli.js');
      const host = env.SYNCHUB_HOST === '0.0.0.0' || env.SYNCHUB_HOST === '::' ? '127.0.0.1' : env.SYNCHUB_HOST;
      return runConfigCommand(
        {
          url: values.url ?? env.SYNCHUB_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${env.SYNCHUB_PORT}`,
          token: env.SYNCHUB_ADMIN_TOKEN,
          env: process.env,
          out: (text) => process.stdout.write(text),
          err: (text) => process.stderr.write(text),
        },
        { sub: positionals[1], file: positionals[2], dryRun: values['dry-run'] === true, prune: values.prune === true },
      );
    }
    default:
      process.stderr.write(`Unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`synchub: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
