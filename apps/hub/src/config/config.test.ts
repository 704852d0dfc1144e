import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineDestination } from '@synchub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { createMemo } from '../host/test-plugins.js';
import { definePipelineKind } from '../pipelines/kind.js';
import { createTestHub, TEST_TOKEN, type TestHub } from '../test-support.js';
import { type ConfigCli, runConfigCommand } from './cli.js';
import type { ExportAnswer } from './document.js';

// A kind whose settings name a second connection (`targetConnectionId`): the file holds its name.
const copyKind = definePipelineKind({
  kind: 'test.copy',
  title: 'Test copy',
  description: 'copies',
  group: 'Tests',
  connectorId: 'memo',
  settings: z.strictObject({ note: z.string().default(''), targetConnectionId: z.string().min(1) }),
  defaultSchedule: '0 3 * * *',
  async run() {},
});

const memo = () =>
  createMemo({
    destination: defineDestination({
      title: 'Memo people',
      settings: z.object({ list: z.string().default('people') }),
      messageTypes: ['identify'],
      merge: false,
      map: () => ({ records: [] }),
    }),
  }).connector;

const SECRETS = {
  SYNCHUB_MEMO_PROD_TOKEN: 'prod-secret-token-1111',
  SYNCHUB_MEMO_BACKUP_TOKEN: 'backup-secret-token-2222',
  SYNCHUB_ALERT_COPY_FAILED_WEBHOOK_URL: 'https://hooks.example.com/services/T0/B0/webhook-secret-3333',
  SYNCHUB_ALERT_COPY_FAILED_EMAIL_PASSWORD: 'smtp-secret-pass-4444',
};

const hubs: TestHub[] = [];
let dir: string;
const newHub = async () => {
  const t = await createTestHub({ kinds: [copyKind], extraConnectors: [memo()] });
  hubs.push(t);
  return t;
};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-config-'));
});
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((t) => t.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions themselves
type Json = Record<string, any>;
async function ok(t: TestHub, method: string, url: string, body?: unknown): Promise<Json> {
  const res = await t.request(method, url, body);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Json);
}

/** Two connections, a destination, a source, a pipeline naming both connections and an alert rule on it. */
async function seed(t: TestHub) {
  const conn = async (name: string, token: string, label: string) =>
    (await ok(t, 'POST', '/api/connections', { connectorId: 'memo', name, settings: { label }, secrets: { token } }))
      .connection.id as string;
  const prod = await conn('Memo prod', SECRETS.SYNCHUB_MEMO_PROD_TOKEN, 'prod');
  const backup = await conn('Memo backup', SECRETS.SYNCHUB_MEMO_BACKUP_TOKEN, 'backup');
  const { destination } = await ok(t, 'POST', '/api/destinations', {
    name: 'People',
    kind: 'memo',
    connectionId: prod,
    settings: { list: 'vip' },
  });
  await ok(t, 'POST', '/api/sources', { name: 'App', destinationId: destination.id });
  const { pipeline } = await ok(t, 'POST', '/api/pipelines', {
    kind: 'test.copy',
    name: 'Copy',
    connectionId: prod,
    settings: { note: 'nightly', targetConnectionId: backup },
    schedule: '0 4 * * *',
  });
  await ok(t, 'POST', '/api/alerts', {
    name: 'Copy failed',
    condition: { type: 'run_failed', pipelineId: pipeline.id },
    channels: {
      webhook: { url: SECRETS.SYNCHUB_ALERT_COPY_FAILED_WEBHOOK_URL },
      email: {
        host: 'smtp.example.com',
        from: 'hub@example.com',
        to: ['ops@example.com'],
        user: 'hub',
        password: SECRETS.SYNCHUB_ALERT_COPY_FAILED_EMAIL_PASSWORD,
      },
    },
  });
}

/** The CLI's commands against a test hub (in-process: its fetch is the app's `request`). */
function cli(t: TestHub, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const c: ConfigCli = {
    url: 'http://hub.test',
    token: TEST_TOKEN,
    env,
    fetch: (async (input: string | URL | Request, init?: RequestInit) =>
      t.hub.app.request(String(input), init)) as typeof fetch,
    out: (s) => out.push(s),
    err: (s) => err.push(s),
  };
  const run = async (sub: string, file: string, flags: { dryRun?: boolean; prune?: boolean } = {}) => {
    out.length = 0;
    err.length = 0;
    const code = await runConfigCommand(c, { sub, file, dryRun: flags.dryRun ?? false, prune: flags.prune ?? false });
    return { code, out: out.join(''), err: err.join('') };
  };
  return { run };
}

const state = async (t: TestHub) => (await ok(t, 'GET', '/api/config')) as ExportAnswer;
const secretsOf = async (t: TestHub, name: string) => {
  const c = (await t.hub.connections.list()).find((x) => x.name === name);
  if (!c) throw new Error(`no connection ${name}`);
  return (await t.hub.connections.resolve(c.id)).secrets;
};

describe('config export', () => {
  it('writes every object by name, secrets as env references and never their values', async () => {
    const a = await newHub();
    await seed(a);
    const file = path.join(dir, 'hub.yaml');
    const { code, err } = await cli(a).run('export', file);
    expect(code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    for (const value of Object.values(SECRETS)) {
      expect(text).not.toContain(value);
      expect(err).not.toContain(value);
    }
    expect(text).not.toContain('webhook-secret');
    const doc = parse(text);
    expect(doc.connections).toEqual([
      {
        name: 'Memo prod',
        connector: 'memo',
        settings: { label: 'prod' },
        secrets: { token: `\${SYNCHUB_MEMO_PROD_TOKEN}` },
      },
      {
        name: 'Memo backup',
        connector: 'memo',
        settings: { label: 'backup' },
        secrets: { token: `\${SYNCHUB_MEMO_BACKUP_TOKEN}` },
      },
    ]);
    expect(doc.pipelines[0]).toMatchObject({
      name: 'Copy',
      connection: 'Memo prod',
      schedule: '0 4 * * *',
      settings: { note: 'nightly', targetConnectionId: 'Memo backup' },
    });
    expect(doc.sources).toEqual([{ name: 'App', destination: 'People' }]);
    expect(doc.alerts[0].condition).toEqual({ type: 'run_failed', pipeline: 'Copy' });
    expect(doc.alerts[0].channels.webhook.url).toBe(`\${SYNCHUB_ALERT_COPY_FAILED_WEBHOOK_URL}`);
    expect(doc.alerts[0].channels.email.password).toBe(`\${SYNCHUB_ALERT_COPY_FAILED_EMAIL_PASSWORD}`);
    // Which variables to set is said (on stderr, so the YAML on stdout stays clean).
    for (const name of Object.keys(SECRETS)) expect(err).toContain(name);
    expect(err).toContain('without their write keys');
  });
});

describe('config apply', () => {
  it('recreates everything on an empty hub, and a second apply changes nothing', async () => {
    const a = await newHub();
    await seed(a);
    const file = path.join(dir, 'hub.yaml');
    await cli(a).run('export', file);

    const b = await newHub();
    const first = await cli(b, SECRETS).run('apply', file);
    expect(first.code).toBe(0);
    expect(first.out).toContain('+ create connection "Memo prod"');
    expect(first.out).toContain('Applied: 6 created, 0 updated, 0 deleted.');
    expect(first.out).toMatch(/Write key of new source "App" \(shown once\): wk_/);
    for (const value of Object.values(SECRETS)) expect(first.out).not.toContain(value);

    // The same configuration, by name: settings, secrets, references.
    expect((await state(b)).document).toEqual((await state(a)).document);
    expect(await secretsOf(b, 'Memo prod')).toEqual({ token: SECRETS.SYNCHUB_MEMO_PROD_TOKEN });
    expect(await secretsOf(b, 'Memo backup')).toEqual({ token: SECRETS.SYNCHUB_MEMO_BACKUP_TOKEN });
    const [pipeline] = await b.hub.pipelines.list();
    const backup = (await b.hub.connections.list()).find((c) => c.name === 'Memo backup');
    expect(pipeline?.settings.targetConnectionId).toBe(backup?.id);
    const [rule] = await b.hub.alerts.list();
    expect(rule?.condition).toEqual({ type: 'run_failed', pipelineId: pipeline?.id });
    const resolved = await b.hub.alerts.rules.resolve(rule?.id ?? '');
    expect(resolved.channels.webhook?.url).toBe(SECRETS.SYNCHUB_ALERT_COPY_FAILED_WEBHOOK_URL);
    expect(resolved.secrets.emailPassword).toBe(SECRETS.SYNCHUB_ALERT_COPY_FAILED_EMAIL_PASSWORD);

    const again = await cli(b, SECRETS).run('apply', file);
    expect(again.out).toBe('Nothing to change: the hub matches the file.\n');
    // Without the variables too: existing secrets are kept, nothing to change.
    expect((await cli(b, {}).run('apply', file)).out).toBe('Nothing to change: the hub matches the file.\n');
  });

  it('dry run prints the changes and changes nothing', async () => {
    const a = await newHub();
    await seed(a);
    const before = await state(a);
    const doc = structuredClone(before.document) as Json;
    doc.connections[0].settings.label = 'production';
    doc.pipelines[0].schedule = '0 5 * * *';
    doc.sources.push({ name: 'Website', destination: 'People' });
    const file = path.join(dir, 'changed.yaml');
    fs.writeFileSync(file, stringify(doc));

    const newToken = 'rotated-secret-token-5555';
    const dry = await cli(a, { SYNCHUB_MEMO_PROD_TOKEN: newToken }).run('apply', file, { dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('~ update connection "Memo prod"');
    expect(dry.out).toContain('settings.label: "prod" → "production"');
    expect(dry.out).toContain('secrets.token: changed (••••)');
    expect(dry.out).toContain('schedule: "0 4 * * *" → "0 5 * * *"');
    expect(dry.out).toContain('+ create source "Website"');
    expect(dry.out).toContain('Dry run: 1 to create, 2 to update, 0 to delete; nothing was changed.');
    expect(dry.out).not.toContain(newToken);
    expect(dry.out).not.toContain(SECRETS.SYNCHUB_MEMO_PROD_TOKEN);
    expect(await state(a)).toEqual(before);
    expect(await secretsOf(a, 'Memo prod')).toEqual({ token: SECRETS.SYNCHUB_MEMO_PROD_TOKEN });

    // Applied for real, the secret changes; its logs never hold it.
    await cli(a, { SYNCHUB_MEMO_PROD_TOKEN: newToken }).run('apply', file);
    expect(await secretsOf(a, 'Memo prod')).toEqual({ token: newToken });
    expect(a.lines.join('\n')).not.toContain(newToken);
  });

  it('keeps a stored secret whose variable is not set, and says so', async () => {
    const a = await newHub();
    await seed(a);
    const doc = structuredClone((await state(a)).document) as Json;
    doc.connections[0].settings.label = 'renamed';
    const file = path.join(dir, 'keep.yaml');
    fs.writeFileSync(file, stringify(doc));
    const { out } = await cli(a, {}).run('apply', file);
    expect(out).toContain('(secret token kept as stored: SYNCHUB_MEMO_PROD_TOKEN is not set)');
    expect(await secretsOf(a, 'Memo prod')).toEqual({ token: SECRETS.SYNCHUB_MEMO_PROD_TOKEN });
    expect((await t(a).connection('Memo prod')).settings).toEqual({ label: 'renamed' });
  });

  it('refuses a file with problems (unknown connector, bad settings, unset variable, missing reference, duplicate name), listing every one, and changes nothing', async () => {
    const a = await newHub();
    await seed(a);
    const before = await state(a);
    const doc = structuredClone(before.document) as Json;
    doc.connections.push(
      { name: 'Nowhere', connector: 'no-such-connector', settings: {} },
      { name: 'Memo new', connector: 'memo', settings: {}, secrets: { token: `\${SYNCHUB_MEMO_NEW_TOKEN}` } },
    );
    doc.connections[0].settings.label = 5;
    doc.pipelines.push({
      name: 'Orphan',
      kind: 'test.copy',
      connection: 'Missing',
      settings: { targetConnectionId: 'Memo prod' },
    });
    doc.destinations.push({ ...doc.destinations[0] });
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, stringify(doc));

    const { code, err, out } = await cli(a, {}).run('apply', file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('Refused: 5 problem(s), nothing was changed:');
    expect(err).toContain('destinations[1].name: "People" is named twice');
    expect(err).toContain('connections[2].connector: unknown connector "no-such-connector"');
    expect(err).toContain('connections[3].secrets.token: environment variable SYNCHUB_MEMO_NEW_TOKEN is not set');
    expect(err).toContain('connections[0].settings.label:');
    expect(err).toContain('pipelines[1].connection: no connection "Missing" in the file or on the hub');
    expect(await state(a)).toEqual(before);

    // The API answers the same list.
    const res = await a.request('POST', '/api/config/apply', { document: doc });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.issues).toHaveLength(5);
  });

  it('deletes what the file leaves out only with --prune', async () => {
    const a = await newHub();
    await seed(a);
    const doc = structuredClone((await state(a)).document) as Json;
    doc.alerts = [];
    doc.pipelines = [];
    doc.sources = [];
    doc.connections = doc.connections.filter((c: Json) => c.name !== 'Memo backup');
    const file = path.join(dir, 'smaller.yaml');
    fs.writeFileSync(file, stringify(doc));

    const kept = await cli(a, {}).run('apply', file);
    expect(kept.out).toContain('Nothing to change');
    expect(kept.out).toContain(
      'Not in the file, left as they are (--prune deletes them): alert "Copy failed", pipeline "Copy", source "App", connection "Memo backup"',
    );
    expect(await a.hub.pipelines.list()).toHaveLength(1);

    const dry = await cli(a, {}).run('apply', file, { prune: true, dryRun: true });
    expect(dry.out).toContain('- delete pipeline "Copy"');
    expect(dry.out).toContain('Dry run: 0 to create, 0 to update, 4 to delete; nothing was changed.');
    expect(await a.hub.pipelines.list()).toHaveLength(1);

    const pruned = await cli(a, {}).run('apply', file, { prune: true });
    expect(pruned.out).toContain('Applied: 0 created, 0 updated, 4 deleted.');
    expect(await a.hub.pipelines.list()).toEqual([]);
    expect(await a.hub.alerts.list()).toEqual([]);
    expect(await a.hub.sources.list()).toEqual([]);
    expect((await a.hub.connections.list()).map((c) => c.name)).toEqual(['Memo prod']);
    expect((await cli(a, {}).run('apply', file, { prune: true })).out).toBe(
      'Nothing to change: the hub matches the file.\n',
    );
  });

  it('refuses YAML that does not parse, and says what the hub needs to be reached', async () => {
    const a = await newHub();
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'version: 1\nconnections: [\n');
    const broken = await cli(a).run('apply', file);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('is not valid YAML, nothing was changed');
    fs.writeFileSync(file, 'version: 2\n');
    expect((await cli(a).run('apply', file)).err).toContain('version: version must be 1');
  });
});

const t = (hub: TestHub) => ({
  connection: async (name: string) => {
    const found = (await hub.hub.connections.list()).find((c) => c.name === name);
    if (!found) throw new Error(`no connection ${name}`);
    return found;
  },
});
