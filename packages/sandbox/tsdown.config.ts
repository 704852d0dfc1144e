import { defineConfig } from 'tsdown';
import { asciiOutput, packageBuild } from '../../tsdown.base.js';

// The simulators do not depend on @synchub/core: they import zod itself.
export default defineConfig(packageBuild({ plugins: [asciiOutput()] }));
