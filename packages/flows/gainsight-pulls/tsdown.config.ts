import { defineConfig } from 'tsdown';

// ESM + .d.ts in dist/ (what the compiled hub loads); tsc, vitest and dev-mode tsx use the
// `@synchub/source` export condition instead.
export default defineConfig({
  entry: ['src/index.ts'],
  platform: 'node',
  fixedExtension: false,
  dts: true,
  // Comments stay in src/ and the .d.ts files; the JavaScript the hub loads at start is smaller without them.
  outputOptions: { comments: false },
  // Only `sql` is used from Kysely: bundled, it is one small file instead of Kysely's ~280 modules at start.
  deps: { alwaysBundle: (id, importer) => /^kysely(\/|$)/.test(id) && !importer?.endsWith('.d.ts') },
});
