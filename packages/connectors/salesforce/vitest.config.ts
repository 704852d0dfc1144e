import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@synchub/connector-salesforce',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
  },
});
