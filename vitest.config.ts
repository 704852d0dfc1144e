import { defineConfig } from 'vitest/config';

// One run over every package, so CI reads one JSON report. Browser tests have their own config.
const reporters: string[] = ['default'];
if (process.env.SYNCHUB_TEST_REPORT) reporters.push('json');

export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/connectors/*', 'apps/*', 'test'],
    reporters,
    outputFile: process.env.SYNCHUB_TEST_REPORT ? { json: process.env.SYNCHUB_TEST_REPORT } : undefined,
  },
});
