import { pathToFileURL } from 'node:url';
import { CONTRACT_VERSION } from '@synchub/core';
import type { CheckOptions } from './definition.js';
import { messageOf, RegistryError } from './errors.js';
import type { LoadOptions } from './load.js';

/** A package found with one kind of `synchub` entry (connector or flows), ready to import. */
export interface FoundEntry {
  packageName: string;
  packageDir: string;
  /** Absolute path of the entry file. */
  entry: string;
}

export interface LoadedEntry<T> {
  definition: T;
  packageName: string;
  packageDir: string;
}

/** How one kind of entry is named in messages and how its default export is checked. */
export interface EntryKind<T extends { id: string }> {
  /** In `<what> id 'x' is declared by both …`: `connector`, `flow plugin`. */
  what: string;
  /** In `N <packages> package(s) could not be loaded`: `connector`, `flow`. */
  packages: string;
  /** In `targets <contract> contract N`. */
  contract: string;
  /** In `does not export a valid <definition>`. */
  definition: string;
  check: (value: unknown, options: CheckOptions) => { ok: true; definition: T } | { ok: false; problems: string[] };
}

const importFile = (file: string): Promise<unknown> => import(pathToFileURL(file).href);

/**
 * Imports and validates every found entry. A bad package never stops the others: its problem is
 * returned in `errors` (or thrown, with every other problem, in strict mode). Of two packages declaring
 * one id the one found first wins, so callers list built-in folders before plugin folders.
 */
export async function loadEntries<T extends { id: string }>(
  found: { packages: readonly FoundEntry[]; errors: readonly RegistryError[] },
  kind: EntryKind<T>,
  options: Pick<LoadOptions, 'import' | 'strict' | 'checkForms'>,
): Promise<{ loaded: Map<string, LoadedEntry<T>>; errors: RegistryError[] }> {
  const load = options.import ?? importFile;
  const imported = await Promise.all(found.packages.map((pkg) => importEntry(pkg, load, kind, options.checkForms)));
  const result = { loaded: new Map<string, LoadedEntry<T>>(), errors: [...found.errors] };
  for (const item of imported) {
    if (item instanceof RegistryError) {
      result.errors.push(item);
      continue;
    }
    const id = item.definition.id;
    const holder = result.loaded.get(id);
    if (holder) {
      result.errors.push(
        new RegistryError(
          'duplicate_id',
          `${kind.what} id '${id}' is declared by both ${holder.packageName} and ${item.packageName}; ` +
            `keeping ${holder.packageName}`,
          { packageName: item.packageName },
        ),
      );
      continue;
    }
    result.loaded.set(id, item);
  }
  if (options.strict && result.errors.length > 0) throw aggregate(result.errors, kind.packages);
  return result;
}

async function importEntry<T extends { id: string }>(
  pkg: FoundEntry,
  load: (path: string) => Promise<unknown>,
  kind: EntryKind<T>,
  checkForms: LoadOptions['checkForms'],
): Promise<LoadedEntry<T> | RegistryError> {
  const { packageName, packageDir, entry } = pkg;
  let mod: unknown;
  try {
    mod = await load(entry);
  } catch (error) {
    return new RegistryError(
      'import_failed',
      `${packageName} could not be imported from ${entry}: ${messageOf(error)}`,
      {
        packageName,
        cause: error,
      },
    );
  }
  const definition =
    typeof mod === 'object' && mod !== null && 'default' in mod ? (mod as { default: unknown }).default : undefined;
  if (definition === undefined) {
    return new RegistryError('invalid_definition', `${packageName} has no default export in ${entry}`, { packageName });
  }
  // Checked before the shape: another contract's definition fails the shape too, but this says why.
  const contract = (definition as { contractVersion?: unknown } | null)?.contractVersion;
  if (contract !== undefined && contract !== CONTRACT_VERSION) {
    return new RegistryError(
      'contract_mismatch',
      `${packageName} targets ${kind.contract} contract ${String(contract)}; this hub implements contract ${CONTRACT_VERSION}`,
      { packageName },
    );
  }
  const checked = kind.check(definition, { forms: checkForms?.(packageDir) ?? true });
  if (!checked.ok) {
    return new RegistryError(
      'invalid_definition',
      `${packageName} does not export a valid ${kind.definition}: ${checked.problems.join('; ')}`,
      { packageName },
    );
  }
  return { definition: checked.definition, packageName, packageDir };
}

function aggregate(errors: RegistryError[], packages: string): RegistryError {
  const [first] = errors;
  const lines = errors.map((error) => `- ${error.message}`).join('\n');
  return new RegistryError(
    first?.code ?? 'invalid_package',
    `${errors.length} ${packages} package(s) could not be loaded:\n${lines}`,
    { packageName: errors.length === 1 ? first?.packageName : undefined, cause: new AggregateError(errors) },
  );
}
