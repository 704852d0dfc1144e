import { defineConfig } from 'tsdown';

// The hub's compiled form, what `synchub start` runs. Entries share chunks that sit directly in dist/, one
// level under the package like src/ files are, so HUB_ROOT (hub.ts) resolves the same from either.
export default defineConfig({
  entry: ['src/cli.ts', 'src/index.ts', 'src/demo.ts', 'src/testing.ts'],
  platform: 'node',
  fixedExtension: false,
  dts: true,
  // Comments stay in src/ and the .d.ts files; the JavaScript loaded at every start is a quarter smaller.
  outputOptions: { comments: false },
  // Kysely ships ~280 ES modules: loading them costs ~0.3 s of CPU at every start, one bundled file ~25 ms.
  // Bundled into the JavaScript only (declarations keep importing its types); nothing depends on its
  // identity (plugins' `sql` fragments are plain operation nodes).
  deps: { alwaysBundle: (id, importer) => /^kysely(\/|$)/.test(id) && !importer?.endsWith('.d.ts') },
  // A plain JS worker, loaded by path (new URL('./outbox-worker.js', import.meta.url) in outbox-threads.ts).
  copy: [{ from: 'src/ingest/outbox-worker.js', to: 'dist' }],
});
