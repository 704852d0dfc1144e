import { pathToFileURL } from 'node:url';
import { CONTRACT_VERSION, type ConnectorDefinition } from '@synchub/core';
import { checkDefinition } from './definition.js';
import { messageOf, RegistryError } from './errors.js';
import { type ConnectorPackage, findConnectorPackages } from './find.js';

export interface LoadedConnector {
  definition: ConnectorDefinition;
  packageName: string;
  packageDir: string;
}

export interface LoadOptions {
  /** Folders to scan: node_modules folders, folders of packages, or packages (see findConnectorPackages). */
  dirs: readonly string[];
  /** Imports an entry by absolute path; defaults to a dynamic `import()` of its file URL. */
  import?: ((path: string) => Promise<unknown>) | undefined;
  /** Export conditions to prefer for entries (see FindOptions: `['@synchub/source']` loads workspace sources). */
  conditions?: readonly string[] | undefined;
  /** Throw one aggregated RegistryError instead of returning errors. */
  strict?: boolean | undefined;
}

export interface LoadResult {
  /** By connector id, in discovery order (earlier dirs first). */
  connectors: Map<string, LoadedConnector>;
  /** One per package that was rejected; the others still load. */
  errors: RegistryError[];
}

const importEntry = (path: string): Promise<unknown> => import(pathToFileURL(path).href);

/**
 * Finds, imports and validates connector plugins. A bad plugin never stops the others: its problem
 * is returned in `errors` (or thrown, with every other problem, in strict mode). When two packages
 * declare one id, the one found first wins, so list built-in folders before plugin folders.
 */
export async function loadConnectors(options: LoadOptions): Promise<LoadResult> {
  const found = await findConnectorPackages(options.dirs, { conditions: options.conditions });
  const load = options.import ?? importEntry;
  const imported = await Promise.all(found.packages.map((pkg) => importPackage(pkg, load)));
  const result: LoadResult = { connectors: new Map(), errors: [...found.errors] };
  for (const item of imported) {
    if (item instanceof RegistryError) {
      result.errors.push(item);
      continue;
    }
    const id = item.definition.id;
    const holder = result.connectors.get(id);
    if (holder) {
      result.errors.push(
        new RegistryError(
          'duplicate_id',
          `connector id '${id}' is declared by both ${holder.packageName} and ${item.packageName}; ` +
            `keeping ${holder.packageName}`,
          { packageName: item.packageName },
        ),
      );
      continue;
    }
    result.connectors.set(id, item);
  }
  if (options.strict && result.errors.length > 0) throw aggregate(result.errors);
  return result;
}

async function importPackage(
  pkg: ConnectorPackage,
  load: (path: string) => Promise<unknown>,
): Promise<LoadedConnector | RegistryError> {
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
      `${packageName} targets connector contract ${String(contract)}; this hub implements contract ${CONTRACT_VERSION}`,
      { packageName },
    );
  }
  const checked = checkDefinition(definition);
  if (!checked.ok) {
    return new RegistryError(
      'invalid_definition',
      `${packageName} does not export a valid connector definition: ${checked.problems.join('; ')}`,
      { packageName },
    );
  }
  return { definition: checked.definition, packageName, packageDir };
}

function aggregate(errors: RegistryError[]): RegistryError {
  const [first] = errors;
  const lines = errors.map((error) => `- ${error.message}`).join('\n');
  return new RegistryError(
    first?.code ?? 'invalid_package',
    `${errors.length} connector package(s) could not be loaded:\n${lines}`,
    { packageName: errors.length === 1 ? first?.packageName : undefined, cause: new AggregateError(errors) },
  );
}
