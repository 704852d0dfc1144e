import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestHub } from '../test-support.js';

// Found by the fuzz suite: a webhook body nested 20,000 levels deep (40 KB, under the 100 KB limit) was a 500.
let t: Awaited<ReturnType<typeof createTestHub>>;
beforeEach(async () => {
  t = await createTestHub();
});
afterEach(() => t.hub.close());

it('refuses a deeply nested webhook body with a 400 and stores nothing', async () => {
  const connection = await t.hub.connections.create({
    connectorId: 'qualtrics',
    name: 'Qualtrics',
    settings: { baseUrl: 'http://127.0.0.1:9', sandbox: true, triggerUrl: 'http://127.0.0.1:9/t?urlTokenId=x' },
    secrets: { apiToken: 'token' },
  });
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
  expect(await t.hub.db.selectFrom('trigger_deliveries').select('id').execute()).toEqual([]);
});
