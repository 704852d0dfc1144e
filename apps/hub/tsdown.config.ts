import { defineConfig } from 'tsdown';
import { bundleAlso, packageBuild } from '../../tsdown.base.js';

// The hub's compiled form, what `synchub start` runs. Entries share chunks that sit directly in dist/, one
// level under the package like src/ files are, so HUB_ROOT (hub.ts) resolves the same from either.
export default defineConfig(
  packageBuild({
    entry: ['src/cli.ts', 'src/index.ts', 'src/demo.ts', 'src/testing.ts'],
    // Kysely, Hono (~35 ES modules) and croner: one file to load at start instead of ~320. Not @hono/node-server:
    // it replaces the global Request and Response, and `--demo`'s simulators (packages/sandbox) load it too.
    // @hono/zod-openapi (and the validator it imports) with them, so its OpenAPIHono extends the bundled Hono
    // rather than loading a second copy of Hono from node_modules. It is used only by the chunk that builds
    // /api/openapi.json (openapi/generate.ts, imported on demand), with the answer schemas: not at start.
    deps: { alwaysBundle: bundleAlso('hono', 'croner', '@hono/zod-openapi', '@hono/zod-validator') },
    // A plain JS worker, loaded by path (new URL('./outbox-worker.js', import.meta.url) in outbox-threads.ts).
    copy: [{ from: 'src/ingest/outbox-worker.js', to: 'dist' }],
  }),
);
