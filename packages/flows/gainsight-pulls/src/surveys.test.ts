import { afterEach, describe, expect, it } from 'vitest';
import { type PullHub, pullHub } from './test-setup.js';

let h: PullHub;
afterEach(() => h.close());

const DAY = 86_400_000;
/** Companies whose accounts carry their GSID (no company pull in these tests). */
const matchedCompanies = () =>
  new Set(
    h.gainsight.state
      .rows('company')
      .filter((_, i) => i < 8 && i % 4 !== 3)
      .map((c) => c.Gsid),
  );
const responses = (keep: (r: Record<string, unknown>) => boolean) =>
  h.gainsight.state.rows('survey_response').filter((r) => matchedCompanies().has(r.GsCompanyId) && keep(r));
const since = (days: number) => (r: Record<string, unknown>) => Number(r.ResponseDate) >= Date.now() - days * DAY;
const stored = (object = 'survey_response') =>
  h.hub.db.selectFrom('survey_responses').selectAll().where('object', '=', object).execute();

describe('gainsight.surveys', { timeout: 30_000 }, () => {
  it('single object: auto-detected fields, the lookback window, and a response limit per run', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.surveys', { responseLimit: 10 });
    const expected = responses(since(30));
    expect(expected.length).toBeGreaterThan(10);
    const first = await h.run(id);
    expect(first.status).toBe('completed');
    expect(first.counts.read).toBe(10);
    let runs = 1;
    while ((await stored()).length < expected.length && runs < 10) {
      expect((await h.run(id)).counts.read).toBeLessThanOrEqual(10);
      runs++;
    }
    const rows = await stored();
    expect(rows.map((r) => r.response_id).sort()).toEqual(expected.map((r) => String(r.Gsid)).sort());
    const source = expected[0] as Record<string, unknown>;
    expect(rows.find((r) => r.response_id === source.Gsid)).toMatchObject({
      survey_type: source.SurveyType,
      score: source.NPSScore,
      nps_group: source.NPSCategory,
      text: source.Comment,
      email: source.Email,
      responded_at: new Date(Number(source.ResponseDate)).toISOString(),
    });
    // Everything read: the next run reads nothing and stores nothing twice.
    expect((await h.run(id)).counts.read).toBe(0);
    expect((await stored()).length).toBe(expected.length);
    expect(first.details?.objects).toMatchObject({
      survey_response: {
        mapping: { score: 'NPSScore', npsGroup: 'NPSCategory', text: 'Comment', respondedAt: 'ResponseDate' },
      },
    });
  });

  it('a shorter lookback reads fewer days; a where clause overrides the lookback', async () => {
    h = await pullHub();
    await h.syncAccounts();
    await h.run(await h.create('gainsight.surveys', { lookbackDays: 10 }, 'ten days'));
    expect((await stored()).map((r) => r.response_id).sort()).toEqual(
      responses(since(10))
        .map((r) => String(r.Gsid))
        .sort(),
    );
    const csat = await h.create(
      'gainsight.surveys',
      { lookbackDays: 1, where: '{"conditions":[{"name":"SurveyType","alias":"A","operator":"EQ","value":["CSAT"]}]}' },
      'csat',
    );
    await h.run(csat);
    const rows = await stored();
    const wanted = new Set([...responses(since(10)), ...responses((r) => r.SurveyType === 'CSAT')].map((r) => r.Gsid));
    expect(rows.length).toBe(wanted.size);
    expect(responses((r) => r.SurveyType === 'CSAT' && !since(10)(r)).length).toBeGreaterThan(0);
  });

  it('multi object: one cursor per object, pinned types, field overrides, custom fields registered', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.surveys', {
      mode: 'multi',
      objects: [
        { object: 'survey_response' },
        {
          object: 'survey_participant',
          surveyType: 'CUSTOM',
          fields: { respondedAt: 'RespondedDate', email: 'Email' },
        },
      ],
      registerCustomFields: true,
    });
    const run = await h.run(id);
    expect(run.status).toBe('completed');
    expect(JSON.parse(run.cursorAfter ?? '{}').objects).toHaveProperty('survey_participant');
    expect((await stored()).length).toBe(responses(since(30)).length);
    const participants = await stored('survey_participant');
    expect(participants.length).toBeGreaterThan(0);
    expect(participants.every((p) => p.survey_type === 'CUSTOM' && p.score === null && p.responded_at)).toBe(true);
    const fields = await h.json('GET', `/api/pulls/${h.gsConnectionId}/custom-fields`);
    expect(fields.body.fields).toContainEqual(
      expect.objectContaining({ object: 'survey_response', field: 'QuestionText', type: 'string' }),
    );
    const one = (await stored())[0];
    expect(JSON.parse(one?.fields_json ?? '{}')).toHaveProperty('QuestionText');
  });

  it('one object failing with a vendor 4xx fails the run with the body; the other object is still pulled', async () => {
    h = await pullHub();
    await h.syncAccounts();
    const id = await h.create('gainsight.surveys', {
      mode: 'multi',
      objects: [
        { object: 'survey_response', fields: { text: 'Comment' } },
        { object: 'survey_participant', surveyType: 'CUSTOM' },
      ],
    });
    // The tenant drops a mapped field after the pull was saved: that object's query answers 400.
    const def = h.gainsight.state.objects.find((o) => o.objectName === 'survey_response');
    if (def) def.fields = def.fields.filter((f) => f.fieldName !== 'Comment');
    const run = await h.run(id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'invalid_request', status: 400 } });
    expect(run.error?.body).toMatchObject({ result: false });
    expect(run.details?.objects).toMatchObject({ survey_response: { error: { status: 400 } } });
    expect((await stored('survey_participant')).length).toBeGreaterThan(0);
  });

  it('rejects at save time: duplicate objects, invalid filter JSON, unknown objects and fields', async () => {
    h = await pullHub();
    const issues = async (settings: Record<string, unknown>) => {
      const res = await h.pipeline('gainsight.surveys', settings);
      expect(res.status).toBe(400);
      return res.body.error.issues as Array<{ path: string; message: string }>;
    };
    expect(
      await issues({ mode: 'multi', objects: [{ object: 'survey_response' }, { object: 'Survey_Response' }] }),
    ).toEqual([
      {
        path: 'settings.objects.1.object',
        message: 'duplicate survey object Survey_Response (already row 1); each object once',
      },
    ]);
    const [json] = await issues({ where: '{"conditions": [' });
    expect(json).toMatchObject({ path: 'settings.where', message: expect.stringMatching(/^not valid JSON/) });
    expect(
      await issues({ where: { conditions: [{ name: 'SurveyType', alias: 'A', operator: 'LIKE', value: ['x'] }] } }),
    ).toEqual([expect.objectContaining({ path: 'settings.where.conditions.0.operator' })]);
    expect(
      await issues({
        where: { conditions: [{ name: 'Mood__gc', alias: 'A', operator: 'EQ', value: ['x'] }], expression: 'A OR B' },
      }),
    ).toEqual([{ path: 'settings.where.expression', message: 'unknown alias B' }]);
    expect(
      await issues({ where: { conditions: [{ name: 'Mood__gc', alias: 'A', operator: 'EQ', value: ['x'] }] } }),
    ).toEqual([{ path: 'settings.where.conditions.0.name', message: 'no field Mood__gc on survey_response' }]);
    expect(await issues({ object: 'nps_answers__gc' })).toEqual([
      { path: 'settings.object', message: 'unknown Gainsight object nps_answers__gc' },
    ]);
    expect(
      await issues({ mode: 'multi', objects: [{ object: 'survey_response', fields: { score: 'Stars__gc' } }] }),
    ).toEqual([{ path: 'settings.objects.0.fields.score', message: 'no field Stars__gc on survey_response' }]);
    expect(await issues({ lookbackDays: 31 })).toEqual([expect.objectContaining({ path: 'settings.lookbackDays' })]);
    expect(await issues({ mode: 'multi' })).toEqual([
      { path: 'settings.objects', message: 'multi mode needs at least one object' },
    ]);
  });

  it('proposes field mappings from the object’s describe', async () => {
    h = await pullHub();
    const url = `/api/pulls/${h.gsConnectionId}/surveys/detect-fields`;
    const res = await h.json('POST', url, { object: 'survey_response' });
    expect(res.body).toMatchObject({
      object: 'survey_response',
      fieldMappings: {
        score: 'NPSScore',
        npsGroup: 'NPSCategory',
        text: 'Comment',
        respondedAt: 'ResponseDate',
        company: 'GsCompanyId',
        surveyType: 'SurveyType',
        surveyId: 'SurveyId',
        email: 'Email',
      },
      missing: [],
    });
    expect((await h.json('POST', url, { object: 'nope' })).body.error.issues).toEqual([
      { path: 'object', message: 'unknown Gainsight object nope' },
    ]);
  });
});
