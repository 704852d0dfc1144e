import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve to their TypeScript source (exports' `@synchub/source`): tests need no build.
  ssr: { resolve: { conditions: ['@synchub/source'] } },
  test: {
    name: '@synchub/hub',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    // `pnpm test:postgres`: a test hub on PostgreSQL starts in about a second (a database to create, every
    // migration to run), not SQLite's tens of ms, so tests that start several hubs get longer deadlines.
    ...(process.env.SYNCHUB_TEST_STORE === 'postgres' ? { testTimeout: 30_000, hookTimeout: 60_000 } : {}),
  },
});
