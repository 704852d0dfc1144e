import { defineConfig } from 'vitest/config';

// One run over every package, so CI reads one JSON report. Browser tests have their own config.
const reporters: string[] = ['default'];
if (process.env.SYNCHUB_TEST_REPORT) reporters.push('json');

export default defineConfig({
  test: {
    // Each project is a package with its own config; a bare `packages/*` also matched `packages/connectors`
    // as a project of its own and ran every connector test twice.
    projects: [
      'packages/*/vitest.config.ts',
      'packages/connectors/*/vitest.config.ts',
      'packages/flows/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'test',
    ],
    reporters,
    outputFile: process.env.SYNCHUB_TEST_REPORT ? { json: process.env.SYNCHUB_TEST_REPORT } : undefined,
  },
});
