import { afterEach, beforeEach, expect, it } from 'vitest';
import { createQualtricsTestHub, type QualtricsTestHub } from './test-hub.js';

// Found by the fuzz suite: a webhook body nested 20,000 levels deep (40 KB, under the 100 KB limit) was a 500.
let t: QualtricsTestHub;
beforeEach(async () => {
  t = await createQualtricsTestHub();
});
afterEach(() => t.close());

it('refuses a deeply nested webhook body with a 400 and stores nothing', async () => {
  const added = await t.request('POST', '/api/connections', {
    connectorId: 'qualtrics',
    name: 'Qualtrics',
    settings: { baseUrl: 'http://127.0.0.1:9', sandbox: true, triggerUrl: 'http://127.0.0.1:9/t?urlTokenId=x' },
    secrets: { apiToken: 'token' },
  });
  const { connection } = (await added.json()) as { connection: { id: string } };
  const created = await t.request('POST', '/api/qualtrics/triggers', { name: 'deep', connectionId: connection.id });
  const { trigger, secret } = (await created.json()) as { trigger: { id: string }; secret: string };
  const res = await t.hub.app.request(`/hooks/qualtrics/${trigger.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-synchub-secret': secret },
    body: `{"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({
    error: { code: 'invalid_input', message: expect.stringContaining('nested') },
  });
  expect(await t.db.selectFrom('trigger_deliveries').select('id').execute()).toEqual([]);
});
