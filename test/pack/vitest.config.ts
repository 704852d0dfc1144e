import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Packing and installing: builds the hub and its packages (turbo, cached), packs @synchub/core and a plugin,
// installs them with npm into a temp project and starts the compiled hub on it. Run with `pnpm test:pack`
// (CI runs it after the browser tests): a cold build takes about a minute, too long for `pnpm test`.
const report = process.env.SYNCHUB_TEST_REPORT;

export default defineConfig({
  test: {
    name: 'pack',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    // The cold build in beforeAll takes ~1.5 min on a quiet 2-core machine and over 5 min at a load of ~50
    // (a CI run beside other work timed out at 300 s); the guard is for a hung build, not a slow one.
    hookTimeout: 900_000,
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: report } : undefined,
  },
});
