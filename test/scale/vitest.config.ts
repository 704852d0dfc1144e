import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Several hubs on one PostgreSQL (issue 16): real processes, about 5 minutes plus a mutation run; its own
// root script (`pnpm test:scale`), never part of `pnpm test`. The hub is built in beforeAll.
const report = process.env.SYNCHUB_TEST_REPORT;

export default defineConfig({
  ssr: { resolve: { conditions: ['@synchub/source'] } },
  test: {
    name: 'scale',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    testTimeout: 900_000,
    // A cold build in beforeAll can take minutes on a loaded machine; the guard is for a hung build.
    hookTimeout: 900_000,
    fileParallelism: false,
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: report } : undefined,
  },
});
