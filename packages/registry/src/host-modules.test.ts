import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * shareHostModules registers a Node resolution hook, which vitest's own module loading does not go through:
 * each case runs in a real Node process (tsx for this TypeScript source), laid out as a host beside a
 * plugin folder, and prints which copy every import got.
 */
const require = createRequire(import.meta.url);
// tsx is a devDependency of the workspace root (as for `pnpm dev`).
const tsx = pathToFileURL(
  createRequire(path.resolve(fileURLToPath(import.meta.url), '../../../../package.json')).resolve('tsx'),
).href;
const zodDir = path.dirname(require.resolve('zod/package.json'));
const source = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'host-modules.ts')).href;

let root: string;

/** A package of one ES module (`index.js`, plus more files), written at `dir` under the temp root. */
async function pkg(dir: string, name: string, files: Record<string, string>): Promise<void> {
  const full = path.join(root, dir);
  await mkdir(full, { recursive: true });
  await writeFile(
    path.join(full, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }),
  );
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(full, file), text);
}

/** What a plugin module reports: the copy of `shared` it got (`who`), and where its imports resolve. */
const reporter = (imports: string) => `${imports}
export const resolved = (s) => import.meta.resolve(s);`;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'synchub-host-modules-'));
  // The host: its own `shared` (with a subpath) and zod.
  await pkg('host', 'host', { 'main.js': 'export const zod = import.meta.resolve("zod");' });
  await pkg('host/node_modules/shared', 'shared', {
    'index.js': 'export const who = "host";',
    'extra.js': 'export const extra = "host";',
  });
  await mkdir(path.join(root, 'host/node_modules'), { recursive: true });
  await symlink(zodDir, path.join(root, 'host/node_modules/zod'), 'dir');
  // A plugin folder: one plugin with its own `shared` (and a package only it has), one with none.
  await pkg('plugins/node_modules/own', 'own', {
    'index.js': reporter(
      'export { who } from "shared"; export { extra } from "shared/extra.js"; export { only } from "only";',
    ),
  });
  await pkg('plugins/node_modules/own/node_modules/shared', 'shared', {
    'index.js': 'export const who = "plugin";',
    'extra.js': 'export const extra = "plugin";',
  });
  await pkg('plugins/node_modules/only', 'only', { 'index.js': 'export const only = "plugin";' });
  await pkg('plugins/node_modules/bare', 'bare', { 'index.js': reporter('export { who } from "shared";') });
  // A second host whose @synchub/core has the one-file zod (`@synchub/core/zod`), as the compiled hub's has.
  await pkg('host2', 'host2', { 'main.js': 'export const zod = import.meta.resolve("zod");' });
  await mkdir(path.join(root, 'host2/node_modules/@synchub/core'), { recursive: true });
  await writeFile(
    path.join(root, 'host2/node_modules/@synchub/core/package.json'),
    JSON.stringify({ name: '@synchub/core', type: 'module', exports: { '.': './index.js', './zod': './zod.js' } }),
  );
  await writeFile(path.join(root, 'host2/node_modules/@synchub/core/index.js'), 'export const core = true;');
  await writeFile(path.join(root, 'host2/node_modules/@synchub/core/zod.js'), 'export const who = "core-zod";');
  await symlink(zodDir, path.join(root, 'host2/node_modules/zod'), 'dir');
  await pkg('plugins/node_modules/zodded', 'zodded', { 'index.js': reporter('export { who } from "zod";') });
  // Outside the plugin folder (a sibling whose name starts the same): untouched.
  await pkg('plugins-old/node_modules/own', 'own', { 'index.js': 'export { who } from "shared";' });
  await pkg('plugins-old/node_modules/shared', 'shared', { 'index.js': 'export const who = "outside";' });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs `body` in a fresh Node process after shareHostModules(options); answers what it printed (JSON). */
async function inNode(options: string, body: string): Promise<Record<string, unknown>> {
  const script = `import { shareHostModules } from ${JSON.stringify(source)};
const load = (p) => import(${JSON.stringify(pathToFileURL(root).href)} + '/' + p);
${options === '' ? '' : `shareHostModules(${options});`}
${body}`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--import=${tsx}`, '--input-type=module', '-e', script],
    {
      cwd: root,
    },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** shareHostModules' options for the plugin folder above, sharing `packages` with the host. */
const share = (packages: string[]) =>
  JSON.stringify({
    dirs: [path.join(root, 'plugins')],
    host: pathToFileURL(path.join(root, 'host/main.js')).href,
    packages,
  });

describe('shareHostModules', () => {
  it('gives a plugin the host’s copy of a shared package, subpaths included, over its own', async () => {
    const out = await inNode(
      share(['shared', 'zod']),
      `const own = await load('plugins/node_modules/own/index.js');
const host = await load('host/main.js');
console.log(JSON.stringify({ who: own.who, extra: own.extra, only: own.only, zod: own.resolved('zod'), hostZod: host.zod }));`,
    );
    expect(out).toMatchObject({ who: 'host', extra: 'host', only: 'plugin' });
    expect(out.zod).toBe(out.hostZod);
  });

  it('lets a plugin without a copy import the host’s, and leaves files outside the plugin folders alone', async () => {
    const out = await inNode(
      share(['shared', 'zod']),
      `const bare = await load('plugins/node_modules/bare/index.js');
const outside = await load('plugins-old/node_modules/own/index.js');
console.log(JSON.stringify({ bare: bare.who, outside: outside.who }));`,
    );
    expect(out).toEqual({ bare: 'host', outside: 'outside' });
  });

  it('without it, Node gives the plugin its own copy (what the hook changes)', async () => {
    const out = await inNode(
      '',
      `const own = await load('plugins/node_modules/own/index.js');
console.log(JSON.stringify({ who: own.who, extra: own.extra }));`,
    );
    expect(out).toEqual({ who: 'plugin', extra: 'plugin' });
  });

  it('gives a plugin’s `zod` the host’s one-file copy from @synchub/core when the host has it', async () => {
    const out = await inNode(
      JSON.stringify({
        dirs: [path.join(root, 'plugins')],
        host: pathToFileURL(path.join(root, 'host2/main.js')).href,
      }),
      `const zodded = await load('plugins/node_modules/zodded/index.js');
console.log(JSON.stringify({ who: zodded.who, zod: zodded.resolved('zod') }));`,
    );
    expect(out.who).toBe('core-zod');
    expect(out.zod).toBe(pathToFileURL(path.join(root, 'host2/node_modules/@synchub/core/zod.js')).href);
  });

  it('falls back to the plugin’s own copy when the host has none', async () => {
    const out = await inNode(
      share(['only']),
      `const own = await load('plugins/node_modules/own/index.js');
console.log(JSON.stringify({ only: own.only, who: own.who }));`,
    );
    expect(out).toEqual({ only: 'plugin', who: 'plugin' });
  });
});
