import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type RunningHub, startHub } from '@synchub/hub';
import { createGainsightSimulator, createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Gainsight ↔ Qualtrics, every leg over real HTTP: the hub on a socket, both simulators on theirs.
const TOKEN = 'e2e-admin-token-qualtrics-0123456789';
const UNKNOWN_GSID = '1P02NOTINGAINSIGHT00000000000000000';
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions themselves
type Json = Record<string, any>;

let hub: RunningHub;
let gs: ReturnType<typeof createGainsightSimulator>;
let qx: ReturnType<typeof createQualtricsSimulator>;
let gsServer: RunningServer;
let qxServer: RunningServer;
let qualtricsId: string;
let gainsightId: string;
let companies: string[];

const api = async (method: string, url: string, body?: unknown) => {
  const res = await fetch(`${hub.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as Json };
};
const hook = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const delivery = async (id: number) => (await api('GET', `/api/qualtrics/deliveries/${id}`)).body.delivery as Json;
const triggerUrl = (token: string) => `${qxServer.url}/inbound-event/v1/events/json/triggers?urlTokenId=${token}`;

beforeAll(async () => {
  gs = createGainsightSimulator({ companies: 3, people: 3, surveyResponses: 0 });
  companies = gs.state.rows('company').map((r) => String(r.Gsid));
  qx = createQualtricsSimulator({
    triggers: ['wf-gainsight', 'wf-onboarding'],
    surveys: 1,
    responsesPerSurvey: 40,
    exportPolls: 0,
    companyGsids: [...companies, UNKNOWN_GSID],
  });
  [gsServer, qxServer] = await Promise.all([listen(gs.app), listen(qx.app)]);
  hub = await startHub({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-qualtrics-')),
    adminToken: TOKEN,
    port: 0,
    logger: createLogger({ level: 'error' }),
  });
  const qxConn = await api('POST', '/api/connections', {
    connectorId: 'qualtrics',
    name: 'Qualtrics',
    settings: {
      baseUrl: qxServer.url,
      sandbox: true,
      triggerUrl: triggerUrl('wf-gainsight'),
      username: qx.credentials.username,
    },
    secrets: { apiToken: qx.credentials.apiToken },
  });
  qualtricsId = qxConn.body.connection.id;
  const gsConn = await api('POST', '/api/connections', {
    connectorId: 'gainsight',
    name: 'Gainsight',
    settings: { domain: gsServer.url, sandbox: true },
    secrets: { accessKey: gs.credentials.accessKey },
  });
  gainsightId = gsConn.body.connection.id;
});
afterAll(async () => {
  await hub?.close(1000);
  await gsServer?.close();
  await qxServer?.close();
});

describe('Gainsight External Action → hub webhook → Qualtrics workflow', () => {
  let webhookUrl: string;
  let secret: string;
  let triggerId: string;

  beforeAll(async () => {
    const created = await api('POST', '/api/qualtrics/triggers', {
      name: 'Renewal check-in',
      connectionId: qualtricsId,
      template: [
        { key: 'Company GSID', value: '$.Company GSID' },
        { key: 'Renewal Date', value: '$.Renewal Date' },
        { key: 'Origin', value: 'Gainsight rules engine' },
      ],
    });
    expect(created.status).toBe(201);
    ({ webhookUrl, secret } = created.body as { webhookUrl: string; secret: string });
    triggerId = created.body.trigger.id;
    expect(webhookUrl).toBe(`${hub.url}/hooks/qualtrics/${triggerId}`);
  });

  it('one call per rule row reaches Qualtrics with Basic auth and the key/values; both ids are recorded', async () => {
    const rows = [
      { 'Company GSID': companies[0], 'Renewal Date': '2026-03-31' },
      { 'Company GSID': companies[1], 'Renewal Date': '2026-04-30' },
    ];
    const before = qx.state.events.length;
    const ids: number[] = [];
    for (const row of rows) {
      const res = await hook(webhookUrl, JSON.stringify(row), { 'x-synchub-secret': secret });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as Json).deliveryId);
    }
    const done = await until(
      'both deliveries',
      () => Promise.all(ids.map(delivery)),
      (ds) => ds.every((d) => d.state === 'delivered'),
    );
    const received = qx.state.events.slice(before);
    expect(received.map((e) => e.body)).toEqual(rows.map((r) => ({ ...r, Origin: 'Gainsight rules engine' })));
    expect(received.every((e) => e.urlTokenId === 'wf-gainsight' && e.auth === 'basic')).toBe(true);
    const calls = qx.control.requests.filter((r) => r.path.startsWith('/inbound-event')).slice(-2);
    const basic = `Basic ${Buffer.from(`${qx.credentials.username}:${qx.credentials.apiToken}`).toString('base64')}`;
    expect(calls.map((c) => c.headers.authorization)).toEqual([basic, basic]);
    expect(done.map((d) => [d.statusCode, d.eventId, d.requestId])).toEqual(
      received.map((e) => [202, e.eventId, e.requestId]),
    );
  });

  it('refuses a wrong secret (401), a malformed body (400) and an oversized one (413), storing nothing', async () => {
    const before = (await api('GET', `/api/qualtrics/deliveries?triggerId=${triggerId}`)).body.deliveries.length;
    const wrong = await hook(webhookUrl, '{}', { authorization: 'Bearer qwh_not-the-secret' });
    expect(wrong.status).toBe(401);
    const malformed = await hook(webhookUrl, '{"Company GSID": "1P02', { authorization: `Bearer ${secret}` });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Json).error.message).toMatch(/not valid JSON/);
    const big = await hook(webhookUrl, JSON.stringify({ blob: 'x'.repeat(120 * 1024) }), {
      'x-synchub-secret': secret,
    });
    expect(big.status).toBe(413);
    const after = (await api('GET', `/api/qualtrics/deliveries?triggerId=${triggerId}`)).body.deliveries.length;
    expect(after).toBe(before);
  });

  it('a Qualtrics 5xx leaves the call retrying, then it is delivered', async () => {
    qx.control.faults.set('/inbound-event', { errorRate: 1 });
    const res = await hook(webhookUrl, JSON.stringify({ 'Company GSID': companies[2] }), {
      'x-synchub-secret': secret,
    });
    const { deliveryId } = (await res.json()) as Json;
    const retrying = await until(
      'a retry',
      () => delivery(deliveryId),
      (d) => d.state === 'retrying',
    );
    expect([500, 502, 503]).toContain(retrying.statusCode);
    expect(retrying.lastError).toMatchObject({
      code: 'transient',
      body: { meta: { error: { errorCode: expect.any(String) } } },
    });
    qx.control.faults.clear();
    const delivered = await until(
      'delivery after the retry',
      () => delivery(deliveryId),
      (d) => d.state === 'delivered',
    );
    expect(delivered).toMatchObject({ statusCode: 202, attempts: 2, eventId: qx.state.events.at(-1)?.eventId });
  });

  it('a permanent failure is kept with the vendor body and delivered once replayed after the fix', async () => {
    await api('PATCH', `/api/qualtrics/triggers/${triggerId}`, { triggerUrl: triggerUrl('wf-removed') });
    const res = await hook(webhookUrl, JSON.stringify({ 'Company GSID': companies[0] }), {
      'x-synchub-secret': secret,
    });
    const { deliveryId } = (await res.json()) as Json;
    const failed = await until(
      'the failure',
      () => delivery(deliveryId),
      (d) => d.state === 'failed',
    );
    expect(failed).toMatchObject({
      statusCode: 404,
      lastError: { code: 'not_found', body: { meta: { httpStatus: '404 - Not Found' } } },
    });
    await api('PATCH', `/api/qualtrics/triggers/${triggerId}`, { triggerUrl: null });
    const replay = await api('POST', `/api/qualtrics/deliveries/${deliveryId}/replay`);
    expect(replay.body).toEqual({ replayed: 1 });
    const delivered = await until(
      'the replay',
      () => delivery(deliveryId),
      (d) => d.state === 'delivered',
    );
    expect(delivered.eventId).toBe(qx.state.events.at(-1)?.eventId);
    expect(qx.state.events.at(-1)).toMatchObject({
      urlTokenId: 'wf-gainsight',
      body: { 'Company GSID': companies[0] },
    });
  });
});

describe('hub event → Qualtrics workflow', () => {
  it('a track "Onboarding Completed" ingested through /v1 triggers the workflow', async () => {
    const trigger = await api('POST', '/api/qualtrics/triggers', {
      name: 'Onboarding survey',
      connectionId: qualtricsId,
      triggerUrl: triggerUrl('wf-onboarding'),
      template: [
        { key: 'Company GSID', value: '$.context.traits.companyGsid' },
        { key: 'Email', value: '$.context.traits.email' },
      ],
    });
    const rule = await api('POST', '/api/qualtrics/rules', {
      triggerId: trigger.body.trigger.id,
      type: 'track',
      event: 'Onboarding Completed',
    });
    expect(rule.status).toBe(201);
    const source = await api('POST', '/api/sources', { name: 'Web app' });
    const ingest = await fetch(`${hub.url}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${source.body.writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: ['Onboarding Completed', 'Report Exported'].map((event) => ({
          type: 'track',
          userId: 'user-7',
          event,
          context: { traits: { companyGsid: companies[1], email: 'grace@example.com' } },
        })),
      }),
    });
    expect(ingest.status).toBe(200);
    const event = await until(
      'the onboarding workflow',
      async () => qx.state.events.filter((e) => e.urlTokenId === 'wf-onboarding'),
      (list) => list.length > 0,
    );
    expect(event.map((e) => e.body)).toEqual([{ 'Company GSID': companies[1], Email: 'grace@example.com' }]);
    const { deliveries } = (await api('GET', `/api/qualtrics/deliveries?triggerId=${trigger.body.trigger.id}`)).body;
    await until(
      'the recorded ids',
      () => delivery(deliveries[0].id),
      (d) => d.requestId === event[0]?.requestId,
    );
  });
});

describe('Qualtrics survey responses → Gainsight', () => {
  it('exports responses and writes rows with score, group and company; unknown GSIDs are counted, not created', async () => {
    const survey = qx.state.surveys[0]!;
    const created = await api('POST', '/api/pipelines', {
      kind: 'qualtrics.responses_to_gainsight',
      name: 'Relationship NPS → Gainsight',
      connectionId: qualtricsId,
      settings: { surveyIds: [survey.id], gainsightConnectionId: gainsightId },
    });
    expect(created.status).toBe(201);
    const started = await api('POST', `/api/pipelines/${created.body.pipeline.id}/run`);
    expect(started.status).toBe(202);
    const run = await until(
      'the run',
      async () => (await api('GET', `/api/runs/${started.body.runId}`)).body.run as Json,
      (r) => r.status !== 'running',
    );
    expect(run.status, JSON.stringify(run.error)).toBe('completed');

    const eligible = survey.responses.filter((r) => r.values.finished === 1 && typeof r.values.QID1 === 'number');
    const matched = eligible.filter((r) => companies.includes(String(r.values.CompanyGSID)));
    const unmatched = eligible.filter((r) => r.values.CompanyGSID === UNKNOWN_GSID);
    expect(unmatched.length).toBeGreaterThan(0);
    expect(run.counts).toMatchObject({ read: survey.responses.length, written: matched.length, failed: 0 });
    expect(run.counts.reasons['company GSID not found in Gainsight']).toBe(unmatched.length);

    const rows = gs.state.rows('survey_response');
    expect(rows).toHaveLength(matched.length);
    const label = { 1: 'Detractor', 2: 'Passive', 3: 'Promoter' } as const;
    const want = matched
      .map((r) => [r.values.CompanyGSID, r.values.QID1, label[r.values.QID1_NPS_GROUP as 1 | 2 | 3]].join('|'))
      .sort();
    expect(rows.map((r) => [r.GsCompanyId, r.NPSScore, r.NPSCategory].join('|')).sort()).toEqual(want);
    expect(gs.state.rows('company').map((r) => r.Gsid)).toEqual(companies);
  });
});
