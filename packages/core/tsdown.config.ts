import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.js';

// vitest stays external: only ./testing imports it, and plugin authors bring their own.
export default defineConfig(
  packageBuild({ entry: ['src/index.ts', 'src/testing/index.ts'], deps: { neverBundle: [/^vitest/] } }),
);
