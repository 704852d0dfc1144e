import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConnectors } from './load.js';
import { createTempRoot, pluginSource, type TempRoot } from './test-plugins.js';

let tmp: TempRoot;
beforeEach(async () => {
  tmp = await createTempRoot();
});
afterEach(() => tmp.remove());

/** A package laid out like a workspace one: a built entry in dist/ and its source behind a condition. */
async function writeBuilt(dir: string, files: { dist?: string; src?: string }): Promise<string> {
  const full = path.join(tmp.root, dir);
  await mkdir(path.join(full, 'dist'), { recursive: true });
  await mkdir(path.join(full, 'src'), { recursive: true });
  const manifest = {
    name: `@acme/${path.basename(dir)}`,
    version: '1.0.0',
    type: 'module',
    exports: { '.': { '@synchub/source': './src/index.mjs', types: './dist/index.d.ts', import: './dist/index.js' } },
    synchub: { connector: './dist/index.js' },
  };
  await writeFile(path.join(full, 'package.json'), JSON.stringify(manifest));
  if (files.dist !== undefined) await writeFile(path.join(full, 'dist/index.js'), files.dist);
  if (files.src !== undefined) await writeFile(path.join(full, 'src/index.mjs'), files.src);
  return full;
}

describe('entry resolution', () => {
  it('loads the built entry by default and the source with the @synchub/source condition', async () => {
    await writeBuilt('node_modules/built', {
      dist: pluginSource('built', "definition.name = 'from dist';"),
      src: pluginSource('built', "definition.name = 'from src';"),
    });
    const dirs = [path.join(tmp.root, 'node_modules')];
    const compiled = await loadConnectors({ dirs });
    expect(compiled.errors).toEqual([]);
    expect(compiled.connectors.get('built')?.definition.name).toBe('from dist');
    const source = await loadConnectors({ dirs, conditions: ['@synchub/source'] });
    expect(source.errors).toEqual([]);
    expect(source.connectors.get('built')?.definition.name).toBe('from src');
  });

  it('a package that is not built: with the condition its source loads; without, an error says to build', async () => {
    const dir = await writeBuilt('node_modules/unbuilt', { src: pluginSource('unbuilt') });
    const dirs = [path.join(tmp.root, 'node_modules')];
    expect((await loadConnectors({ dirs, conditions: ['@synchub/source'] })).connectors.has('unbuilt')).toBe(true);
    const compiled = await loadConnectors({ dirs });
    expect(compiled.connectors.size).toBe(0);
    expect(compiled.errors.map((e) => [e.code, e.packageName])).toEqual([['invalid_package', '@acme/unbuilt']]);
    const message = compiled.errors[0]?.message ?? '';
    expect(message).toContain(path.join(dir, 'dist/index.js'));
    expect(message).toMatch(/synchub\.connector entry \.\/dist\/index\.js does not exist.*build/i);
  });

  it('plain JS plugins (no exports, or no such condition) load their declared entry under any condition', async () => {
    await tmp.write({ dir: 'node_modules/plain', name: 'plain', source: pluginSource('plain') });
    const found = await loadConnectors({
      dirs: [path.join(tmp.root, 'node_modules')],
      conditions: ['@synchub/source'],
    });
    expect(found.errors).toEqual([]);
    expect([...found.connectors.keys()]).toEqual(['plain']);
  });

  it('a source condition target outside the package is refused', async () => {
    const dir = await writeBuilt('node_modules/sneaky', { dist: pluginSource('sneaky') });
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: '@acme/sneaky',
        type: 'module',
        exports: { '.': { '@synchub/source': '../../x.mjs', import: './dist/index.js' } },
        synchub: { connector: './dist/index.js' },
      }),
    );
    const found = await loadConnectors({
      dirs: [path.join(tmp.root, 'node_modules')],
      conditions: ['@synchub/source'],
    });
    expect(found.errors.map((e) => e.message)).toEqual(["@acme/sneaky's synchub.connector points outside the package"]);
  });
});
