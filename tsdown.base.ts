/**
 * What every package's tsdown build shares: ESM + .d.ts in dist/ (what the compiled hub and plugin authors
 * import); tsc, vitest and dev-mode tsx use the `@synchub/source` export condition instead. A package's
 * tsdown.config.ts is `defineConfig(packageBuild({ ...its entries and extras }))`. No import of tsdown here:
 * the root has no tsdown of its own, and each package's `defineConfig` type-checks the result.
 */
export function packageBuild<Extra extends object>(extra?: Extra) {
  return {
    entry: ['src/index.ts'],
    platform: 'node' as const,
    fixedExtension: false,
    dts: true,
    // Comments stay in src/ and the .d.ts files; the JavaScript the hub loads at start is smaller without them.
    outputOptions: { comments: false },
    plugins: [asciiOutput(), sharedZod()],
    ...extra,
  };
}

/**
 * Writes the JavaScript as ASCII, every other character as a `\u` escape (esbuild's default charset): V8 keeps
 * a source with one such character (a `—` in a message) as UTF-16, twice the memory for as long as the process
 * runs, and Node decodes and scans it slower at every start. Escaped code units mean the same in strings,
 * templates, regular expressions and identifiers; only a template's `.raw` would differ (none here).
 */
export function asciiOutput() {
  const escaped = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return {
    name: 'synchub:ascii-output',
    // After every chunk is rendered (rolldown prints string literals after renderChunk hooks).
    generateBundle(_options: unknown, bundle: Record<string, { type: string; fileName: string; code?: string }>) {
      for (const chunk of Object.values(bundle)) {
        // JavaScript only: the declarations' doc comments stay readable.
        if (chunk.type !== 'chunk' || !/\.m?js$/.test(chunk.fileName) || chunk.code === undefined) continue;
        if (!/[^\0-\x7f]/.test(chunk.code)) continue;
        // An odd run of backslashes before the character escapes it (`\—` is `—`): the \u escape replaces both.
        chunk.code = chunk.code.replace(/(\\*)([^\0-\x7f])/g, (_, slashes: string, ch: string) =>
          slashes.length % 2 ? slashes.slice(1) + escaped(ch) : slashes + escaped(ch),
        );
      }
    },
  };
}

/**
 * The JavaScript imports zod through @synchub/core's one-file copy (`@synchub/core/zod`, see
 * packages/core/src/zod.ts): the same zod, one module instead of ~80. Declarations keep importing `zod`.
 * Not for core itself (it bundles zod) nor for packages that do not depend on core (the simulators): those
 * pass their own `plugins`.
 */
export function sharedZod() {
  return {
    name: 'synchub:shared-zod',
    resolveId: {
      order: 'pre' as const,
      handler(id: string, importer: string | undefined) {
        if (id !== 'zod' || importer?.endsWith('.d.ts')) return null;
        return { id: '@synchub/core/zod', external: true };
      },
    },
  };
}

/**
 * For `deps.alwaysBundle`: Kysely ships ~280 ES modules, ~0.3 s of CPU at every start; bundled, it is one
 * file. Into the JavaScript only (declarations keep importing its types); nothing depends on its identity
 * (plugins' `sql` fragments are plain operation nodes).
 */
export const bundleKysely = (id: string, importer: string | undefined): boolean =>
  /^kysely(\/|$)/.test(id) && !importer?.endsWith('.d.ts');

/**
 * For `deps.alwaysBundle`: the named packages (subpaths included) go into the JavaScript, as Kysely does above.
 * Node 20 spends about 1 ms of CPU on each ES module it loads at start; Hono's router and helpers are ~40 of
 * them. Only for packages whose identity nothing relies on: never zod or @synchub/core, which plugins share
 * with the host (packages/registry/src/host-modules.ts).
 */
export const bundleAlso =
  (...names: string[]) =>
  (id: string, importer: string | undefined): boolean =>
    bundleKysely(id, importer) ||
    (!importer?.endsWith('.d.ts') && names.some((name) => id === name || id.startsWith(`${name}/`)));
