import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@synchub/connector-gainsight',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
  },
});
