import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve to their TypeScript source (exports' `@synchub/source`): tests need no build.
  ssr: { resolve: { conditions: ['@synchub/source'] } },
  test: {
    name: '@synchub/connector-qualtrics',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
  },
});
