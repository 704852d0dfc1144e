import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRegistryError } from './errors.js';
import { loadConnectors } from './load.js';
import { createTempRoot, DESTINATION_PATCH, pluginSource, type TempRoot } from './test-plugins.js';

let tmp: TempRoot;
let nodeModules: string;
beforeEach(async () => {
  tmp = await createTempRoot();
  nodeModules = path.join(tmp.root, 'node_modules');
});
afterEach(() => tmp.remove());

describe('loadConnectors', () => {
  it('imports and validates third-party connectors, scoped and unscoped', async () => {
    await tmp.write({ dir: 'node_modules/@acme/foo', name: '@acme/foo', source: pluginSource('foo') });
    await tmp.write({ dir: 'node_modules/acme-crm', name: 'acme-crm', source: pluginSource('acme-crm') });
    await tmp.write({ dir: 'node_modules/plain', name: 'plain', synchub: null });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(errors).toEqual([]);
    expect([...connectors.keys()]).toEqual(['foo', 'acme-crm']);
    const foo = connectors.get('foo')!;
    expect(foo.packageName).toBe('@acme/foo');
    expect(foo.definition.name).toBe('Acme foo');
    // The original object is kept (schemas and functions intact), not a zod-parsed copy.
    expect(foo.definition.settings.safeParse({ baseUrl: 'https://x' }).success).toBe(true);
    await expect(foo.definition.check({} as never)).resolves.toEqual({ summary: 'ok', details: {} });
  });

  it('rejects a definition built for another contract version with a clear message', async () => {
    await tmp.write({
      dir: 'node_modules/@acme/next',
      name: '@acme/next',
      source: pluginSource('next', 'definition.contractVersion = 2;'),
    });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(connectors.size).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('contract_mismatch');
    expect(errors[0]!.packageName).toBe('@acme/next');
    expect(errors[0]!.message).toBe('@acme/next targets connector contract 2; this hub implements contract 1');
  });

  it('keeps the first of two packages declaring one id and names both', async () => {
    await tmp.write({
      dir: 'builtin/gainsight',
      name: '@synchub/connector-gainsight',
      source: pluginSource('gainsight'),
    });
    await tmp.write({ dir: 'node_modules/@acme/x', name: '@acme/x', source: pluginSource('gainsight') });
    const { connectors, errors } = await loadConnectors({ dirs: [path.join(tmp.root, 'builtin'), nodeModules] });
    expect(connectors.get('gainsight')!.packageName).toBe('@synchub/connector-gainsight');
    expect(errors.map((e) => [e.code, e.packageName])).toEqual([['duplicate_id', '@acme/x']]);
    expect(errors[0]!.message).toContain(
      "connector id 'gainsight' is declared by both @synchub/connector-gainsight and @acme/x",
    );
  });

  it('lists the paths of every problem of an invalid definition', async () => {
    const patch = `
      definition.id = 'Bad Id';
      delete definition.check;
      definition.settings = { parse() {} };
      definition.writers.accounts.batchSize = 0;
      definition.streams.accounts.name = 'other';
      definition.rateLimit.defaultBucket = 'nope';
      definition.rateLimit.buckets.api[0].windowMs = -1;`;
    await tmp.write({ dir: 'node_modules/@acme/broken', name: '@acme/broken', source: pluginSource('x', patch) });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(connectors.size).toBe(0);
    const [error] = errors;
    expect(error?.code).toBe('invalid_definition');
    expect(error?.packageName).toBe('@acme/broken');
    expect(error?.message).toMatch(/^@acme\/broken does not export a valid connector definition: /);
    for (const problem of [
      'id: must be a lowercase slug',
      'check: must be a function',
      'settings: must be a zod 4 schema',
      'writers.accounts.batchSize:',
      'rateLimit.buckets.api.0.windowMs:',
    ]) {
      expect(error?.message).toContain(problem);
    }
  });

  it('checks cross-references once the shape is right', async () => {
    const patch = `
      definition.streams.accounts.name = 'other';
      definition.writers.accounts.bucket = 'bulk';
      definition.rateLimit.defaultBucket = 'nope';`;
    await tmp.write({ dir: 'node_modules/refs', name: 'refs', source: pluginSource('refs', patch) });
    const { errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(errors[0]?.message).toContain("streams.accounts.name: must equal its key 'accounts'");
    expect(errors[0]?.message).toContain('writers.accounts.bucket: names no bucket (buckets: api)');
    expect(errors[0]?.message).toContain('rateLimit.defaultBucket: names no bucket (buckets: api)');
  });

  it('refuses a form that cannot be turned into JSON Schema, unless told not to convert that package', async () => {
    // A BigInt in a form's metadata: zod cannot write it as JSON.
    const patch = `definition.secrets = z.object({ apiKey: z.string().meta({ examples: [1n] }) });`;
    const dir = await tmp.write({
      dir: 'node_modules/unrendered',
      name: 'unrendered',
      source: pluginSource('u', patch),
    });
    const checked = await loadConnectors({ dirs: [nodeModules] });
    expect(checked.connectors.size).toBe(0);
    expect(checked.errors[0]?.message).toContain('secrets: cannot be turned into JSON Schema');
    const trusted = await realpath(dir);
    const seen: string[] = [];
    const unchecked = await loadConnectors({
      dirs: [nodeModules],
      checkForms: (packageDir) => {
        seen.push(packageDir);
        return packageDir !== trusted;
      },
    });
    expect(seen).toEqual([trusted]);
    expect(unchecked.errors).toEqual([]);
    expect([...unchecked.connectors.keys()]).toEqual(['u']);
  });

  it('reports a package without a default export', async () => {
    await tmp.write({ dir: 'node_modules/nodefault', name: 'nodefault', source: 'export const x = 1;\n' });
    const { errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(errors.map((e) => e.code)).toEqual(['invalid_definition']);
    expect(errors[0]!.message).toMatch(/^nodefault has no default export/);
  });

  it('reports an entry that throws on import and still loads the others', async () => {
    await tmp.write({ dir: 'node_modules/@acme/boom', name: '@acme/boom', source: "throw new Error('kaboom');\n" });
    await tmp.write({ dir: 'node_modules/@acme/ok', name: '@acme/ok', source: pluginSource('ok') });
    await tmp.write({ dir: 'node_modules/@acme/bad-key', name: '@acme/bad-key', synchub: { connector: 42 } });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect([...connectors.keys()]).toEqual(['ok']);
    expect(errors.map((e) => [e.code, e.packageName])).toEqual([
      ['invalid_package', '@acme/bad-key'],
      ['import_failed', '@acme/boom'],
    ]);
    expect(errors[1]!.message).toMatch(/^@acme\/boom could not be imported from .*index\.mjs: kaboom$/);
    expect((errors[1]!.cause as Error).message).toBe('kaboom');
  });

  it('uses the import function it is given', async () => {
    await tmp.write({ dir: 'node_modules/viaimport', name: 'viaimport', source: pluginSource('ignored') });
    const seen: string[] = [];
    const { errors } = await loadConnectors({
      dirs: [nodeModules],
      import: async (entry) => {
        seen.push(entry);
        throw 'not an Error';
      },
    });
    expect(seen).toEqual([path.join(await realpath(nodeModules), 'viaimport', 'index.mjs')]);
    expect(errors[0]!.message).toContain(': not an Error');
  });

  it('throws one aggregated RegistryError in strict mode', async () => {
    await tmp.write({ dir: 'node_modules/@acme/ok', name: '@acme/ok', source: pluginSource('ok') });
    await tmp.write({
      dir: 'node_modules/@acme/v2',
      name: '@acme/v2',
      source: pluginSource('v2', 'definition.contractVersion = 2;'),
    });
    await tmp.write({ dir: 'node_modules/@acme/boom', name: '@acme/boom', source: "throw new Error('kaboom');\n" });
    const thrown = await loadConnectors({ dirs: [nodeModules], strict: true }).catch((error: unknown) => error);
    expect(isRegistryError(thrown)).toBe(true);
    if (!isRegistryError(thrown)) return;
    expect(thrown.message).toMatch(
      /^2 connector package\(s\) could not be loaded:\n- @acme\/boom .*\n- @acme\/v2 targets/,
    );
    expect((thrown.cause as AggregateError).errors).toHaveLength(2);
    await expect(loadConnectors({ dirs: [path.join(nodeModules, '@acme/ok')], strict: true })).resolves.toMatchObject({
      errors: [],
    });
  });

  it('loads a connector that offers an event destination, with stream and writer options', async () => {
    await tmp.write({
      dir: 'node_modules/@acme/dest',
      name: '@acme/dest',
      source: pluginSource('dest', DESTINATION_PATCH),
    });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(errors).toEqual([]);
    const destination = connectors.get('dest')?.definition.destination;
    expect(destination?.messageTypes).toEqual(['identify', 'track']);
    expect(
      destination?.map?.({ type: 'identify', messageId: 'm', userId: 'u1' }, { settings: {}, connectionSettings: {} }),
    ).toEqual({ records: [{ writer: 'accounts', record: { id: 'u1' } }] });
  });

  it('reports a broken event destination like any broken plugin, and still loads the others', async () => {
    const broken = `${DESTINATION_PATCH}
      delete definition.destination.map;
      definition.destination.merge = 'yes';
      definition.destination.messageTypes = ['identify', 'pageview'];
      definition.destination.settings = { safeParse() {} };`;
    await tmp.write({
      dir: 'node_modules/@acme/broken-dest',
      name: '@acme/broken-dest',
      source: pluginSource('bd', broken),
    });
    const empty = `${DESTINATION_PATCH} definition.destination.messageTypes = []; delete definition.destination.map;`;
    await tmp.write({
      dir: 'node_modules/@acme/empty-dest',
      name: '@acme/empty-dest',
      source: pluginSource('ed', empty),
    });
    await tmp.write({ dir: 'node_modules/@acme/ok', name: '@acme/ok', source: pluginSource('ok', DESTINATION_PATCH) });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect([...connectors.keys()]).toEqual(['ok']);
    expect(errors.map((e) => [e.code, e.packageName])).toEqual([
      ['invalid_definition', '@acme/broken-dest'],
      ['invalid_definition', '@acme/empty-dest'],
    ]);
    for (const problem of [
      'destination.merge:',
      'destination.messageTypes.1:',
      'destination.settings: must be a zod 4 schema',
    ]) {
      expect(errors[0]?.message).toContain(problem);
    }
    expect(errors[1]?.message).toContain('destination.messageTypes: must name at least one message type');
    expect(errors[1]?.message).toContain('destination: needs a map or a deliver function');
  });

  it('checks the object and options schema of streams and writers', async () => {
    const patch = `${DESTINATION_PATCH}
      definition.streams.accounts.options = { since: 'string' };
      definition.writers.accounts.object = 7;`;
    await tmp.write({ dir: 'node_modules/@acme/opts', name: '@acme/opts', source: pluginSource('opts', patch) });
    const { errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(errors[0]?.message).toContain('streams.accounts.options: must be a zod 4 schema');
    expect(errors[0]?.message).toContain('writers.accounts.object:');
  });
});
