import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHub, createLogger, type HubOptions } from '@synchub/hub';

export const TOKEN = 'soak-admin-token-0123456789';

/** A hub on a fresh temp dir (no socket, no background loops) plus an admin request helper. */
export async function soakHub(options: Partial<HubOptions> & { inMemoryDisk?: boolean } = {}) {
  const { inMemoryDisk, ...hubOptions } = options;
  // tmpfs when asked and present: a suite about delivery logic need not wait on fsync of a busy disk.
  const root = inMemoryDisk && fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dataDir = fs.mkdtempSync(path.join(root, 'synchub-soak-'));
  const errors: string[] = [];
  const logger = createLogger({ level: 'error', write: (line) => errors.push(line) });
  const hub = await createHub({ dataDir, adminToken: TOKEN, staticDir: '/nonexistent', logger, ...hubOptions });
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await hub.app.request(url, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  return {
    hub,
    api,
    /** Lines the hub logged at error level (unhandled errors show up here). */
    errors,
    async close() {
      await hub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const basic = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

/** Rows of `[label, value]` as an aligned block, so the printed counts read as a table. */
export function table(title: string, rows: Array<[string, string | number]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`── ${title}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}
