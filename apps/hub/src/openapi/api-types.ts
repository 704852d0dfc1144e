import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import type { HubOptions } from '../hub.js';
import { WORKSPACE_FLOWS_DIR } from '../hub.js';
import { createTestHub, TEST_TOKEN } from '../testing.js';

/** Where the dashboard's generated API types live (committed; `api-types.test.ts` fails when stale). */
export const API_TYPES_FILE = new URL('../../../dashboard/src/api-schema.gen.ts', import.meta.url);

const HEADER = `// Generated from the hub's /api/openapi.json by apps/hub/src/openapi/api-types.ts: do not edit.
// Regenerate: npx --yes pnpm@10 --filter @synchub/hub api-types
`;

type Doc = OpenAPI3 & { paths: Record<string, unknown> };

async function documentOf(options: Partial<HubOptions>): Promise<Doc> {
  const t = await createTestHub(options);
  try {
    const res = await t.hub.app.request('/api/openapi.json', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
    return (await res.json()) as Doc;
  } finally {
    await t.hub.close();
  }
}

/**
 * TypeScript types of the hub's API (openapi-typescript's \`paths\` and \`components\`): the document of a hub
 * with the built-in connectors and no flow plugins (plugin settings are typed where the dashboard reads them),
 * plus the service routes (`/api/<mount>`, `/hooks/<mount>`) of the workspace's flow packages, whose pages
 * the dashboard ships (a flow that fails to load leaves its paths out: the dashboard's typecheck then fails).
 */
export async function renderApiTypes(): Promise<string> {
  const doc = await documentOf({});
  const withFlows = await documentOf({ workspaceFlows: WORKSPACE_FLOWS_DIR });
  for (const [path, item] of Object.entries(withFlows.paths)) {
    if (!(path in doc.paths)) doc.paths[path] = item;
  }
  return HEADER + astToString(await openapiTS(doc, { alphabetize: true }));
}
