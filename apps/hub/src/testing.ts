import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './db/postgres/test-database.js';
import { readTestEnv } from './env.js';
import { createHub, type Hub, type HubOptions } from './hub.js';
import { createLogger } from './logger.js';

/**
 * Test helpers for plugin packages (`@synchub/hub/testing`): a real hub, on a fresh SQLite file in a temp
 * folder, driven through `app.request()`. A flow package's tests pass their own definition in `extraFlows`
 * (the workspace's flow packages are not scanned unless `workspaceFlows` says where), and their fetch,
 * clock and connectors as for any hub.
 *
 * With SYNCHUB_TEST_STORE=postgres each test hub gets a fresh PostgreSQL database instead (`synchub_t_…` on
 * the server of SYNCHUB_TEST_DATABASE_URL, default 127.0.0.1:5432 as postgres), dropped when it closes;
 * hubs given the same `dataDir` (a restart) share one, as they share the SQLite file. It is a copy of a
 * template migrated once per run, so a test hub starts in tens of ms there too.
 */

export const TEST_TOKEN = 'test-admin-token-0123456789';

export interface TestHub {
  hub: Hub;
  dataDir: string;
  /**
   * The PostgreSQL database the hub keeps its state in, undefined on SQLite (the file in `dataDir`): with
   * `dataDir`, what `openStore` needs to open the hub's store as the CLI does (e.g. after `hub.close()`).
   */
  databaseUrl: string | undefined;
  /** Every log line the hub wrote (JSON, debug level and up). */
  lines: string[];
  /** A request to the hub's app with the admin token (a JSON body when `body` is given). */
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Close the hub; the temp folder is removed too unless the caller gave `dataDir`. */
  close(): Promise<void>;
}

/** PostgreSQL databases of test hubs whose caller owns the data dir (a restart reopens the same one). */
const databasesByDir = new Map<string, Promise<TestDatabase>>();

async function testDatabaseUrl(dataDir: string, ownDir: boolean): Promise<{ url: string; drop?: () => Promise<void> }> {
  const env = readTestEnv();
  if (ownDir) {
    // Kept by its dir as well: a test may start a second hub on the first one's dir before closing it.
    const owned = createTestDatabase(env.databaseUrl, { migrated: true });
    databasesByDir.set(dataDir, owned);
    const made = await owned;
    return {
      url: made.url,
      drop: () => {
        databasesByDir.delete(dataDir);
        return made.drop();
      },
    };
  }
  let made = databasesByDir.get(dataDir);
  if (!made) {
    made = createTestDatabase(env.databaseUrl, { migrated: true });
    databasesByDir.set(dataDir, made);
    made.catch(() => databasesByDir.delete(dataDir));
  }
  return { url: (await made).url };
}

export async function createTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-hub-'));
  const database =
    options.databaseUrl === undefined && readTestEnv().store === 'postgres'
      ? await testDatabaseUrl(dataDir, ownDir)
      : undefined;
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const hub = await createHub({
    dataDir,
    adminToken: TEST_TOKEN,
    logger,
    staticDir: '/nonexistent',
    workspaceFlows: false,
    ...(database ? { databaseUrl: database.url } : {}),
    ...options,
  }).catch(async (error) => {
    await database?.drop?.();
    throw error;
  });
  const request = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(
      hub.app.request(url, {
        method,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await hub.close();
      await database?.drop?.();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    })();
    return closing;
  };
  return { hub, dataDir, databaseUrl: options.databaseUrl || database?.url, lines, request, close };
}
