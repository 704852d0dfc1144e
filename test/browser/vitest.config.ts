import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Browser tests: the real hub serving the built dashboard, driven by headless Chromium (playwright-core).
// Run with `pnpm test:browser` (builds the dashboard first). Root is this folder so the include stays local.
const report = process.env.SYNCHUB_TEST_REPORT;

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (exports' `@synchub/source`): tests need no build.
  ssr: { resolve: { conditions: ['@synchub/source'] } },
  test: {
    name: 'browser',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browsers are heavy on a 2-core machine: one file at a time.
    fileParallelism: false,
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: report } : undefined,
  },
});
