import { defineConfig } from 'tsdown';
import { bundleAlso, packageBuild } from '../../../tsdown.base.js';

// Only `sql` is used from Kysely, and Hono serves the service's routes (its `fetch`): bundled, both are part of
// this one file instead of Kysely's ~280 modules and Hono's ~30 at start (the hub bundles its own Hono).
export default defineConfig(packageBuild({ deps: { alwaysBundle: bundleAlso('hono') } }));
