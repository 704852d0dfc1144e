import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages as a user gets them: `pnpm pack` of @synchub/core and `npm pack` of a small plain-JavaScript
 * connector with one pipeline kind (fixtures/tally-plugin, peer dependencies @synchub/core and zod), both
 * installed with npm into a temporary plain Node project. Node imports them there with no TypeScript loader,
 * and the compiled hub (`bin/synchub.js start`, a real process) started with that project as
 * SYNCHUB_PLUGIN_DIR lists the package and the kind, validates with its schemas, and runs it, the plugin
 * importing the hub's own @synchub/core and zod rather than the copies npm put beside it.
 */
const TOKEN = 'pack-admin-token-0123456789abcdef';
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const FIXTURE = path.join(here, 'fixtures', 'tally-plugin');
const PACKAGE = 'synchub-connector-tally';
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions themselves
type Json = Record<string, any>;

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
/** The pipeline of the plugin's kind that the runs below ran. */
let countPipeline: string;
let hub: { child: ChildProcess; url: string; output: string[] } | undefined;
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

async function startCompiledHub(dataDir: string, pluginDir: string): Promise<NonNullable<typeof hub>> {
  const child = spawn(process.execPath, [path.join(repo, 'apps/hub/bin/synchub.js'), 'start'], {
    cwd: dataDir,
    env: {
      ...cleanEnv(),
      SYNCHUB_DATA_DIR: dataDir,
      SYNCHUB_HOST: '127.0.0.1',
      SYNCHUB_PORT: '0',
      SYNCHUB_ADMIN_TOKEN: TOKEN,
      SYNCHUB_PLUGIN_DIR: pluginDir,
      SYNCHUB_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line);
      const m = /running at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}):\n${output.join('\n')}`)));
    setTimeout(() => reject(new Error(`the hub did not start in 20 s:\n${output.join('\n')}`)), 20_000).unref();
  });
  return { child, url, output };
}

const api = async (method: string, route: string, body?: unknown) => {
  const res = await fetch(`${hub!.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
};
const ok = async (method: string, route: string, body?: unknown) => {
  const res = await api(method, route, body);
  if (res.status >= 300) throw new Error(`${method} ${route} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Starts a run and waits for it to end. */
async function run(pipelineId: string): Promise<Json> {
  const { runId } = await ok('POST', `/api/pipelines/${pipelineId}/run`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { run } = await ok('GET', `/api/runs/${runId}`);
    if (run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // The compiled hub and every package it imports (turbo: cached when nothing changed).
  await timed('build', () =>
    exec(
      'npx',
      ['--yes', 'pnpm@10', 'exec', 'turbo', 'run', 'build', '--filter=@synchub/hub...', '--output-logs=errors-only'],
      repo,
    ),
  );
  tmp = await mkdtemp(path.join(os.tmpdir(), 'synchub-pack-'));
  const tarballs = { core: path.join(tmp, 'core'), plugin: path.join(tmp, 'plugin') };
  await Promise.all(Object.values(tarballs).map((dir) => mkdir(dir)));
  await timed('pack', () =>
    Promise.all([
      exec('npx', ['--yes', 'pnpm@10', 'pack', '--pack-destination', tarballs.core], path.join(repo, 'packages/core')),
      exec('npm', ['pack', '--pack-destination', tarballs.plugin], FIXTURE),
    ]),
  );
  // A plain Node project (what `npm init -y` writes, as an ES module package), the plugin folder.
  project = path.join(tmp, 'plugins');
  await mkdir(project);
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'synchub-plugins', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  await timed('npm install', async () =>
    exec(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        await tarball(tarballs.core),
        await tarball(tarballs.plugin),
        'zod',
      ],
      project,
    ),
  );
  const dataDir = path.join(tmp, 'data');
  await mkdir(dataDir);
  hub = await timed('hub start', () => startCompiledHub(dataDir, project));
}, 300_000);

afterAll(async () => {
  if (hub?.child.exitCode === null) {
    const { child } = hub;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
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
    const hubRequire = createRequire(path.join(repo, 'apps/hub/package.json'));
    const hubCore = pathToFileURL(realpathSync(path.join(repo, 'packages/core/dist/index.js'))).href;
    const hubZod = pathToFileURL(realpathSync(path.dirname(hubRequire.resolve('zod/package.json')))).href;
    expect(resolved.core).toBe(hubCore);
    expect(resolved.zod.startsWith(`${hubZod}/`), resolved.zod).toBe(true);
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
