import { realpathSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The packages a plugin shares with the host by default: the contract and the schemas it is written in. */
export const SHARED_PACKAGES: readonly string[] = ['@synchub/core', 'zod'];

/**
 * Imports a plugin's `import` of a shared package is given instead, when the host has them: `zod` is the
 * one-file copy the host's compiled packages use (`@synchub/core/zod`, see packages/core/src/zod.ts), so a
 * plugin's schemas come from the same zod module as the host's, not from a second load of zod's own files.
 */
export const SHARED_REDIRECTS: Readonly<Record<string, string>> = { zod: '@synchub/core/zod' };

export interface ShareHostModulesOptions {
  /** Folders of plugins (e.g. `SYNCHUB_PLUGIN_DIR`): imports from any file under them are redirected. */
  dirs: readonly string[];
  /** A module of the host (e.g. its `import.meta.url`): shared packages resolve as they do from it. */
  host: string | URL;
  /** Bare specifiers shared, subpaths included (`zod/v4`); default SHARED_PACKAGES. */
  packages?: readonly string[] | undefined;
  /** Specifiers resolved as another the host has (exact match; default SHARED_REDIRECTS). */
  redirects?: Readonly<Record<string, string>> | undefined;
}

const registered = new Set<string>();

/**
 * Makes plugins use the host's copies of the packages they peer-depend on. A plugin installed with npm into
 * a plugin folder usually has its own `@synchub/core` and `zod` beside it (npm installs peers), and Node
 * would load those: a second zod, whose schemas and errors are not the host's. This registers a module
 * resolution hook (`module.register`, Node 20.6+) that resolves `import 'zod'` (and every other shared
 * package, subpaths included) from a file under `dirs` as if `host` imported it. A package the host does not
 * have resolves as Node would. Only ES module imports go through the hook (not `require`).
 *
 * Process-wide and permanent, so it is for the process that owns the hub (`synchub start`), not a library
 * call: registering starts Node's hooks thread (~0.1 s), hence only when a plugin folder is configured. Test
 * runners that load modules themselves (vitest) do not see it; a real process does. Registering the same
 * set twice is a no-op.
 */
export function shareHostModules(options: ShareHostModulesOptions): void {
  const roots = new Set<string>();
  for (const dir of options.dirs) {
    const resolved = path.resolve(dir);
    roots.add(asRoot(resolved));
    try {
      roots.add(asRoot(realpathSync(resolved)));
    } catch {
      // A folder that does not exist (yet) holds no plugin; its given path is enough.
    }
  }
  const data = {
    roots: [...roots].sort(),
    packages: [...(options.packages ?? SHARED_PACKAGES)],
    redirects: { ...(options.redirects ?? SHARED_REDIRECTS) },
    host: String(options.host),
  };
  const key = JSON.stringify(data);
  if (registered.has(key)) return;
  registered.add(key);
  register(new URL('./host-modules-hooks.js', import.meta.url), { data });
}

/** A folder as a file URL prefix that matches only what is inside it (`/plugins/`, not `/plugins-old`). */
function asRoot(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}
