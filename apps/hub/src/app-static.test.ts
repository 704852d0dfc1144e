import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub } from './test-support.js';

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let staticDir: string;

beforeAll(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Synchub</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'export {};');
  t = await createTestHub({ staticDir });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

describe('the dashboard shell', () => {
  it('is served with a policy that runs and reaches only the hub (the token is in localStorage)', async () => {
    for (const url of ['/', '/index.html', '/some/hash/route']) {
      const res = await t.hub.app.request(url);
      expect(res.status, url).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("connect-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const script = await t.hub.app.request('/assets/app.js');
    expect(script.status).toBe(200);
    // API answers are JSON, not documents: they need no policy.
    const api = await t.hub.app.request('/api/session', { headers: { authorization: 'Bearer x' } });
    expect(api.headers.get('content-security-policy')).toBeNull();
  });
});
