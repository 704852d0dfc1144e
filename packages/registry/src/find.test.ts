import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConnectorPackages } from './find.js';
import { createTempRoot, pluginSource, type TempRoot } from './test-plugins.js';

let tmp: TempRoot;
beforeEach(async () => {
  tmp = await createTempRoot();
});
afterEach(() => tmp.remove());

describe('findConnectorPackages', () => {
  it('finds scoped and unscoped connector packages in a node_modules folder', async () => {
    await tmp.write({ dir: 'node_modules/acme-crm', name: 'acme-crm', source: pluginSource('acme-crm') });
    await tmp.write({ dir: 'node_modules/@acme/foo', name: '@acme/foo', source: pluginSource('foo') });
    const found = await findConnectorPackages([path.join(tmp.root, 'node_modules')]);
    expect(found.errors).toEqual([]);
    expect(found.packages.map((p) => p.packageName)).toEqual(['@acme/foo', 'acme-crm']);
    const foo = found.packages[0]!;
    expect(foo.packageDir).toBe(await realpath(path.join(tmp.root, 'node_modules/@acme/foo')));
    expect(foo.entry).toBe(path.join(foo.packageDir, 'index.mjs'));
  });

  it('ignores packages without the synchub key (zod itself is one here) and dot folders', async () => {
    await tmp.write({ dir: 'node_modules/left-pad', name: 'left-pad', synchub: null });
    await tmp.write({ dir: 'node_modules/.pnpm/hidden', name: 'hidden', source: pluginSource('hidden') });
    const found = await findConnectorPackages([path.join(tmp.root, 'node_modules')]);
    expect(found).toEqual({ packages: [], errors: [] });
  });

  it('follows symlinks (pnpm) and reports a package reached twice once', async () => {
    await tmp.write({ dir: 'store/foo', name: '@acme/foo', source: pluginSource('foo') });
    await tmp.link('store/foo', 'node_modules/@acme/foo');
    await tmp.link('store/foo', 'other/node_modules/foo-alias');
    const found = await findConnectorPackages([
      path.join(tmp.root, 'node_modules'),
      path.join(tmp.root, 'other/node_modules'),
    ]);
    expect(found.packages).toHaveLength(1);
    expect(found.packages[0]!.packageDir).toBe(await realpath(path.join(tmp.root, 'store/foo')));
  });

  it('accepts a folder of packages, a package itself, and skips folders that do not exist', async () => {
    await tmp.write({ dir: 'connectors/a', name: '@acme/a', source: pluginSource('a') });
    await tmp.write({ dir: 'single', name: '@acme/single', source: pluginSource('single') });
    const found = await findConnectorPackages([
      path.join(tmp.root, 'connectors'),
      path.join(tmp.root, 'single'),
      path.join(tmp.root, 'missing/node_modules'),
    ]);
    expect(found.errors).toEqual([]);
    expect(found.packages.map((p) => p.packageName)).toEqual(['@acme/a', '@acme/single']);
  });

  it('reports a malformed synchub key as an error naming the package', async () => {
    await tmp.write({ dir: 'node_modules/@acme/bad', name: '@acme/bad', synchub: { connecter: './index.mjs' } });
    await tmp.write({ dir: 'node_modules/@acme/abs', name: '@acme/abs', synchub: { connector: '/etc/passwd' } });
    await tmp.write({ dir: 'node_modules/@acme/str', name: '@acme/str', synchub: 'yes' });
    await tmp.write({ dir: 'node_modules/@acme/good', name: '@acme/good', source: pluginSource('good') });
    const found = await findConnectorPackages([path.join(tmp.root, 'node_modules')]);
    expect(found.packages.map((p) => p.packageName)).toEqual(['@acme/good']);
    expect(found.errors.map((e) => [e.code, e.packageName])).toEqual([
      ['invalid_package', '@acme/abs'],
      ['invalid_package', '@acme/bad'],
      ['invalid_package', '@acme/str'],
    ]);
    expect(found.errors[1]!.message).toMatch(/^@acme\/bad has a malformed "synchub" key.*synchub\.connector/);
    expect(found.errors[0]!.message).toContain('relative to the package root');
  });

  it('reports an entry that is missing or outside the package', async () => {
    await tmp.write({ dir: 'node_modules/nofile', name: 'nofile' });
    await tmp.write({ dir: 'node_modules/escape', name: 'escape', synchub: { connector: '../nofile/x.mjs' } });
    const found = await findConnectorPackages([path.join(tmp.root, 'node_modules')]);
    expect(found.packages).toEqual([]);
    expect(found.errors.map((e) => e.message)).toEqual([
      "escape's synchub.connector points outside the package",
      expect.stringMatching(
        /^nofile's synchub\.connector entry \.\/index\.mjs does not exist \(.*index\.mjs\): .*build/,
      ),
    ]);
  });
});
