import { defineConfig } from 'tsdown';
import { asciiOutput, packageBuild } from '../../tsdown.base.js';

// vitest stays external: only ./testing imports it, and plugin authors bring their own. zod goes into the
// JavaScript (one chunk that ./zod re-exports and index.js imports): see src/zod.ts.
export default defineConfig(
  packageBuild({
    entry: ['src/index.ts', 'src/zod.ts', 'src/testing/index.ts'],
    plugins: [asciiOutput()],
    deps: {
      neverBundle: [/^vitest/],
      alwaysBundle: (id: string, importer: string | undefined) => /^zod(\/|$)/.test(id) && !importer?.endsWith('.d.ts'),
    },
  }),
);
