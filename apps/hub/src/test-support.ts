import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHub, type HubOptions } from './hub.js';
import { createLogger } from './logger.js';

export const TEST_TOKEN = 'test-admin-token-0123456789';

/** A hub on a fresh temp database, its log lines captured, and a request helper with the admin token. */
export async function createTestHub(options: Partial<HubOptions> = {}) {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-hub-'));
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const hub = await createHub({ dataDir, adminToken: TEST_TOKEN, logger, staticDir: '/nonexistent', ...options });
  const request = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    hub.app.request(url, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { hub, dataDir, lines, request };
}
