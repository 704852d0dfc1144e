import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { type RunningHub, startHub } from './server.js';

const dirs: string[] = [];
const hubs: RunningHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close(100)));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(port: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-server-'));
  dirs.push(dataDir);
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', write: (l) => lines.push(l) });
  const started = startHub({
    dataDir,
    adminToken: 'server-test-token-0123456789',
    logger,
    port,
    staticDir: '/nonexistent',
  });
  return { started, lines };
}

describe('startHub', () => {
  it('says "Hub ready" only once the port is bound, and names the port in use when it is not', async () => {
    const first = await start(0);
    const hub = await first.started;
    hubs.push(hub);
    const ready = first.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => Object.values(l).includes('Hub ready'));
    expect(ready).toEqual([expect.objectContaining({ url: hub.url })]);

    const second = await start(hub.port);
    await expect(second.started).rejects.toThrow(`127.0.0.1:${hub.port} is already in use`);
    expect(second.lines.join('\n')).not.toContain('Hub ready');
    expect(second.lines.join('\n')).toContain('Hub loaded');
  });
});
