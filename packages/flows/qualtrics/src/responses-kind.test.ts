import {
  createGainsightSimulator,
  createQualtricsSimulator,
  listen,
  picklistGsid,
  type RunningServer,
} from '@synchub/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';
import { mapResponse, REASONS, responsesSettings } from './responses-kind.js';

// biome-ignore lint/suspicious/noExplicitAny: test answers are checked by the assertions themselves
type Json = Record<string, any>;

const UNKNOWN_GSID = '1P02ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
let gs: ReturnType<typeof createGainsightSimulator>;
let qx: ReturnType<typeof createQualtricsSimulator>;
let gsServer: RunningServer;
let qxServer: RunningServer;
let known: string[];
let t: QualtricsTestHub;
let ids: { qualtrics: string; gainsight: string };

beforeAll(async () => {
  gs = createGainsightSimulator({ companies: 4, people: 4, surveyResponses: 0 });
  known = gs.state.rows('company').map((r) => String(r.Gsid));
  qx = createQualtricsSimulator({
    surveys: 2,
    responsesPerSurvey: 60,
    // Exports are ready at the first poll: no waiting between polls in this test.
    exportPolls: 0,
    companyGsids: [...known, UNKNOWN_GSID],
  });
  [gsServer, qxServer] = await Promise.all([listen(gs.app), listen(qx.app)]);
});
afterAll(async () => {
  await gsServer.close();
  await qxServer.close();
});
beforeEach(async () => {
  t = await createQualtricsTestHub();
  const add = async (body: Json) =>
    ((await (await t.request('POST', '/api/connections', body)).json()) as Json).connection.id as string;
  ids = {
    qualtrics: await add({
      connectorId: 'qualtrics',
      name: 'Qualtrics',
      settings: { baseUrl: qxServer.url, sandbox: true },
      secrets: { apiToken: qx.credentials.apiToken },
    }),
    gainsight: await add({
      connectorId: 'gainsight',
      name: 'Gainsight',
      settings: { domain: gsServer.url, sandbox: true },
      secrets: { accessKey: gs.credentials.accessKey },
    }),
  };
});
afterEach(() => t.close());

const createPipeline = (settings: Json) =>
  t.request('POST', '/api/pipelines', {
    kind: 'qualtrics.responses_to_gainsight',
    name: 'NPS to Gainsight',
    connectionId: ids.qualtrics,
    settings: { gainsightConnectionId: ids.gainsight, ...settings },
  });
const run = async (pipelineId: string) => (await t.hub.runner.start(pipelineId, 'manual')).done;

describe('Qualtrics responses → Gainsight', () => {
  it('maps score, group (label or number), comment, date and a valid email; says why a response is skipped', () => {
    const s = responsesSettings.parse({ surveyIds: ['SV_1'], gainsightConnectionId: 'g' });
    const record = {
      responseId: 'R_1',
      finished: true,
      recordedDate: '2026-01-02T03:04:05.000Z',
      CompanyGSID: ' 1P02ABC ',
      QID1: 9,
      QID1_NPS_GROUP: 3,
      QID2_TEXT: 'Great',
      RecipientEmail: 'ada@example.com',
    };
    expect(mapResponse(record, s)).toEqual({
      ok: true,
      gsid: '1P02ABC',
      row: {
        GsCompanyId: '1P02ABC',
        NPSScore: 9,
        NPSCategory: 'Promoter',
        Comment: 'Great',
        ResponseDate: '2026-01-02T03:04:05.000Z',
        Email: 'ada@example.com',
        SurveyType: 'NPS',
      },
    });
    const asNumber = responsesSettings.parse({ ...s, groupFormat: 'number', fields: { ...s.fields, email: '' } });
    const noGroup = { ...record, QID1: '5', QID1_NPS_GROUP: undefined, RecipientEmail: 'not-an-email' };
    expect(mapResponse(noGroup, asNumber)).toMatchObject({ ok: true, row: { NPSScore: 5, NPSCategory: 1 } });
    expect(mapResponse({ ...record, RecipientEmail: 'nope' }, s)).not.toHaveProperty('row.Email');
    expect(mapResponse({ ...record, CompanyGSID: '' }, s)).toEqual({ ok: false, reason: REASONS.noGsid });
    expect(mapResponse({ ...record, QID1: undefined }, s)).toMatchObject({ ok: false, reason: 'no NPS score (QID1)' });
    expect(mapResponse({ ...record, finished: false }, s)).toEqual({ ok: false, reason: REASONS.unfinished });
  });

  it('writes responses as survey rows matched to existing companies, counts the unmatched, and resumes', async () => {
    const surveyIds = qx.state.surveys.map((s) => s.id);
    const created = await createPipeline({ surveyIds });
    expect(created.status).toBe(201);
    const { pipeline } = (await created.json()) as Json;
    const before = gs.state.rows('survey_response').length;
    const result = await run(pipeline.id);
    expect(result.status, JSON.stringify(result.error)).toBe('completed');

    const all = qx.state.surveys.flatMap((s) => s.responses);
    const eligible = all.filter((r) => r.values.finished === 1 && typeof r.values.QID1 === 'number');
    const matched = eligible.filter((r) => known.includes(String(r.values.CompanyGSID)));
    const unmatched = eligible.filter((r) => r.values.CompanyGSID === UNKNOWN_GSID);
    expect(matched.length).toBeGreaterThan(0);
    expect(unmatched.length).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({
      read: all.length,
      written: matched.length,
      failed: 0,
      skipped: all.length - matched.length,
    });
    expect(result.counts.reasons[REASONS.unmatched]).toBe(unmatched.length);
    expect(result.details?.unmatched).toEqual(
      expect.arrayContaining([expect.objectContaining({ gsid: UNKNOWN_GSID, reason: REASONS.unmatched })]),
    );

    // What Gainsight received: one row per matched response, score, group and company kept; no company made.
    const rows = gs.state.rows('survey_response').slice(before);
    expect(rows).toHaveLength(matched.length);
    const sample = matched[0]!;
    const row = rows.find((r) => r.NPSScore === sample.values.QID1 && r.GsCompanyId === sample.values.CompanyGSID);
    expect(row).toMatchObject({
      NPSCategory: { 1: 'Detractor', 2: 'Passive', 3: 'Promoter' }[sample.values.QID1_NPS_GROUP as 1 | 2 | 3],
      SurveyType: 'NPS',
    });
    expect(gs.state.rows('company').map((r) => r.Gsid)).toEqual(known);
    // Gainsight writes went in batches of at most 50.
    const inserts = gs.control.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v1/data/objects/survey_response',
    );
    expect(inserts.every((r) => (r.body as { records: unknown[] }).records.length <= 50)).toBe(true);
    expect(inserts.length).toBeGreaterThanOrEqual(Math.ceil(matched.length / 50));

    // The cursor per survey: a second run reads only a response recorded since.
    const firstSurvey = qx.state.surveys[0]!;
    qx.addResponse(firstSurvey.id, {
      values: { CompanyGSID: known[0], QID1: 3, QID1_NPS_GROUP: 1, finished: 1, QID2_TEXT: 'Too slow' },
    });
    const second = await run(pipeline.id);
    expect(second.counts).toMatchObject({ read: 1, written: 1, skipped: 0 });
    expect(Object.keys(JSON.parse(second.cursorAfter ?? '{}')).sort()).toEqual([...surveyIds].sort());
    expect(gs.state.rows('survey_response').at(-1)).toMatchObject({
      GsCompanyId: known[0],
      NPSScore: 3,
      NPSCategory: 'Detractor',
      Comment: 'Too slow',
    });
  });

  it('refuses at save time a target object or field Gainsight does not have, and a non-Gainsight target', async () => {
    const paths = async (settings: Json) =>
      ((await (await createPipeline({ surveyIds: ['SV_1'], ...settings })).json()) as Json).error?.issues?.map(
        (i: Json) => i.path,
      );
    expect(await paths({ fields: { company: 'GsCompanyId', score: 'Score__gc' } })).toEqual(['settings.fields.score']);
    expect(await paths({ targetObject: 'no_such_object' })).toEqual(['settings.targetObject']);
    expect(await paths({ gainsightConnectionId: ids.qualtrics })).toEqual(['settings.gainsightConnectionId']);
  });

  it('previews: the mapped rows and the insert it would send (Accesskey masked); nothing is written or kept', async () => {
    const surveyId = qx.state.surveys[0]!.id;
    const gsBefore = gs.control.requests.length;
    const rowsBefore = gs.state.rows('survey_response').length;
    const res = await t.request('POST', '/api/pipelines/preview', {
      kind: 'qualtrics.responses_to_gainsight',
      name: 'NPS',
      connectionId: ids.qualtrics,
      settings: { surveyIds: [surveyId], gainsightConnectionId: ids.gainsight },
      limit: 5,
    });
    expect(res.status).toBe(200);
    const { preview } = (await res.json()) as Json;
    expect(preview.error).toBeNull();
    expect(preview.counts.read).toBe(5);
    expect(preview.records).toHaveLength(5);
    const rows = preview.records.filter((r: Json) => r.after !== null).map((r: Json) => r.after);
    expect(rows.length).toBeGreaterThan(0);
    // Gainsight is sent picklist item GSIDs for these fields, not their labels.
    const asSent = (row: Json) => ({
      ...row,
      ...Object.fromEntries(
        ['NPSCategory', 'SurveyType']
          .filter((f) => row[f] != null)
          .map((f) => [f, picklistGsid(gs.state.objects, 'survey_response', f, row[f])]),
      ),
    });
    expect(preview.requests).toEqual([
      expect.objectContaining({
        connectionId: ids.gainsight,
        connectorId: 'gainsight',
        method: 'POST',
        headers: expect.objectContaining({ Accesskey: '••••' }),
        body: { records: rows.map(asSent) },
      }),
    ]);
    expect(new URL(preview.requests[0].url).pathname).toBe('/v1/data/objects/survey_response');
    const writes = gs.control.requests
      .slice(gsBefore)
      .filter(
        (r) => r.method !== 'GET' && !r.path.startsWith('/v1/data/objects/query/') && !r.path.includes('describe'),
      );
    expect(writes).toEqual([]);
    expect(gs.state.rows('survey_response')).toHaveLength(rowsBefore);
    expect(JSON.stringify(preview)).not.toContain(qx.credentials.apiToken);
    // No pipeline, no run kept.
    expect(((await (await t.request('GET', '/api/pipelines')).json()) as Json).pipelines).toEqual([]);
  });
});
