import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CategoriesAnswer, CommonAnswer, CustomFieldsAnswer, SurveyFieldsAnswer } from './answers.js';
import { type PullHub, pullHub } from './test-setup.js';

// The answer schemas document /api/pulls in the hub's /api/openapi.json (the dashboard's Gainsight page is
// typed from them): real answers must parse, so a change to an answer without its schema fails here.

let h: PullHub;
afterEach(() => h.close());

async function answer(schema: z.ZodType, method: string, path: string, body?: unknown) {
  const res = await h.json(method, `/api/pulls/${h.gsConnectionId}${path}`, body);
  expect(res.status, `${method} ${path}`).toBe(200);
  const parsed = schema.safeParse(res.body);
  expect(parsed.success ? [] : parsed.error.issues, `${method} ${path}`).toEqual([]);
  return res.body;
}

describe('pulls answers match their documented schemas', { timeout: 30_000 }, () => {
  it('common settings, category discovery, survey field detection and custom fields', async () => {
    h = await pullHub();
    expect((await answer(CommonAnswer, 'GET', '/common')).primary).not.toBeNull();
    await answer(CommonAnswer, 'PUT', '/common', { primaryConnectionId: h.sfConnectionId });
    expect(
      (await answer(CategoriesAnswer, 'POST', '/activity/discover-categories', {})).categories.length,
    ).toBeGreaterThan(0);
    await answer(SurveyFieldsAnswer, 'POST', '/surveys/detect-fields', { object: 'survey_response' });

    await h.syncAccounts();
    await h.run(
      await h.create('gainsight.surveys', {
        mode: 'multi',
        objects: [{ object: 'survey_response' }],
        registerCustomFields: true,
      }),
    );
    expect((await answer(CustomFieldsAnswer, 'GET', '/custom-fields')).fields.length).toBeGreaterThan(0);
  });
});
