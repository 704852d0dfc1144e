import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.js';

export default defineConfig(
  packageBuild({
    // Plain JS module-resolution hooks, loaded by path (new URL('./host-modules-hooks.js', import.meta.url)).
    copy: [{ from: 'src/host-modules-hooks.js', to: 'dist' }],
  }),
);
