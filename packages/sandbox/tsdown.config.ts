import { defineConfig } from 'tsdown';

// ESM + .d.ts in dist/ (what the compiled hub imports); tsc, vitest and dev-mode tsx use the
// `@synchub/source` export condition instead.
export default defineConfig({
  entry: ['src/index.ts'],
  platform: 'node',
  fixedExtension: false,
  dts: true,
  // Comments stay in src/ and the .d.ts files; the JavaScript the hub loads at start is smaller without them.
  outputOptions: { comments: false },
});
