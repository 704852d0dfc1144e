import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../common.js';
import { createQualtricsSimulator, npsGroup } from './index.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const OPEN_TRIGGER = '11111111-2222-4333-a444-555555555555';

describe('qualtrics simulator', () => {
  const sim = createQualtricsSimulator({
    surveys: 5,
    responsesPerSurvey: 30,
    pageSize: 2,
    exportPolls: 2,
    now: () => NOW,
    triggers: ['8f0c2a9e-3b1d-4c5e-9f7a-0123456789ab', { urlTokenId: OPEN_TRIGGER, requireAuth: false }],
  });
  const { apiToken, username, urlTokenId } = sim.credentials;
  const basic = `Basic ${Buffer.from(`${username}:${apiToken}`).toString('base64')}`;
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  const trigger = (body: string, headers: Record<string, string> = { authorization: basic }, token = urlTokenId) =>
    fetch(`${server.url}/inbound-event/v1/events/json/triggers?urlTokenId=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    fetch(path.startsWith('http') ? path : `${server.url}/API/v3${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-api-token': init.token ?? apiToken, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const errorOf = async (res: Response) =>
    (
      (await res.json()) as {
        meta: { httpStatus: string; error: { errorCode: string; errorMessage: string }; requestId: string };
      }
    ).meta;

  describe('JSON-event trigger', () => {
    it('accepts a JSON object with Basic auth: 202 with eventId and requestId, recorded in state', async () => {
      const res = await trigger(JSON.stringify({ CompanyGSID: '1P02ABC', RenewalDate: '2025-03-01' }));
      expect(res.status).toBe(202);
      const body = (await res.json()) as {
        result: { eventId: string };
        meta: { httpStatus: string; requestId: string };
      };
      expect(body.meta.httpStatus).toBe('202 - Accepted');
      expect(body.result.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.meta.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(sim.state.events.at(-1)).toMatchObject({
        eventId: body.result.eventId,
        requestId: body.meta.requestId,
        urlTokenId,
        auth: 'basic',
        body: { CompanyGSID: '1P02ABC', RenewalDate: '2025-03-01' },
      });
    });

    it('answers other 2xx shapes on demand: flat ids, 202 with no body, 200 with the request id in a header', async () => {
      try {
        sim.state.triggerAnswer = 'flat';
        const flat = await trigger('{"a":1}');
        expect(flat.status).toBe(202);
        const ids = (await flat.json()) as { eventId: string; requestId: string };
        expect(sim.state.events.at(-1)).toMatchObject({ answer: 'flat', ...ids });

        sim.state.triggerAnswer = 'empty';
        const empty = await trigger('{"a":2}');
        expect(empty.status).toBe(202);
        expect(await empty.text()).toBe('');
        expect(empty.headers.get('x-request-id')).toBeNull();
        expect(sim.state.events.at(-1)).toMatchObject({ answer: 'empty', body: { a: 2 } });

        sim.state.triggerAnswer = 'headers';
        const headers = await trigger('{"a":3}');
        expect(headers.status).toBe(200);
        expect(await headers.text()).toBe('');
        expect(headers.headers.get('x-request-id')).toBe(sim.state.events.at(-1)?.requestId);
      } finally {
        sim.state.triggerAnswer = 'envelope';
      }
    });

    it('accepts a bare {} with X-API-TOKEN, and an unauthenticated call when the trigger does not require auth', async () => {
      expect((await trigger('{}', { 'x-api-token': apiToken })).status).toBe(202);
      expect((await trigger('{"a":1}', {}, OPEN_TRIGGER)).status).toBe(202);
    });

    it('answers 401 for a wrong Basic header, a wrong token or none', async () => {
      const wrong = `Basic ${Buffer.from(`${username}:nope`).toString('base64')}`;
      const res = await trigger('{}', { authorization: wrong });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toMatchObject({ httpStatus: '401 - Unauthorized', error: { errorCode: 'AUTH_1' } });
      expect((await trigger('{}', { 'x-api-token': 'nope' })).status).toBe(401);
      expect((await trigger('{}', {})).status).toBe(401);
    });

    it('answers 404 for an unknown urlTokenId', async () => {
      const res = await trigger('{}', { authorization: basic }, '00000000-0000-4000-a000-000000000000');
      expect(res.status).toBe(404);
      expect((await errorOf(res)).httpStatus).toBe('404 - Not Found');
    });

    it('answers 413 above 100 KB and 400 for JSON that is not an object', async () => {
      const big = JSON.stringify({ blob: 'x'.repeat(100 * 1024) });
      const tooLarge = await trigger(big);
      expect(tooLarge.status).toBe(413);
      expect((await errorOf(tooLarge)).httpStatus).toBe('413 - Payload Too Large');
      expect((await trigger(JSON.stringify({ blob: 'x'.repeat(100 * 1024 - 20) }))).status).toBe(202);
      for (const body of ['[1,2]', '"text"', '42', 'null', '{"broken"']) {
        const res = await trigger(body);
        expect(res.status, body).toBe(400);
        expect((await errorOf(res)).error.errorCode).toBe('QVAL_1');
      }
    });
  });

  describe('REST v3', () => {
    it('answers 401 in the error envelope for a wrong X-API-TOKEN', async () => {
      const res = await api('/surveys', { token: 'wrong' });
      expect(res.status).toBe(401);
      const meta = await errorOf(res);
      expect(meta.httpStatus).toBe('401 - Unauthorized');
      expect(meta.error.errorMessage).toMatch(/X-API-TOKEN/);
      expect(meta.requestId).toBeTruthy();
    });

    it('pages surveys through result.nextPage', async () => {
      const ids: string[] = [];
      let url: string | null = `${server.url}/API/v3/surveys`;
      let pages = 0;
      while (url) {
        const res = await api(url);
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          result: { elements: { id: string; name: string; isActive: boolean }[]; nextPage: string | null };
          meta: { httpStatus: string };
        };
        expect(body.meta.httpStatus).toBe('200 - OK');
        expect(body.result.elements.length).toBeLessThanOrEqual(2);
        ids.push(...body.result.elements.map((e) => e.id));
        url = body.result.nextPage;
        pages += 1;
      }
      expect(pages).toBe(3);
      expect(ids).toEqual(sim.state.surveys.map((s) => s.id));
      for (const id of ids) expect(id).toMatch(/^SV_[A-Za-z0-9]{15}$/);
    });

    it('describes a survey and 404s an unknown one', async () => {
      const survey = sim.state.surveys[0];
      const res = await api(`/surveys/${survey?.id}`);
      const body = (await res.json()) as {
        result: { questions: Record<string, unknown>; embeddedData: { name: string }[] };
      };
      expect(Object.keys(body.result.questions)).toEqual(['QID1', 'QID2']);
      expect(body.result.embeddedData.map((e) => e.name)).toContain('CompanyGSID');
      const missing = await api('/surveys/SV_doesNotExist000');
      expect(missing.status).toBe(404);
      expect((await errorOf(missing)).error.errorCode).toBe('RESOURCE_NOT_FOUND');
      const exportMissing = await api('/surveys/SV_doesNotExist000/export-responses', {
        body: { format: 'json', compress: false },
      });
      expect(exportMissing.status).toBe(404);
    });

    it('exports responses: inProgress for the configured polls, then complete with a file honouring startDate', async () => {
      const survey = sim.state.surveys[1];
      if (!survey) throw new Error('seed');
      const startDate = new Date(NOW - 20 * 86_400_000).toISOString();
      const started = await api(`/surveys/${survey.id}/export-responses`, {
        body: { format: 'json', compress: false, startDate },
      });
      expect(started.status).toBe(200);
      const { progressId } = ((await started.json()) as { result: { progressId: string } }).result;
      expect(progressId).toMatch(/^ES_/);
      const statuses: string[] = [];
      let fileId: string | undefined;
      for (let i = 0; i < 5 && !fileId; i += 1) {
        const poll = (await (await api(`/surveys/${survey.id}/export-responses/${progressId}`)).json()) as {
          result: { status: string; fileId?: string; percentComplete: number };
        };
        statuses.push(poll.result.status);
        fileId = poll.result.fileId;
      }
      expect(statuses).toEqual(['inProgress', 'inProgress', 'complete']);
      const file = (await (await api(`/surveys/${survey.id}/export-responses/${fileId}/file`)).json()) as {
        responses: { responseId: string; values: Record<string, unknown> }[];
      };
      const expected = survey.responses.filter((r) => String(r.values.recordedDate) >= startDate);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(survey.responses.length);
      expect(file.responses.map((r) => r.responseId)).toEqual(expected.map((r) => r.responseId));
      for (const { values } of file.responses) {
        expect(String(values.recordedDate) >= startDate).toBe(true);
        expect([0, 1]).toContain(values.finished);
        expect(values.CompanyGSID).toMatch(/^1P02[A-Z0-9]{32}$/);
        if (values.QID1 !== undefined) {
          expect(values.QID1).toBeGreaterThanOrEqual(0);
          expect(values.QID1).toBeLessThanOrEqual(10);
          expect(values.QID1_NPS_GROUP).toBe(npsGroup(values.QID1 as number));
        }
        if (values.finished === 1) expect(typeof values.QID2_TEXT).toBe('string');
      }
    });

    it('ends exports of a failing survey as failed, and refuses bad export requests', async () => {
      const survey = sim.state.surveys[2];
      if (!survey) throw new Error('seed');
      sim.state.failSurveyIds.add(survey.id);
      const started = await api(`/surveys/${survey.id}/export-responses`, {
        body: { format: 'json', compress: false },
      });
      const { progressId } = ((await started.json()) as { result: { progressId: string } }).result;
      let status = '';
      for (let i = 0; i < 4; i += 1) {
        const poll = (await (await api(`/surveys/${survey.id}/export-responses/${progressId}`)).json()) as {
          result: { status: string; fileId?: string };
        };
        status = poll.result.status;
        expect(poll.result.fileId).toBeUndefined();
      }
      expect(status).toBe('failed');
      sim.state.failSurveyIds.delete(survey.id);
      expect((await api(`/surveys/${survey.id}/export-responses`, { body: { compress: false } })).status).toBe(400);
      expect(
        (await api(`/surveys/${survey.id}/export-responses`, { body: { format: 'json', startDate: 'yesterday' } }))
          .status,
      ).toBe(400);
      expect((await api(`/surveys/${survey.id}/export-responses/ES_nope`)).status).toBe(404);
      expect((await api(`/surveys/${survey.id}/export-responses/nope/file`)).status).toBe(404);
    });

    it('adds a new response in recorded order, which the next export from its date includes', async () => {
      const survey = sim.state.surveys[3];
      if (!survey) throw new Error('seed');
      const before = survey.responses.length;
      const added = sim.addResponse(survey.id, { values: { QID1: 10, QID1_NPS_GROUP: 3 } });
      const early = sim.addResponse(survey.id, { recordedAt: NOW - 90 * 86_400_000 });
      expect(survey.responses).toHaveLength(before + 2);
      expect(survey.responses.at(-1)).toBe(added);
      expect(survey.responses[0]).toBe(early);
      expect(added.values).toMatchObject({ recordedDate: new Date(NOW).toISOString(), QID1: 10, QID1_NPS_GROUP: 3 });
      expect(added.labels).toMatchObject({ QID1: '10' });
      expect(added.responseId).toMatch(/^R_[A-Za-z0-9]{15}$/);
      expect(new Set(survey.responses.map((r) => r.responseId)).size).toBe(before + 2);
      expect(() => sim.addResponse('SV_nope')).toThrow(/no survey SV_nope/);

      const started = await api(`/surveys/${survey.id}/export-responses`, {
        body: { format: 'json', compress: false, startDate: new Date(NOW).toISOString() },
      });
      const { progressId } = ((await started.json()) as { result: { progressId: string } }).result;
      let fileId: string | undefined;
      for (let i = 0; i < 5 && !fileId; i += 1) {
        const poll = (await (await api(`/surveys/${survey.id}/export-responses/${progressId}`)).json()) as {
          result: { fileId?: string };
        };
        fileId = poll.result.fileId;
      }
      const file = (await (await api(`/surveys/${survey.id}/export-responses/${fileId}/file`)).json()) as {
        responses: { responseId: string }[];
      };
      expect(file.responses.map((r) => r.responseId)).toEqual([added.responseId]);
    });

    it('answers injected 429 with Retry-After and 500 in the error envelope', async () => {
      sim.control.faults.set('/API/v3/surveys', { rateLimitBurst: 1 });
      const limited = await api('/surveys');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('5');
      expect((await errorOf(limited)).httpStatus).toBe('429 - Too Many Requests');
      sim.control.faults.set('/API/v3/surveys', { errorRate: 1 });
      const failed = await api('/surveys');
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect((await errorOf(failed)).error.errorMessage).toMatch(/unexpected/);
      sim.control.faults.clear();
    });
  });
});

describe('qualtrics simulator brand limit', () => {
  it('answers 429 with the seconds left in the minute once the per-minute budget is spent', async () => {
    const sim = createQualtricsSimulator({ limitPerMinute: 2, now: () => Date.UTC(2025, 0, 15, 12, 0, 45) });
    const headers = { 'x-api-token': sim.credentials.apiToken };
    expect((await sim.app.request('/API/v3/surveys', { headers })).status).toBe(200);
    expect((await sim.app.request('/API/v3/surveys', { headers })).status).toBe(200);
    const limited = await sim.app.request('/API/v3/surveys', { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('15');
  });
});
