import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubProcess, type Json, startHubProcess } from '../hub-process.js';

/**
 * The packages as a user gets them: `pnpm pack` of every workspace package but the apps (each tarball holds
 * built JavaScript and declarations, no sources, no workspace:/catalog: specifiers), and `npm pack` of a
 * small plain-JavaScript connector with one pipeline kind (fixtures/tally-plugin, peer dependencies
 * @synchub/core and zod). Installed with npm into temporary plain Node projects, they import there with no
 * TypeScript loader: @synchub/core with the tally plugin, and @synchub/connector-gainsight with its peers.
 * The compiled hub (`bin/synchub.js start`, a real process) started with the tally project as
 * SYNCHUB_PLUGIN_DIR lists the package and the kind, validates with its schemas, and runs it, the plugin
 * importing the hub's own @synchub/core and zod rather than the copies npm put beside it.
 */
const TOKEN = 'pack-admin-token-0123456789abcdef';
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const FIXTURE = path.join(here, 'fixtures', 'tally-plugin');
const PACKAGE = 'synchub-connector-tally';

/** The environment of every child: no loader or condition of the test runner's, no npm settings of pnpm's. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !/^npm_/i.test(k)));

/** Runs a command to its end; a failure throws with what it printed. */
function exec(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed (in ${cwd}):\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

let tmp: string;
let project: string;
/** A plain project with the packed @synchub/connector-gainsight and its peers. */
let consumer: string;
/** Every packed workspace package: name → tarball. */
const packed = new Map<string, string>();
/** The pipeline of the plugin's kind that the runs below ran. */
let countPipeline: string;
let hub: HubProcess | undefined;
const timings: Record<string, number> = {};

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

/** The one tarball a pack command wrote into `dir`. */
async function tarball(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  expect(files).toHaveLength(1);
  return path.join(dir, files[0]!);
}

/** The folders of the workspace's packages (pnpm-workspace.yaml's globs), apps and the test package left out. */
async function packageDirs(): Promise<string[]> {
  const yaml = await readFile(path.join(repo, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1]!).filter((g) => g.startsWith('packages/'));
  const dirs = await Promise.all(
    globs.map(async (glob) => {
      if (!glob.endsWith('/*')) return [glob];
      const parent = glob.slice(0, -2);
      const entries = await readdir(path.join(repo, parent), { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => `${parent}/${e.name}`);
    }),
  );
  const withManifest = await Promise.all(
    dirs
      .flat()
      .map(async (dir) => ((await readFile(path.join(repo, dir, 'package.json')).catch(() => null)) ? dir : null)),
  );
  return withManifest.filter((dir) => dir !== null).sort();
}

/** A packed tarball's files (without the `package/` prefix) and its package.json. */
async function tarballContents(file: string): Promise<{ files: string[]; manifest: Json }> {
  const listing = await exec('tar', ['-tzf', file], tmp);
  const files = listing
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  const manifest = JSON.parse(await exec('tar', ['-xzOf', file, 'package/package.json'], tmp)) as Json;
  return { files, manifest };
}

const ok = (method: string, route: string, body?: unknown) => hub!.ok(method, route, body);
const api = (method: string, route: string, body?: unknown) => hub!.api(method, route, body);
const run = (pipelineId: string) => hub!.run(pipelineId, 20_000);

/** A plain Node project (what `npm init -y` writes, as an ES module package). */
async function plainProject(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir);
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `synchub-${name}`, version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  return dir;
}

const npmInstall = (dir: string, specs: string[]) =>
  exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], dir);

beforeAll(async () => {
  // The compiled hub and every package (turbo: cached when nothing changed); the apps but the hub are not packed.
  await timed('build', () =>
    exec(
      'npx',
      [
        '--yes',
        'pnpm@10',
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=@synchub/hub...',
        '--filter=./packages/**',
        '--output-logs=errors-only',
      ],
      repo,
    ),
  );
  tmp = await mkdtemp(path.join(os.tmpdir(), 'synchub-pack-'));
  const tarballs = { packages: path.join(tmp, 'packages'), plugin: path.join(tmp, 'plugin') };
  await Promise.all(Object.values(tarballs).map((dir) => mkdir(dir)));
  // One `pnpm pack` per package, run by pnpm itself over the packages/ folders (one process, not eleven).
  await timed('pack', () =>
    Promise.all([
      exec(
        'npx',
        ['--yes', 'pnpm@10', '--recursive', '--filter=./packages/**', 'pack', '--pack-destination', tarballs.packages],
        repo,
      ),
      exec('npm', ['pack', '--pack-destination', tarballs.plugin], FIXTURE),
    ]),
  );
  for (const file of await readdir(tarballs.packages)) {
    const { manifest } = await tarballContents(path.join(tarballs.packages, file));
    packed.set(manifest.name, path.join(tarballs.packages, file));
  }
  const tarballOf = (name: string) => {
    const file = packed.get(name);
    if (!file) throw new Error(`${name} was not packed (packed: ${[...packed.keys()].join(', ')})`);
    return file;
  };
  project = await plainProject('plugins');
  consumer = await plainProject('consumer');
  const plugin = await tarball(tarballs.plugin);
  await timed('npm install', () =>
    Promise.all([
      npmInstall(project, [tarballOf('@synchub/core'), plugin, 'zod']),
      npmInstall(consumer, [tarballOf('@synchub/connector-gainsight'), tarballOf('@synchub/core'), 'zod']),
    ]),
  );
  const dataDir = path.join(tmp, 'data');
  await mkdir(dataDir);
  hub = await timed('hub start', () =>
    startHubProcess({
      args: [path.join(repo, 'apps/hub/bin/synchub.js'), 'start'],
      env: cleanEnv(),
      dataDir,
      pluginDir: project,
      token: TOKEN,
    }),
  );
}, 300_000);

afterAll(async () => {
  await hub?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  console.log(`pack test steps (ms): ${JSON.stringify(timings)}`);
});

describe('@synchub/core and a plugin, packed and installed with npm', () => {
  it('packs @synchub/core as built JavaScript and declarations, with its specifiers rewritten', async () => {
    const manifest = JSON.parse(
      await readFile(path.join(project, 'node_modules/@synchub/core/package.json'), 'utf8'),
    ) as Json;
    // No source condition (src/ is not packed) and no workspace:/catalog: specifiers left.
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(JSON.stringify(manifest)).not.toMatch(/@synchub\/source|workspace:|catalog:/);
    expect(manifest.dependencies.zod).toMatch(/^\^4\./);
    const files = await readdir(path.join(project, 'node_modules/@synchub/core'), { recursive: true });
    expect(files.filter((f) => !f.startsWith('dist')).sort()).toEqual(['package.json']);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js']));
  });

  it('imports in plain Node, no TypeScript loader: the plugin, its kind and @synchub/core', async () => {
    const script = `
const plugin = (await import(${JSON.stringify(PACKAGE)})).default;
const core = await import('@synchub/core');
console.log(JSON.stringify({
  id: plugin.id,
  kinds: plugin.kinds.map((k) => k.kind),
  contract: plugin.contractVersion === core.CONTRACT_VERSION,
  settings: plugin.kinds[0].settings.parse({}),
  core: import.meta.resolve('@synchub/core'),
  error: new core.ConnectorError('auth', 'no').retryable,
}));`;
    const out = JSON.parse(await exec(process.execPath, ['--input-type=module', '-e', script], project)) as Json;
    expect(out).toEqual({
      id: 'tally',
      kinds: ['tally.count'],
      contract: true,
      settings: { records: 5 },
      core: pathToFileURL(path.join(realpathSync(project), 'node_modules/@synchub/core/dist/index.js')).href,
      error: false,
    });
  });

  it('type-checks a TypeScript consumer against the packed declarations', async () => {
    await writeFile(
      path.join(project, 'check.ts'),
      `import { defineConnector, definePipelineKind, type RunContext } from '@synchub/core';
import { z } from 'zod';
const settings = z.object({ records: z.number() });
export const kind = definePipelineKind({
  kind: 'x.y', title: 'X', description: '', group: 'X', connectorId: 'x', settings, defaultSchedule: '0 3 * * *',
  async run(run: RunContext<{ records: number }>) { run.count('read', run.settings.records); },
});
export const connector = defineConnector({
  id: 'x', name: 'X', version: '1.0.0', contractVersion: 1, settings, secrets: z.object({}),
  async check({ settings }) { return { summary: String(settings.records + 1), details: {} }; },
  async discover() { return []; }, streams: {}, writers: {},
  rateLimit: { buckets: { api: [] }, defaultBucket: 'api', key: () => 'x' }, kinds: [kind],
});
// @ts-expect-error: the declarations resolve to real types (a missing or broken one would be any)
export const wrong: number = kind.title;
`,
    );
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2023',
          lib: ['es2023', 'dom'],
          strict: true,
          noEmit: true,
          types: [],
          // As most projects do; declarations that do not resolve still fail the check above.
          skipLibCheck: true,
        },
        files: ['check.ts'],
      }),
    );
    const tsc = createRequire(path.join(repo, 'test/package.json')).resolve('typescript/bin/tsc');
    await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
  });

  it('the hub lists the package, its connector and its kind (with the form from its zod schema)', async () => {
    const { plugins, errors } = await ok('GET', '/api/plugins');
    const output = hub!.output.join('\n');
    expect(
      (errors as Json[]).filter((e) => e.packageName === PACKAGE),
      output,
    ).toEqual([]);
    expect(
      (plugins as Json[]).find((p) => p.packageName === PACKAGE),
      output,
    ).toMatchObject({
      version: '1.0.0',
      connectors: ['tally'],
      kinds: ['tally.count'],
    });
    const { kinds } = await ok('GET', '/api/pipelines/kinds');
    const kind = (kinds as Json[]).find((k) => k.kind === 'tally.count');
    expect(kind).toMatchObject({ connectorId: 'tally', group: 'Tally', defaultSchedule: '0 3 * * *' });
    expect(kind?.settingsSchema.properties.records).toMatchObject({ title: 'Records per run', default: 5 });
  });

  it('runs the kind: counts, cursor and state carried from one run to the next', async () => {
    const { connection } = await ok('POST', '/api/connections', {
      connectorId: 'tally',
      name: 'Tally',
      settings: { label: 'first' },
      secrets: {},
    });
    expect(await ok('POST', `/api/connections/${connection.id}/validate`)).toMatchObject({
      ok: true,
      summary: 'Tally first is ready',
    });
    const { pipeline } = await ok('POST', '/api/pipelines', {
      kind: 'tally.count',
      name: 'Count to 7',
      connectionId: connection.id,
      settings: { records: 7 },
      enabled: false,
    });
    countPipeline = pipeline.id;

    const first = await run(pipeline.id);
    expect(first.error).toBeNull();
    expect(first).toMatchObject({ status: 'completed', cursorBefore: null, cursorAfter: '7' });
    expect(first.counts).toMatchObject({ read: 7, written: 7, skipped: 0, failed: 0 });
    expect(first.details.tally).toMatchObject({ from: 0, to: 7, runs: 1, label: 'first' });

    const second = await run(pipeline.id);
    expect(second).toMatchObject({ status: 'completed', cursorBefore: '7', cursorAfter: '14' });
    expect(second.details.tally).toMatchObject({ from: 7, to: 14, runs: 2 });
  });

  it('the plugin runs with the hub’s copies of @synchub/core and zod, not the ones npm installed beside it', async () => {
    const { runs } = await ok('GET', `/api/pipelines/${countPipeline}/runs`);
    const resolved = (runs as Json[])[0]?.details.tally.resolved as { core: string; zod: string };
    const hubCore = pathToFileURL(realpathSync(path.join(repo, 'packages/core/dist/index.js'))).href;
    // The hub's zod is the one-file copy its compiled packages import (`@synchub/core/zod`).
    const hubZod = pathToFileURL(realpathSync(path.join(repo, 'packages/core/dist/zod.js'))).href;
    expect(resolved.core).toBe(hubCore);
    expect(resolved.zod).toBe(hubZod);
    // npm did install both beside the plugin (the hub did not use them).
    const installed = await readdir(path.join(project, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['@synchub', 'zod', PACKAGE]));
  });

  it('the hub checks settings with the plugin’s zod schema and recognises its ConnectorError', async () => {
    const { connection } = await ok('POST', '/api/connections', {
      connectorId: 'tally',
      name: 'Locked',
      settings: { label: 'locked' },
      secrets: {},
    });
    expect(await ok('POST', `/api/connections/${connection.id}/validate`)).toMatchObject({
      ok: false,
      error: { code: 'auth', message: 'Tally refuses the label "locked"' },
    });
    const refused = await api('POST', '/api/pipelines', {
      kind: 'tally.count',
      name: 'Count to 0',
      connectionId: connection.id,
      settings: { records: 0 },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('records');
  });
});

describe('every workspace package but the apps, packed with pnpm', () => {
  it('packs each package of pnpm-workspace.yaml under packages/', async () => {
    const names = await Promise.all(
      (await packageDirs()).map(
        async (dir) =>
          (JSON.parse(await readFile(path.join(repo, dir, 'package.json'), 'utf8')) as Json).name as string,
      ),
    );
    expect([...packed.keys()].sort()).toEqual(names.sort());
    expect(names).toEqual(
      expect.arrayContaining(['@synchub/core', '@synchub/registry', '@synchub/connector-gainsight']),
    );
  });

  it('holds built JavaScript and declarations, no sources or tests, and publishable specifiers only', async () => {
    const problems: string[] = [];
    for (const [name, file] of packed) {
      const { files, manifest } = await tarballContents(file);
      const problem = (what: string) => problems.push(`${name}: ${what}`);
      for (const needed of ['dist/index.js', 'dist/index.d.ts']) if (!files.includes(needed)) problem(`no ${needed}`);
      for (const f of files) {
        if (!/^(package\.json|README\.md|LICENSE(\.\w+)?|dist\/.+)$/.test(f)) problem(`packs ${f}`);
        if (/(^|\/)(src|test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]s$/.test(f)) problem(`packs ${f}`);
      }
      const text = JSON.stringify(manifest);
      for (const bad of ['workspace:', 'catalog:']) if (text.includes(bad)) problem(`has ${bad}`);
      // src/ is not packed, so no export may lead there (scripts, e.g. a bench, may still use the condition).
      if (JSON.stringify(manifest.exports).includes('@synchub/source')) problem('exports @synchub/source');
      // Every file that `exports` and the `synchub` key name is in the tarball.
      const targets = [manifest.exports, manifest.synchub].flatMap(function leaves(v: unknown): string[] {
        return typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [];
      });
      for (const target of targets) if (!files.includes(path.posix.normalize(target))) problem(`no ${target}`);
      // Plugins share the hub's @synchub/core and zod: peers, not dependencies of their own.
      if (manifest.synchub) {
        for (const peer of ['@synchub/core', 'zod']) {
          if (!manifest.peerDependencies?.[peer]) problem(`${peer} is not a peer dependency`);
          if (manifest.dependencies?.[peer]) problem(`${peer} is a dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('installs @synchub/connector-gainsight with its peers from npm and imports it in plain Node', async () => {
    const script = `
const connector = (await import('@synchub/connector-gainsight')).default;
const types = await import('@synchub/connector-gainsight/types');
const core = await import('@synchub/core');
console.log(JSON.stringify({
  id: connector.id,
  contract: connector.contractVersion === core.CONTRACT_VERSION,
  streams: Object.keys(connector.streams).length > 0,
  field: types.gainsightFieldName.safeParse('Name').success,
  entry: import.meta.resolve('@synchub/connector-gainsight'),
  core: import.meta.resolve('@synchub/core'),
}));`;
    const out = JSON.parse(await exec(process.execPath, ['--input-type=module', '-e', script], consumer)) as Json;
    const modules = pathToFileURL(path.join(realpathSync(consumer), 'node_modules')).href;
    expect(out).toEqual({
      id: 'gainsight',
      contract: true,
      streams: true,
      field: true,
      entry: `${modules}/@synchub/connector-gainsight/dist/index.js`,
      core: `${modules}/@synchub/core/dist/index.js`,
    });
  });
});
