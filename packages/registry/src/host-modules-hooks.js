// Module resolution hooks, registered by shareHostModules (host-modules.ts) through `module.register`: a
// plugin's import of a shared package resolves to the host's copy. Plain JavaScript because Node loads it on
// its hooks thread without any TypeScript loader (the same file serves the hub from source and compiled).

/** @type {{ roots: string[]; packages: string[]; redirects: Record<string, string>; host: string }} */
let options = { roots: [], packages: [], redirects: {}, host: '' };

/** @param {typeof options} data */
export async function initialize(data) {
  options = data;
}

/** @param {string} specifier */
const isShared = (specifier) => options.packages.some((name) => specifier === name || specifier.startsWith(`${name}/`));

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context?: object) => Promise<object>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent !== undefined && isShared(specifier) && options.roots.some((root) => parent.startsWith(root))) {
    const redirect = Object.hasOwn(options.redirects, specifier) ? options.redirects[specifier] : undefined;
    if (redirect !== undefined) {
      try {
        return await nextResolve(redirect, { ...context, parentURL: options.host });
      } catch {
        // The host has no such module: the shared package itself, below.
      }
    }
    try {
      // As if the host imported it: the host's copy, under the process's own conditions.
      return await nextResolve(specifier, { ...context, parentURL: options.host });
    } catch {
      // The host has no such package (or not that subpath): the plugin's own, as Node would resolve it.
      // With the plugin's parent given again: Node merges the context passed on into the one hooks get.
      return nextResolve(specifier, { ...context, parentURL: parent });
    }
  }
  return nextResolve(specifier, context);
}
