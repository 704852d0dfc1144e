import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MASK } from '../connections.js';
import { openStore } from '../db/index.js';
import { DATABASE_FILE } from '../hub.js';
import { rotateSecretKey } from '../rotate-key.js';
import {
  addConnection,
  alertHub,
  type Mailbox,
  type Receiver,
  runBehaviour,
  startMailbox,
  startReceiver,
} from './test-fixtures.js';

// Channels: e-mail through an SMTP server started here, the webhook's retries and failures (recorded, never
// thrown), "send a test alert", the API's validation, and the SMTP password kept out of answers and logs.

const PASSWORD = 'smtp-pass-4242-secret';
const clock = { now: Date.UTC(2026, 10, 23, 12, 0, 0) };
let t: Awaited<ReturnType<typeof alertHub>>;
let hook: Receiver;
let mail: Mailbox;

beforeEach(async () => {
  clock.now = Date.UTC(2026, 10, 23, 12, 0, 0);
  runBehaviour.fail = false;
  hook = await startReceiver();
  mail = await startMailbox('alerts@example.com', PASSWORD);
  t = await alertHub(clock);
});
afterEach(async () => {
  await t.hub.close();
  await hook.close();
  await mail.close();
});

const email = (over: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: mail.port,
  user: 'alerts@example.com',
  password: PASSWORD,
  from: 'synchub@example.com',
  to: ['oncall@example.com', 'cs-ops@example.com'],
  ...over,
});

/** Subject (RFC 2047 Q-encoded words), Date and quoted-printable body of a raw message, decoded. */
function readMail(raw: string) {
  const bytes = (qp: string) =>
    Buffer.from(
      qp.replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(unfolded)?.[1] ?? '';
  const subject = header('Subject')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_, q: string) => bytes(q.replace(/_/g, ' ')));
  return { subject, date: header('Date'), body: bytes(rest.join('\r\n\r\n').replace(/=\r\n/g, '')) };
}

type Rule = { id: string; channels: { email: Record<string, unknown> | null; webhook: { url: string } | null } };
type TestAnswer = { ok: boolean; results: Array<{ channel: string; ok: boolean; error?: string; target: string }> };
type History = { history: Array<{ kind: string; status: string; deliveries: Array<Record<string, unknown>> }> };

async function failingPipeline() {
  const connectionId = await addConnection(t);
  const p = await t.call<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
    kind: 'test.alerts',
    name: 'Accounts',
    connectionId,
    settings: {},
  });
  runBehaviour.fail = true;
  await (await t.hub.runner.start(p.body.pipeline.id, 'manual')).done;
  return p.body.pipeline.id;
}

describe('e-mail over SMTP', () => {
  it('sends a test alert and a real one to the SMTP server, logged in with the stored password', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Runs failing',
      condition: { type: 'run_failed' },
      channels: { email: email() },
    });
    expect(created.status).toBe(201);
    const id = created.body.rule.id;

    const test = await t.call<TestAnswer>('POST', `/api/alerts/${id}/test`);
    expect(test.body).toEqual({
      ok: true,
      results: [
        expect.objectContaining({ channel: 'email', ok: true, target: 'oncall@example.com, cs-ops@example.com' }),
      ],
    });
    expect(mail.messages).toHaveLength(1);
    const [message] = mail.messages;
    expect(message).toMatchObject({
      from: 'synchub@example.com',
      to: ['oncall@example.com', 'cs-ops@example.com'],
      user: 'alerts@example.com',
    });
    expect(message?.raw).toMatch(/^Subject: \[Synchub\] \[TEST\] Runs failing/m);
    expect(message?.raw).toContain('this channel works');

    await failingPipeline();
    await t.hub.alerts.evaluate();
    await t.hub.alerts.settled();
    expect(mail.messages).toHaveLength(2);
    const fired = readMail(mail.messages[1]?.raw ?? '');
    expect(fired.subject).toBe('[Synchub] [FIRING] Runs failing · pipeline “Accounts”');
    expect(fired.body).toContain('Run 1 of pipeline “Accounts” failed: the vendor said no');
    expect(fired.date).toBe(new Date(clock.now).toUTCString().replace('GMT', '+0000'));
    expect(mail.messages[1]?.raw).toContain('the vendor said no');
  });

  it('answers a refused login per channel, and records it in the history', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Both channels',
      condition: { type: 'run_failed' },
      channels: { webhook: { url: hook.url }, email: email({ password: 'wrong-password-1' }) },
    });
    const test = await t.call<TestAnswer>('POST', `/api/alerts/${created.body.rule.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(false);
    expect(test.body.results).toEqual([
      expect.objectContaining({ channel: 'webhook', ok: true }),
      expect.objectContaining({ channel: 'email', ok: false, error: expect.stringMatching(/^127\.0\.0\.1: .*535/) }),
    ]);
    const history = await t.call<History>('GET', `/api/alerts/history?ruleId=${created.body.rule.id}`);
    expect(history.body.history).toEqual([expect.objectContaining({ kind: 'test', status: 'partial' })]);
  });

  it('never shows or logs the password; it is stored encrypted; a masked or empty one keeps it', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Mail',
      condition: { type: 'run_failed' },
      channels: { email: email() },
    });
    const id = created.body.rule.id;
    expect(created.body.rule.channels.email).toMatchObject({ password: MASK, user: 'alerts@example.com' });
    const row = await t.hub.db
      .withTables<{ alert_rules: { id: string; channels_json: string; secrets_enc: string | null } }>()
      .selectFrom('alert_rules')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(row.secrets_enc).toMatch(/^v1\./);

    // The form sends the mask back (or nothing): the stored password stays and still works.
    for (const password of [MASK, '', undefined]) {
      const patched = await t.call<{ rule: Rule }>('PATCH', `/api/alerts/${id}`, {
        channels: { email: email({ password }) },
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.rule.channels.email?.password).toBe(MASK);
    }
    expect((await t.call<TestAnswer>('POST', `/api/alerts/${id}/test`)).body.ok).toBe(true);
    await failingPipeline();
    await t.hub.alerts.evaluate();
    await t.hub.alerts.settled();

    const answers = [
      await t.call('GET', '/api/alerts'),
      await t.call('GET', `/api/alerts/${id}`),
      await t.call('GET', '/api/alerts/history'),
      await t.call('GET', '/api/audit'),
    ];
    for (const a of answers) expect(JSON.stringify(a.body)).not.toContain(PASSWORD);
    expect(t.lines.join('\n')).not.toContain(PASSWORD);
    expect(t.lines.some((l) => l.includes('Alert firing'))).toBe(true);

    // null removes it: the server then refuses the login (it requires one).
    const removed = await t.call<{ rule: Rule }>('PATCH', `/api/alerts/${id}`, {
      channels: { email: email({ password: null }) },
    });
    expect(removed.body.rule.channels.email?.password).toBeNull();
    expect((await t.call<TestAnswer>('POST', `/api/alerts/${id}/test`)).body.ok).toBe(false);
  });

  it('keeps working after `synchub rotate-key` re-encrypts the password', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Mail',
      condition: { type: 'run_failed' },
      channels: { email: email() },
    });
    await t.hub.close();
    // The hub's store as `synchub rotate-key` opens it: the SQLite file, or the test hub's PostgreSQL database.
    const db = await openStore({ file: path.join(t.dataDir, DATABASE_FILE), databaseUrl: t.databaseUrl });
    const result = await rotateSecretKey(db, t.dataDir, {});
    await db.destroy();
    expect(result.alertRules).toBe(1);
    t = await alertHub(clock, t.dataDir);
    expect((await t.call<TestAnswer>('POST', `/api/alerts/${created.body.rule.id}/test`)).body.ok).toBe(true);
  });
});

describe('webhook delivery', () => {
  it('retries a channel that is down a few times, then records the failure (nothing thrown)', async () => {
    await failingPipeline();
    await t.call('POST', '/api/alerts', {
      name: 'Runs',
      condition: { type: 'run_failed' },
      channels: { webhook: { url: hook.url } },
    });
    hook.status = 503;
    await t.hub.alerts.evaluate();
    await t.hub.alerts.settled();
    // Three tries (two retries here), then it gives up.
    expect(hook.bodies).toHaveLength(3);
    const history = await t.call<History>('GET', '/api/alerts/history');
    expect(history.body.history[0]).toMatchObject({
      kind: 'firing',
      status: 'failed',
      deliveries: [{ channel: 'webhook', ok: false, attempts: 3, error: expect.stringContaining('answered 503') }],
    });
    expect(t.lines.some((l) => l.includes('Alert notification not delivered'))).toBe(true);
    // Still one alert per condition: a channel that failed does not make it fire again.
    hook.status = 200;
    await t.hub.alerts.evaluate();
    await t.hub.alerts.settled();
    expect(hook.bodies).toHaveLength(3);
  });

  it('does not retry what the receiver refuses (4xx)', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Runs',
      condition: { type: 'run_failed' },
      channels: { webhook: { url: hook.url } },
    });
    hook.status = 404;
    const test = await t.call<TestAnswer>('POST', `/api/alerts/${created.body.rule.id}/test`);
    expect(test.body.results).toEqual([expect.objectContaining({ ok: false, error: expect.stringContaining('404') })]);
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ state: 'test', text: expect.stringContaining('[TEST] Runs') });
  });

  it('sends a notification a stop left pending when the hub starts again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-alerts-'));
    await t.hub.close();
    // Retries far apart: the stop comes first.
    t = await alertHub(clock, dataDir, { retryDelaysMs: [60_000] });
    await failingPipeline();
    await t.call('POST', '/api/alerts', {
      name: 'Runs',
      condition: { type: 'run_failed' },
      channels: { webhook: { url: hook.url } },
    });
    hook.status = 503;
    await t.hub.alerts.evaluate();
    // Stopped while the channel is down: the notification stays pending.
    await new Promise((r) => setTimeout(r, 50));
    await t.hub.close();
    const history = async () => (await t.call<History>('GET', '/api/alerts/history')).body.history;
    hook.status = 200;
    hook.bodies.length = 0;
    t = await alertHub(clock, dataDir);
    expect((await history())[0]).toMatchObject({ kind: 'firing', status: 'pending' });
    await t.hub.alerts.start();
    await t.hub.alerts.settled();
    expect(hook.bodies.map((b) => b.state)).toEqual(['firing']);
    expect((await history())[0]).toMatchObject({ kind: 'firing', status: 'sent' });
  });
});

describe('the webhook URL (a Slack URL carries its token)', () => {
  const SECRET_PATH = '/services/T000/B000/token-4242-secret';

  it('is stored encrypted and answered masked; sent back masked it is kept, a new one replaces it', async () => {
    const url = `${hook.url.replace(/\/hooks\/alerts$/, '')}${SECRET_PATH}?key=1`;
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Slack',
      condition: { type: 'run_failed' },
      channels: { webhook: { url } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.rule.id;
    const masked = `${new URL(url).origin}/${MASK}`;
    expect(created.body.rule.channels.webhook).toEqual({ url: masked });
    const row = await t.hub.db
      .withTables<{ alert_rules: { channels_json: string; secrets_enc: string | null } }>()
      .selectFrom('alert_rules')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('token-4242-secret');
    expect(row.secrets_enc).toMatch(/^v1\./);

    // The form sends the masked URL back with another change: the saved URL stays and is the one called.
    const patched = await t.call<{ rule: Rule }>('PATCH', `/api/alerts/${id}`, {
      name: 'Slack #ops',
      channels: { webhook: { url: masked } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.rule.channels.webhook).toEqual({ url: masked });
    expect((await t.call<TestAnswer>('POST', `/api/alerts/${id}/test`)).body).toMatchObject({
      ok: true,
      results: [{ channel: 'webhook', target: new URL(url).host }],
    });
    expect(hook.paths).toEqual([`${SECRET_PATH}?key=1`]);

    await failingPipeline();
    await t.hub.alerts.evaluate();
    await t.hub.alerts.settled();
    const answers = [
      await t.call('GET', '/api/alerts'),
      await t.call('GET', `/api/alerts/${id}`),
      await t.call('GET', '/api/alerts/history'),
      await t.call('GET', '/api/audit'),
    ];
    for (const a of answers) expect(JSON.stringify(a.body)).not.toContain('token-4242-secret');
    expect(t.lines.join('\n')).not.toContain('token-4242-secret');
    expect(hook.paths).toHaveLength(2);

    // A new URL replaces it.
    const other = `${hook.url.replace(/\/hooks\/alerts$/, '')}/other`;
    await t.call('PATCH', `/api/alerts/${id}`, { channels: { webhook: { url: other } } });
    await t.call('POST', `/api/alerts/${id}/test`);
    expect(hook.paths.at(-1)).toBe('/other');
  });

  it('refuses a masked URL it has nothing saved for', async () => {
    const res = await t.call<{ error: { message: string } }>('POST', '/api/alerts', {
      name: 'Slack',
      condition: { type: 'run_failed' },
      channels: { webhook: { url: `https://hooks.slack.com/${MASK}` } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^channels\.webhook\.url: enter the whole URL/);
  });

  it('still sends a rule saved before the URL was sealed (kept whole in channels_json)', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'Old',
      condition: { type: 'run_failed' },
    });
    await t.hub.db
      .withTables<{ alert_rules: { id: string; channels_json: string } }>()
      .updateTable('alert_rules')
      .set({ channels_json: JSON.stringify({ webhook: { url: hook.url }, email: null }) })
      .where('id', '=', created.body.rule.id)
      .execute();
    const got = await t.call<{ rule: Rule }>('GET', `/api/alerts/${created.body.rule.id}`);
    expect(got.body.rule.channels.webhook).toEqual({ url: `${new URL(hook.url).origin}/${MASK}` });
    expect((await t.call<TestAnswer>('POST', `/api/alerts/${created.body.rule.id}/test`)).body.ok).toBe(true);
    expect(hook.paths).toEqual(['/hooks/alerts']);
  });
});

describe('the API', () => {
  const bad = async (body: unknown) => {
    const res = await t.call<{ error: { code: string; message: string; issues: Array<{ path: string }> } }>(
      'POST',
      '/api/alerts',
      body,
    );
    expect(res.status).toBe(400);
    return res.body.error;
  };

  it('refuses bad input with a message naming the field', async () => {
    const rule = { name: 'r', condition: { type: 'run_failed' } };
    expect((await bad({ ...rule, condition: { type: 'nope' } })).message).toMatch(
      /^condition\.type: type must be one of run_failed, pipeline_stale/,
    );
    expect((await bad({ ...rule, condition: { type: 'failed_events' } })).message).toMatch(/^condition\.threshold/);
    expect((await bad({ ...rule, condition: { type: 'waiting_age', minutes: 0 } })).message).toBe(
      'condition.minutes: at least 1',
    );
    expect((await bad({ ...rule, condition: { type: 'budget_used', percent: 120 } })).message).toBe(
      'condition.percent: at most 100',
    );
    expect((await bad({ ...rule, channels: { webhook: { url: 'http://example.com/hook' } } })).message).toMatch(
      /^channels\.webhook\.url: must be an https:\/\/ URL/,
    );
    expect((await bad({ ...rule, channels: { email: email({ to: ['not-an-address'] }) } })).issues[0]?.path).toBe(
      'channels.email.to.0',
    );
    expect((await bad({ ...rule, condition: { type: 'run_failed', pipelineId: 'missing' } })).message).toBe(
      'condition.pipelineId: no pipeline with id missing',
    );
    expect((await bad({ ...rule, name: '' })).message).toBe('name: required');
    expect((await bad({ ...rule, extra: 1 })).issues[0]?.path).toBe('(body)');
  });

  it('accepts https and loopback webhooks, refuses a duplicate name, 404s an unknown rule', async () => {
    for (const url of ['https://hooks.example.com/services/T/B/x', 'http://localhost:9000/x', 'http://[::1]:9/x']) {
      const res = await t.call('POST', '/api/alerts', {
        name: url,
        condition: { type: 'run_failed' },
        channels: { webhook: { url } },
      });
      expect(res.status, url).toBe(201);
    }
    const dup = await t.call('POST', '/api/alerts', {
      name: 'http://localhost:9000/x',
      condition: { type: 'run_failed' },
    });
    expect(dup.status).toBe(409);
    expect((await t.call('GET', '/api/alerts/nope')).status).toBe(404);
    expect((await t.call('POST', '/api/alerts/nope/test')).status).toBe(404);
    expect((await t.call('DELETE', '/api/alerts/nope')).status).toBe(404);
  });

  it('says so when a rule to test has no channel', async () => {
    const created = await t.call<{ rule: Rule }>('POST', '/api/alerts', {
      name: 'r',
      condition: { type: 'run_failed' },
    });
    const res = await t.call<{ error: { message: string } }>('POST', `/api/alerts/${created.body.rule.id}/test`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('channels: this rule has no channel: add a webhook URL or an e-mail');
  });

  it('lists rules with defaults filled in, updates and deletes them (history stays)', async () => {
    const created = await t.call<{ rule: Rule & Record<string, unknown> }>('POST', '/api/alerts', {
      name: 'Stale',
      condition: { type: 'pipeline_stale' },
      channels: { webhook: { url: hook.url } },
    });
    expect(created.body.rule).toMatchObject({
      name: 'Stale',
      enabled: true,
      condition: { type: 'pipeline_stale', pipelineId: null, periods: 2 },
      channels: { webhook: { url: `${new URL(hook.url).origin}/${MASK}` }, email: null },
      state: { status: 'ok', since: null, firing: [], pending: [] },
    });
    const id = created.body.rule.id;
    await t.call('POST', `/api/alerts/${id}/test`);
    const patched = await t.call<{ rule: Record<string, unknown> }>('PATCH', `/api/alerts/${id}`, {
      name: 'Stale pipelines',
      condition: { type: 'pipeline_stale', periods: 3 },
    });
    expect(patched.body.rule).toMatchObject({ name: 'Stale pipelines', condition: { periods: 3 } });
    expect((await t.call('DELETE', `/api/alerts/${id}`)).status).toBe(204);
    expect((await t.call<{ rules: unknown[] }>('GET', '/api/alerts')).body.rules).toEqual([]);
    const history = await t.call<{ history: Array<{ ruleName: string }> }>('GET', '/api/alerts/history');
    expect(history.body.history).toEqual([expect.objectContaining({ ruleName: 'Stale' })]);
  });
});
