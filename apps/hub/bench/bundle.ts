/**
 * Benchmark: the dashboard's download size. Builds nothing: reads apps/dashboard/dist (run `vite build`
 * first; `pnpm bench` does) and reports the initial JS — the entry script(s) index.html loads, not the
 * chunks pages import lazily — raw and gzip (level 9), the CSS, and every chunk. Target: initial JS
 * ≤ 50 KB gzip.
 *   pnpm bench:bundle
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TARGET_GZIP = 50 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../../dashboard/dist');
const indexFile = path.join(dist, 'index.html');
if (!existsSync(indexFile)) {
  console.error(`No build at ${dist}: run \`pnpm --filter @synchub/dashboard build\` first.`);
  process.exit(1);
}

interface Asset {
  file: string;
  raw: number;
  gzip: number;
}

const measure = (file: string): Asset => {
  const bytes = readFileSync(path.join(dist, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [path.relative(dist, full)];
  });
}

// What the browser fetches before anything renders: <script type="module" src> and modulepreload links.
const html = readFileSync(indexFile, 'utf8');
const local = (src: string) => src.replace(/^\//, '');
const entries = new Set<string>();
for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"[^>]*>/g)) if (m[1]) entries.add(local(m[1]));
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"[^>]*>/g))
  if (m[1]) entries.add(local(m[1]));
const stylesheets = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+\.css)"[^>]*>/g)].flatMap((m) =>
  m[1] ? [local(m[1])] : [],
);

const files = walk(dist).sort();
const js = files.filter((f) => f.endsWith('.js')).map(measure);
const css = files.filter((f) => f.endsWith('.css')).map(measure);
const initial = js.filter((a) => entries.has(a.file));
const total = (list: Asset[]) => ({
  raw: list.reduce((n, a) => n + a.raw, 0),
  gzip: list.reduce((n, a) => n + a.gzip, 0),
});
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const row = (label: string, a: { raw: number; gzip: number }) =>
  `  ${label.padEnd(44)} ${kb(a.raw).padStart(10)} raw ${kb(a.gzip).padStart(9)} gzip`;

const initialTotal = total(initial);
console.log('Benchmark — dashboard bundle (apps/dashboard/dist, gzip level 9)');
console.log(row(`initial JS (${initial.length} entry file${initial.length === 1 ? '' : 's'})`, initialTotal));
console.log(row(`CSS, all (${css.length} file${css.length === 1 ? '' : 's'})`, total(css)));
console.log(
  row(`CSS linked by index.html (${stylesheets.length})`, total(css.filter((a) => stylesheets.includes(a.file)))),
);
console.log(row(`JS, all chunks (${js.length})`, total(js)));
console.log('  chunks:');
for (const a of [...js, ...css].sort((x, y) => y.gzip - x.gzip))
  console.log(row(`    ${a.file}${entries.has(a.file) ? ' (initial)' : ''}`, a));
console.log(
  `  target              initial JS ≤ ${kb(TARGET_GZIP)} gzip: ${initialTotal.gzip <= TARGET_GZIP ? 'met' : 'MISSED'}`,
);
if (initial.length === 0) {
  console.error('index.html references no script: is this a Vite build?');
  process.exitCode = 1;
} else if (initialTotal.gzip > TARGET_GZIP) process.exitCode = 1;
