import { defineConfig } from 'tsdown';
import { packageBuild } from '../../tsdown.base.js';

export default defineConfig(packageBuild());
