import { defineProject } from 'vitest/config';

// Cross-package end-to-end tests (hub + simulators over real HTTP). Browser tests live in ./browser.
export default defineProject({
  test: { name: '@synchub/e2e', include: ['e2e/**/*.test.ts'], testTimeout: 60_000 },
});
