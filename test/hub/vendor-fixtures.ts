import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BridgeOptions,
  createBridge as createVendors,
} from '../../packages/flows/pendo-bridge/src/bridge-fixtures.js';

/*
 * Salesforce, Pendo and Gainsight simulators and a hub connected to each, for the hub's tests that need
 * real vendors (the generic sync, connections in use, previews, the org's budget). The set-up is the Pendo
 * bridge's own (packages/flows/pendo-bridge/src/bridge-fixtures.ts, imported by path: that package cannot
 * depend on this one, and it is not a dependency of it either), with the bridge's flows left out of the hub.
 */
export {
  type Bridge,
  type CreateAnswer,
  issuesOf,
  NOW,
  PENDO_ONLY,
  RUN_DATE,
  type RunAnswer,
  USAGE_FIELDS,
} from '../../packages/flows/pendo-bridge/src/bridge-fixtures.js';

/** The workspace's flow packages (packages/flows), for tests that load the built-in flows as the hub does. */
export const WORKSPACE_FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/flows');

/** The vendors and a hub with its own kinds only, or the flows that `hub` options load (e.g. `workspaceFlows`). */
export const createBridge = (options: Omit<BridgeOptions, 'loadBridge'> = {}) =>
  createVendors({ ...options, loadBridge: false });
