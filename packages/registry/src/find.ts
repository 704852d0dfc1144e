import { access, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resolveEntry } from './entry.js';
import { messageOf, RegistryError } from './errors.js';
import { PARSE_ONCE } from './parse-once.js';

/** A package whose package.json declares `"synchub": { "connector": "./path/to/entry" }`. */
export interface ConnectorPackage {
  packageName: string;
  /** Real path of the package folder (symlinks resolved). */
  packageDir: string;
  /** Absolute path of the connector entry file. */
  entry: string;
}

export interface FindResult {
  packages: ConnectorPackage[];
  /** Packages that declare a `synchub` key but could not be used. */
  errors: RegistryError[];
}

export interface FindOptions {
  /**
   * Export conditions to prefer for entries (`['@synchub/source']` while the hub runs from source): an entry
   * that an `exports` subpath leads to is replaced by that subpath's target under such a condition.
   */
  conditions?: readonly string[] | undefined;
}

const entryPath = z
  .string()
  .min(1)
  .refine((entry) => !path.isAbsolute(entry), 'must be a path relative to the package root');

/**
 * The `synchub` key of a plugin's package.json: a connector entry, a flows entry (flows.ts), or both.
 * Unknown sibling keys are allowed for later use.
 */
export const synchubKeySchema = z
  .object({ connector: entryPath.optional(), flows: entryPath.optional() })
  .refine((key) => key.connector !== undefined || key.flows !== undefined, {
    path: ['connector'],
    message: 'required unless synchub.flows names a flows entry',
  });

/**
 * Finds connector packages. Each dir may be a package itself, or a folder of packages such as
 * `node_modules` or `packages/connectors` (scoped `@scope/name` folders included, symlinks followed,
 * because pnpm links workspace packages). Folders that do not exist are skipped: a plugin directory
 * is optional. A package reached twice (e.g. through two symlinks) is reported once.
 */
export async function findConnectorPackages(dirs: readonly string[], options: FindOptions = {}): Promise<FindResult> {
  return scanPackages(dirs, (folder) => inspectPackage(folder, options));
}

/** What inspecting one candidate folder gave (null: not a package of interest). */
export interface Inspected<T> {
  /** The folder with symlinks resolved: a package reached twice is inspected twice but kept once. */
  realDir: string;
  found?: T;
  error?: RegistryError;
}

/** Inspects the candidate folders of `dirs` (see packageFolders), keeping discovery order and each package once. */
export async function scanPackages<T>(
  dirs: readonly string[],
  inspect: (folder: string) => Promise<Inspected<T> | null>,
): Promise<{ packages: T[]; errors: RegistryError[] }> {
  const candidates = (await Promise.all(dirs.map((dir) => packageFolders(path.resolve(dir))))).flat();
  const inspected = await Promise.all(candidates.map(inspect));
  const seen = new Set<string>();
  const result: { packages: T[]; errors: RegistryError[] } = { packages: [], errors: [] };
  for (const item of inspected) {
    if (item === null || seen.has(item.realDir)) continue;
    seen.add(item.realDir);
    if (item.error) result.errors.push(item.error);
    if (item.found) result.packages.push(item.found);
  }
  return result;
}

/** The folders under `dir` that may hold a package, in a stable order. */
export const packageFolders = sharedWhileInFlight(async (dir: string): Promise<string[]> => {
  if (!(await isDirectory(dir))) return [];
  if (await exists(path.join(dir, 'package.json'))) return [dir];
  // The children are looked at concurrently (a node_modules holds dozens), then kept in name order.
  const listed = await Promise.all(
    (await childNames(dir)).map(async (name): Promise<string[]> => {
      const full = path.join(dir, name);
      if (!(await isDirectory(full))) return [];
      if (!name.startsWith('@')) return [full];
      const scoped = await Promise.all(
        (await childNames(full)).map(async (child) => {
          const scopedFull = path.join(full, child);
          return (await isDirectory(scopedFull)) ? [scopedFull] : [];
        }),
      );
      return scoped.flat();
    }),
  );
  return listed.flat();
});

/** A candidate folder's real path and package.json text (null: not a package), as both scans read it. */
export const readManifest = sharedWhileInFlight(
  async (folder: string): Promise<{ realDir: string; text: string | null } | null> => {
    const realDir = await realpath(folder).catch(() => null);
    if (realDir === null) return null;
    const text = await readFile(path.join(realDir, 'package.json'), 'utf8').catch(() => null);
    return { realDir, text };
  },
);

/**
 * Concurrent calls of `fn` with one key share a single call while it is in flight: the hub finds connectors
 * and flows at once, over the same folders, and each would otherwise list them and read every package.json
 * itself. Nothing is kept once the call settles, so a later scan sees the folders as they are then.
 */
function sharedWhileInFlight<T>(fn: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key) => {
    let call = inFlight.get(key);
    if (!call) {
      call = fn(key).finally(() => inFlight.delete(key));
      inFlight.set(key, call);
    }
    return call;
  };
}

async function inspectPackage(folder: string, options: FindOptions): Promise<Inspected<ConnectorPackage> | null> {
  const read = await readManifest(folder);
  // null text: not a package (e.g. `.bin`-like folders, leftovers).
  if (read === null || read.text === null) return null;
  const { realDir, text } = read;
  const manifestPath = path.join(realDir, 'package.json');
  const label = path.basename(realDir);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    // Only worth an error when it might be a connector; anything else is not our business.
    if (!text.includes('"synchub"')) return null;
    return { realDir, error: invalid(label, `${manifestPath} is not valid JSON: ${messageOf(error)}`) };
  }
  if (typeof manifest !== 'object' || manifest === null || !('synchub' in manifest)) return null;
  const packageName = (manifest as { name?: unknown }).name;
  if (typeof packageName !== 'string' || packageName === '') {
    return { realDir, error: invalid(label, `the package at ${realDir} declares "synchub" but has no name`) };
  }
  const key = synchubKeySchema.safeParse(manifest.synchub, PARSE_ONCE);
  if (!key.success) {
    const issues = key.error.issues.map((issue) => `${['synchub', ...issue.path].join('.')}: ${issue.message}`);
    return {
      realDir,
      error: invalid(
        packageName,
        `${packageName} has a malformed "synchub" key in package.json (${issues.join('; ')})`,
      ),
    };
  }
  // A flows-only package: findFlowPackages (flows.ts) takes it.
  if (key.data.connector === undefined) return { realDir };
  const resolved = await resolveEntry({
    packageName,
    packageDir: realDir,
    manifest,
    key: 'synchub.connector',
    declared: key.data.connector,
    conditions: options.conditions,
  });
  if (!resolved.ok) return { realDir, error: invalid(packageName, resolved.message) };
  const entry = resolved.entry;
  return { realDir, found: { packageName, packageDir: realDir, entry } };
}

function invalid(packageName: string, message: string): RegistryError {
  return new RegistryError('invalid_package', message, { packageName });
}

async function childNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => []);
  // Dot folders are package-manager bookkeeping (.pnpm, .bin, .cache).
  return names.filter((name) => !name.startsWith('.')).sort();
}

async function isDirectory(target: string): Promise<boolean> {
  return stat(target).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function exists(target: string): Promise<boolean> {
  return access(target).then(
    () => true,
    () => false,
  );
}
