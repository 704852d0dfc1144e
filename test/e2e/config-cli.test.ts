import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSourceArgs } from '../hub-command.js';
import { type HubProcess, startHubProcess } from '../hub-process.js';

/*
 * `synchub config export` and `synchub config apply` as a user runs them: the real CLI (from source) against
 * two real hub processes, the file and the secrets' environment variables in between.
 */

const TOKEN = 'config-cli-admin-token-0123456789';
const SECRET = 'pendo-integration-key-secret-9999';
let tmp: string;
let from: HubProcess;
let to: HubProcess;

async function startHub(name: string) {
  const dataDir = path.join(tmp, name);
  await mkdir(dataDir);
  return startHubProcess({ args: hubSourceArgs('start'), dataDir, pluginDir: path.join(tmp, 'plugins'), token: TOKEN });
}

/** Runs `synchub config …` against `hub`; resolves with its exit code and output (it never throws). */
async function synchub(hub: HubProcess, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, hubSourceArgs('config', ...args), {
      cwd: tmp,
      env: { ...process.env, SYNCHUB_URL: hub.url, SYNCHUB_ADMIN_TOKEN: TOKEN, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'synchub-config-cli-'));
  await mkdir(path.join(tmp, 'plugins'));
  [from, to] = await Promise.all([startHub('from'), startHub('to')]);
  await from.ok('POST', '/api/connections', {
    connectorId: 'pendo',
    name: 'Pendo EU',
    settings: { region: 'eu' },
    secrets: { integrationKey: SECRET },
  });
  await from.ok('POST', '/api/sources', { name: 'Website', destinationId: null });
}, 60_000);

afterAll(async () => {
  await Promise.all([from?.stop(), to?.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

describe('synchub config', () => {
  it('exports one hub to a file and applies it to another; a second apply changes nothing', async () => {
    const file = path.join(tmp, 'hub.yaml');
    const exported = await synchub(from, ['export', file]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('SYNCHUB_PENDO_EU_INTEGRATION_KEY');
    const yaml = await readFile(file, 'utf8');
    expect(yaml).toContain(`integrationKey: \${SYNCHUB_PENDO_EU_INTEGRATION_KEY}`);
    expect(yaml).not.toContain(SECRET);

    // Without the variable, a new connection cannot be made: refused, nothing changed.
    const refused = await synchub(to, ['apply', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('environment variable SYNCHUB_PENDO_EU_INTEGRATION_KEY is not set');
    expect((await to.ok('GET', '/api/connections')).connections).toEqual([]);

    const env = { SYNCHUB_PENDO_EU_INTEGRATION_KEY: SECRET };
    const applied = await synchub(to, ['apply', file], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Applied: 2 created, 0 updated, 0 deleted.');
    expect(applied.stdout).not.toContain(SECRET);
    expect((await to.ok('GET', '/api/config')).document).toEqual((await from.ok('GET', '/api/config')).document);

    const again = await synchub(to, ['apply', file, '--dry-run'], env);
    expect(again.stdout).toBe('Nothing to change: the hub matches the file.\n');
    // Each CLI run starts from TypeScript source (tsx): seconds each on a busy machine.
  }, 120_000);

  it('says how to reach the hub when the token is missing or wrong', async () => {
    const file = path.join(tmp, 'empty.yaml');
    await writeFile(file, 'version: 1\n');
    const wrong = await synchub(to, ['apply', file], { SYNCHUB_ADMIN_TOKEN: 'not-the-admin-token-000' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Invalid admin token');
  });
});
