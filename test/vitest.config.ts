import { defineProject } from 'vitest/config';

// Cross-package end-to-end tests (hub + simulators over real HTTP), and the hub's tests that need the
// built-in connectors, their simulators or the built-in flows (./hub). Browser tests live in ./browser.
export default defineProject({
  // Workspace packages resolve to their TypeScript source (exports' `@synchub/source`): tests need no build.
  ssr: { resolve: { conditions: ['@synchub/source'] } },
  test: { name: '@synchub/e2e', include: ['e2e/**/*.test.ts', 'hub/**/*.test.ts'], testTimeout: 60_000 },
});
