import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFlows } from './flows.js';
import { loadConnectors } from './load.js';
import { createRegistry } from './registry.js';

const connectorsDir = fileURLToPath(new URL('../../connectors', import.meta.url));
const flowsDir = fileURLToPath(new URL('../../flows', import.meta.url));

// The built-in connectors and flows go through the same door as any plugin (from source: tests need no build),
// with every form turned into JSON Schema: the hub leaves that out at start for the workspace's packages.
describe('the workspace connectors', () => {
  it('load through the registry: gainsight, pendo, qualtrics, salesforce', async () => {
    const loaded = await loadConnectors({ dirs: [connectorsDir], conditions: ['@synchub/source'] });
    expect(loaded.errors.map((e) => e.message)).toEqual([]);
    const registry = createRegistry(loaded);
    expect(registry.list().map((c) => c.definition.id)).toEqual(['gainsight', 'pendo', 'qualtrics', 'salesforce']);
    for (const { definition, packageName, packageDir } of registry.list()) {
      expect(packageName).toBe(`@synchub/connector-${definition.id}`);
      expect(packageDir).toBe(path.join(connectorsDir, definition.id));
      const description = registry.describe(definition.id);
      expect(description.settingsSchema).toMatchObject({
        type: 'object',
        properties: { sandbox: { type: 'boolean' } },
      });
      expect(description.secretsSchema).toMatchObject({ type: 'object' });
    }
  });
});

describe('the workspace flows', () => {
  it('load through the registry, every settings form turned into JSON Schema', async () => {
    const loaded = await loadFlows({ dirs: [flowsDir], conditions: ['@synchub/source'] });
    expect(loaded.errors.map((e) => e.message)).toEqual([]);
    expect([...loaded.flows.keys()].sort()).toEqual(['gainsight-pulls', 'pendo-bridge', 'qualtrics']);
  });
});
