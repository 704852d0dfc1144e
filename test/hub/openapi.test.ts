import { createTestHub, TEST_TOKEN } from '@synchub/hub/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_FLOWS_DIR } from './vendor-fixtures.js';

// The built-in flows' services describe their own routes: /api/openapi.json lists them under their mounts.

type TestHub = Awaited<ReturnType<typeof createTestHub>>;
// biome-ignore lint/suspicious/noExplicitAny: the document is checked by the assertions themselves
type Json = Record<string, any>;
let t: TestHub;

beforeAll(async () => {
  t = await createTestHub({ workspaceFlows: WORKSPACE_FLOWS_DIR });
});
afterAll(() => t.hub.close());

describe('/api/openapi.json with the built-in flows', () => {
  it("lists the flow services' routes, bodies from the schemas that validate them", async () => {
    const res = await t.hub.app.request('/api/openapi.json', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const doc = (await res.json()) as Json;
    const pulls = doc.paths['/api/pulls/{connectionId}/common'];
    expect(pulls.put.requestBody.content['application/json'].schema.properties).toHaveProperty('gsidField');
    expect(pulls.get.tags).toEqual(['@synchub/flow-gainsight-pulls']);
    const triggers = doc.paths['/api/qualtrics/triggers'];
    expect(triggers.post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['name', 'connectionId']),
    );
    expect(doc.paths['/api/qualtrics/deliveries'].get.parameters.map((p: Json) => p.name)).toContain('state');
    expect(doc.paths['/hooks/qualtrics/{triggerId}'].post).toMatchObject({ security: [] });
    // Settings of the flows' pipeline kinds and destinations.
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['PipelineSettings.gainsight.company', 'DestinationSettings.gainsight']),
    );
  });
});
