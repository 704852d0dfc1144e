import { access } from 'node:fs/promises';
import path from 'node:path';

/** The file a `synchub` entry (e.g. `synchub.connector`) leads to, or why it cannot be used. */
export type EntryResolution = { ok: true; entry: string } | { ok: false; message: string };

/**
 * Resolves a `synchub` entry of a package. `conditions` (e.g. `['@synchub/source']`, which the hub passes
 * when it runs its own TypeScript) swap a built entry for its source: when one subpath of the package's
 * `exports` leads to the declared file and has one of the conditions, that condition's target is used
 * instead, so workspace packages load without a build. Anything else loads the declared file, which must
 * exist: a missing one is reported with its path and a hint to build, since it is usually `dist/`.
 */
export async function resolveEntry(options: {
  packageName: string;
  packageDir: string;
  manifest: object;
  /** e.g. `synchub.connector`, for messages. */
  key: string;
  declared: string;
  conditions?: readonly string[] | undefined;
}): Promise<EntryResolution> {
  const { packageName, packageDir, key, declared } = options;
  const source = sourceTarget(options.manifest, declared, options.conditions ?? []);
  const chosen = source ?? declared;
  const entry = path.resolve(packageDir, chosen);
  const relative = path.relative(packageDir, entry);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return { ok: false, message: `${packageName}'s ${key} points outside the package` };
  }
  if (await exists(entry)) return { ok: true, entry };
  if (source !== undefined) {
    return { ok: false, message: `${packageName}'s ${key} source ${source} (for ${declared}) does not exist` };
  }
  return {
    ok: false,
    message:
      `${packageName}'s ${key} entry ${declared} does not exist (${entry}): ` +
      'is the package built? Build it first (in the Synchub workspace: `npx --yes pnpm@10 build`)',
  };
}

/** The target of the first of `conditions` on the exports subpath that leads to `declared`, if any. */
function sourceTarget(manifest: object, declared: string, conditions: readonly string[]): string | undefined {
  if (conditions.length === 0) return undefined;
  const exportsField = (manifest as { exports?: unknown }).exports;
  if (typeof exportsField !== 'object' || exportsField === null) return undefined;
  const same = (a: string) => path.posix.normalize(a) === path.posix.normalize(declared);
  // `exports` is either a map of subpaths ("./x": …) or the conditions of "." itself.
  const subpaths = Object.keys(exportsField).some((k) => k.startsWith('.'))
    ? Object.values(exportsField)
    : [exportsField];
  for (const target of subpaths) {
    if (typeof target !== 'object' || target === null) continue;
    const values = Object.values(target);
    if (!values.some((value) => typeof value === 'string' && same(value))) continue;
    for (const condition of conditions) {
      const value = (target as Record<string, unknown>)[condition];
      if (typeof value === 'string') return value;
    }
  }
  return undefined;
}

async function exists(target: string): Promise<boolean> {
  return access(target).then(
    () => true,
    () => false,
  );
}
