import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRegistryError, type RegistryError } from './errors.js';
import { loadConnectors } from './load.js';
import { createRegistry } from './registry.js';
import { createTempRoot, DESTINATION_PATCH, pluginSource, type TempRoot } from './test-plugins.js';

let tmp: TempRoot;
beforeEach(async () => {
  tmp = await createTempRoot();
  await tmp.write({ dir: 'node_modules/@acme/zeta', name: '@acme/zeta', source: pluginSource('zeta') });
  await tmp.write({ dir: 'node_modules/@acme/alpha', name: '@acme/alpha', source: pluginSource('alpha') });
});
afterEach(() => tmp.remove());

async function load() {
  const loaded = await loadConnectors({ dirs: [path.join(tmp.root, 'node_modules')], strict: true });
  return { loaded, registry: createRegistry(loaded) };
}

describe('createRegistry', () => {
  it('gets and lists connectors sorted by id', async () => {
    const { registry } = await load();
    expect(registry.list().map((c) => c.definition.id)).toEqual(['alpha', 'zeta']);
    expect(registry.get('zeta')?.packageName).toBe('@acme/zeta');
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.require('alpha').definition.id).toBe('alpha');
  });

  it("require('nope') throws unknown_connector listing the known ids", async () => {
    const { registry } = await load();
    let thrown: unknown;
    try {
      registry.require('nope');
    } catch (error) {
      thrown = error;
    }
    expect(isRegistryError(thrown)).toBe(true);
    const error = thrown as RegistryError;
    expect(error.code).toBe('unknown_connector');
    expect(error.knownIds).toEqual(['alpha', 'zeta']);
    expect(error.message).toBe("unknown connector 'nope'; known connectors: alpha, zeta");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'RegistryError', code: 'unknown_connector' });
    expect(() => registry.describe('nope')).toThrow(/unknown connector 'nope'/);
  });

  it('describes a connector as plain JSON with input-side JSON Schemas', async () => {
    const { registry } = await load();
    const description = registry.describe('alpha');
    expect(description).toMatchObject({
      id: 'alpha',
      name: 'Acme alpha',
      version: '1.0.0',
      description: 'A third-party connector',
      packageName: '@acme/alpha',
      streams: ['accounts'],
      streamDetails: [{ name: 'accounts', description: null, object: 'accounts', optionsSchema: null }],
      writers: [
        { name: 'accounts', mode: 'upsert', batchSize: 50, description: null, object: null, optionsSchema: null },
      ],
      destination: null,
    });
    const settings = description.settingsSchema as {
      properties: Record<string, { title?: string; default?: unknown }>;
      required: string[];
    };
    expect(settings.properties['baseUrl']?.title).toBe('Base URL');
    expect(settings.properties['sandbox']?.default).toBe(false);
    // Defaulted `sandbox` is optional for the form; z.date() (unrepresentable) did not crash.
    expect(settings.required).toEqual(['baseUrl']);
    expect(settings.properties['since']).toEqual({});
    expect(description.secretsSchema).toMatchObject({ properties: { apiKey: { type: 'string' } } });
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });

  it('accepts loaded connectors directly and refuses duplicate ids', async () => {
    const { registry } = await load();
    const [alpha, zeta] = registry.list();
    expect(
      createRegistry([zeta!, alpha!])
        .list()
        .map((c) => c.definition.id),
    ).toEqual(['alpha', 'zeta']);
    const copy = { ...alpha!, packageName: '@acme/copy' };
    expect(() => createRegistry([alpha!, copy])).toThrow(
      "connector id 'alpha' is declared by both @acme/alpha and @acme/copy",
    );
  });

  it('describes stream and writer details and the event destination with JSON Schemas', async () => {
    await tmp.write({
      dir: 'node_modules/@acme/dest',
      name: '@acme/dest',
      source: pluginSource('dest', DESTINATION_PATCH),
    });
    const { registry } = await load();
    const description = registry.describe('dest');
    expect(description.streamDetails).toEqual([
      {
        name: 'accounts',
        description: 'Accounts, oldest change first',
        object: 'Account',
        optionsSchema: expect.objectContaining({ properties: { since: { type: 'string', title: 'Since' } } }),
      },
    ]);
    expect(description.writers).toEqual([
      {
        name: 'accounts',
        mode: 'upsert',
        batchSize: 50,
        description: 'Upsert accounts by domain',
        object: null,
        // Input side: the defaulted `object` is optional in the form.
        optionsSchema: expect.objectContaining({ properties: { object: { type: 'string', default: 'Account' } } }),
      },
    ]);
    expect(description.destination).toEqual({
      title: 'Acme events',
      description: 'Tracks and identifies',
      messageTypes: ['identify', 'track'],
      merge: true,
      settingsSchema: expect.objectContaining({
        type: 'object',
        properties: { eventPrefix: { type: 'string', default: 'app.', title: 'Event prefix' } },
      }),
    });
    expect((description.writers[0]?.optionsSchema as { required?: string[] } | undefined)?.required).toBeUndefined();
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });
});
