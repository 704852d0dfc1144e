import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Long suites (crash safety, faults, fuzz): each has its own root script; CI runs them after the browser tests.
const report = process.env.SYNCHUB_TEST_REPORT;

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (exports' `@synchub/source`): tests need no build.
  ssr: { resolve: { conditions: ['@synchub/source'] } },
  test: {
    name: 'soak',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: report } : undefined,
  },
});
