import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHub, type Hub, type HubOptions } from './hub.js';
import { createLogger } from './logger.js';

/**
 * Test helpers for plugin packages (`@synchub/hub/testing`): a real hub, on a fresh SQLite file in a temp
 * folder, driven through `app.request()`. A flow package's tests pass their own definition in `extraFlows`
 * (the workspace's flow packages are not scanned unless `workspaceFlows` says where), and their fetch,
 * clock and connectors as for any hub.
 */

export const TEST_TOKEN = 'test-admin-token-0123456789';

export interface TestHub {
  hub: Hub;
  dataDir: string;
  /** Every log line the hub wrote (JSON, debug level and up). */
  lines: string[];
  /** A request to the hub's app with the admin token (a JSON body when `body` is given). */
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Close the hub; the temp folder is removed too unless the caller gave `dataDir`. */
  close(): Promise<void>;
}

export async function createTestHub(options: Partial<HubOptions> = {}): Promise<TestHub> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-hub-'));
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const hub = await createHub({
    dataDir,
    adminToken: TEST_TOKEN,
    logger,
    staticDir: '/nonexistent',
    workspaceFlows: false,
    ...options,
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
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    })();
    return closing;
  };
  return { hub, dataDir, lines, request, close };
}
