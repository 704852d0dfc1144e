/**
 * The fast benchmarks, one after another: builds the dashboard, then bench:bundle, bench:startup,
 * bench:calls, bench:ingest (this package's), then every `bench:*` script of the flow packages
 * (packages/flows/*, e.g. bench:pulls). Not bench:budget: it runs in real minutes (run it on its own).
 *   pnpm bench
 * Scripts are read from the package.json files at run time and run as pnpm would (a shell with the
 * package's node_modules/.bin on PATH), so this needs no pnpm of its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const hubDir = path.resolve(here, '..');
const dashboardDir = path.resolve(hubDir, '../dashboard');
const rootDir = path.resolve(hubDir, '../..');
const flowsDir = path.resolve(rootDir, 'packages/flows');
const ORDER = ['bench:bundle', 'bench:startup', 'bench:calls', 'bench:ingest'];

const scriptsOf = (dir: string): Record<string, string> =>
  (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
  {};

function run(dir: string, name: string, command: string): { name: string; ok: boolean; seconds: number } {
  console.log(`\n> ${path.relative(rootDir, dir) || '.'} ${name}: ${command}`);
  const started = performance.now();
  const bins = [path.join(dir, 'node_modules/.bin'), path.join(rootDir, 'node_modules/.bin')];
  const result = spawnSync(command, {
    cwd: dir,
    shell: true,
    stdio: 'inherit',
    env: { ...process.env, PATH: [...bins, process.env.PATH ?? ''].join(path.delimiter) },
  });
  return { name, ok: result.status === 0, seconds: (performance.now() - started) / 1000 };
}

const results: Array<{ name: string; ok: boolean; seconds: number }> = [];
const build = scriptsOf(dashboardDir)['build'];
if (build) results.push(run(dashboardDir, 'dashboard build', build));
const hubScripts = scriptsOf(hubDir);
for (const name of ORDER) {
  const command = hubScripts[name];
  if (command) results.push(run(hubDir, name, command));
}
const flowDirs = existsSync(flowsDir)
  ? readdirSync(flowsDir)
      .map((d) => path.join(flowsDir, d))
      .sort()
  : [];
for (const dir of flowDirs.filter((d) => existsSync(path.join(d, 'package.json')))) {
  for (const [name, command] of Object.entries(scriptsOf(dir))) {
    if (name.startsWith('bench:')) results.push(run(dir, name, command));
  }
}

console.log('\nBenchmarks run:');
for (const r of results) console.log(`  ${r.name.padEnd(18)} ${r.ok ? 'ok    ' : 'FAILED'} ${r.seconds.toFixed(1)} s`);
if (results.some((r) => !r.ok)) process.exitCode = 1;
