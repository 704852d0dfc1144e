import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CONTRACT_VERSION,
  type FlowDestination,
  type FlowPluginDefinition,
  type PipelineKindDefinition,
} from '@synchub/core';
import { z } from 'zod';
import { destinationSchema, toJsonSchema } from './definition.js';
import { resolveEntry } from './entry.js';
import { messageOf, RegistryError } from './errors.js';
import { type FindOptions, packageFolders, synchubKeySchema } from './find.js';
import { pipelineKindSchema } from './kind-schema.js';
import type { LoadOptions } from './load.js';
import { fn, problemsOf, semver, slug, zodSchema } from './shapes.js';

/**
 * Flow plugins: packages whose package.json has `"synchub": { "flows": "./dist/index.js" }` and whose
 * entry default-exports a `FlowPluginDefinition` (`defineFlows`): pipeline kinds, event destinations, a
 * service with HTTP routes, its own tables, dashboard pages. Found in the same folders as connectors;
 * a package may declare both entries.
 */

/** Also the segment of `/api/<mount>` and `/hooks/<mount>`: one path segment, no dots. */
const mountSchema = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be one lowercase path segment');

export const flowDestinationSchema = z
  .looseObject({ kind: slug, connectorId: z.string().min(1) })
  .and(destinationSchema);

/** The shape a flows entry's default export must have. Extra members are tolerated (later contract additions). */
export const flowPluginSchema = z
  .looseObject({
    id: slug,
    name: z.string().min(1),
    version: semver,
    contractVersion: z.literal(CONTRACT_VERSION),
    description: z.string().optional(),
    kinds: z.array(pipelineKindSchema).optional(),
    destinations: z.array(flowDestinationSchema).optional(),
    mount: mountSchema.optional(),
    migrations: z.record(z.string().min(1), z.looseObject({ up: fn, down: fn.optional() })).optional(),
    service: fn.optional(),
    pages: z.array(z.looseObject({ id: z.string().min(1), title: z.string().min(1) })).optional(),
  })
  .superRefine((def, ctx) => {
    for (const [group, ids] of [
      ['kinds', (def.kinds ?? []).map((k) => k.kind)],
      ['destinations', (def.destinations ?? []).map((d) => (d as { kind: string }).kind)],
    ] as const) {
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [group, i], message: `repeats '${id}'` });
      });
    }
    // Every settings schema the dashboard renders as a form must turn into JSON Schema.
    const forms: Array<[PropertyKey[], unknown]> = [
      ...(def.kinds ?? []).map((k, i): [PropertyKey[], unknown] => [['kinds', i, 'settings'], k.settings]),
      ...(def.destinations ?? []).map((d, i): [PropertyKey[], unknown] => [
        ['destinations', i, 'settings'],
        (d as { settings: unknown }).settings,
      ]),
    ];
    for (const [where, schema] of forms) {
      if (!zodSchema.safeParse(schema).success) continue;
      try {
        toJsonSchema(schema as z.ZodType);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: where,
          message: `cannot be turned into JSON Schema: ${messageOf(error)}`,
        });
      }
    }
  });

export type FlowsCheck = { ok: true; definition: FlowPluginDefinition } | { ok: false; problems: string[] };

/** Validates a flows entry's default export; problems read `path: message`. Keeps the original object. */
export function checkFlows(value: unknown): FlowsCheck {
  const parsed = flowPluginSchema.safeParse(value);
  if (parsed.success) return { ok: true, definition: value as FlowPluginDefinition };
  return { ok: false, problems: problemsOf(parsed.error) };
}

/** A package whose package.json declares `"synchub": { "flows": "./path/to/entry" }`. */
export interface FlowPackage {
  packageName: string;
  /** Real path of the package folder (symlinks resolved). */
  packageDir: string;
  /** Absolute path of the flows entry file. */
  entry: string;
}

/**
 * Finds flow packages in the folders `findConnectorPackages` scans (same layouts, same order). Only
 * problems of the flows entry are reported here: an unreadable package.json or a malformed `synchub`
 * key is reported once, by `findConnectorPackages`, which the hub runs over the same folders.
 */
export async function findFlowPackages(
  dirs: readonly string[],
  options: FindOptions = {},
): Promise<{ packages: FlowPackage[]; errors: RegistryError[] }> {
  const candidates = (await Promise.all(dirs.map((dir) => packageFolders(path.resolve(dir))))).flat();
  const inspected = await Promise.all(candidates.map((folder) => inspectFlows(folder, options)));
  const seen = new Set<string>();
  const result: { packages: FlowPackage[]; errors: RegistryError[] } = { packages: [], errors: [] };
  for (const item of inspected) {
    if (item === null || seen.has(item.realDir)) continue;
    seen.add(item.realDir);
    if (item.error) result.errors.push(item.error);
    if (item.found) result.packages.push(item.found);
  }
  return result;
}

async function inspectFlows(
  folder: string,
  options: FindOptions,
): Promise<{ realDir: string; found?: FlowPackage; error?: RegistryError } | null> {
  const realDir = await realpath(folder).catch(() => null);
  if (realDir === null) return null;
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(realDir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest !== 'object' || manifest === null || !('synchub' in manifest)) return null;
  const packageName = (manifest as { name?: unknown }).name;
  const key = synchubKeySchema.safeParse(manifest.synchub);
  if (typeof packageName !== 'string' || packageName === '' || !key.success) return null;
  if (key.data.flows === undefined) return null;
  const resolved = await resolveEntry({
    packageName,
    packageDir: realDir,
    manifest,
    key: 'synchub.flows',
    declared: key.data.flows,
    conditions: options.conditions,
  });
  if (!resolved.ok) {
    return { realDir, error: new RegistryError('invalid_package', resolved.message, { packageName }) };
  }
  return { realDir, found: { packageName, packageDir: realDir, entry: resolved.entry } };
}

export interface LoadedFlows {
  definition: FlowPluginDefinition;
  packageName: string;
  packageDir: string;
}

export interface FlowsLoadResult {
  /** By plugin id, in discovery order (earlier dirs first). */
  flows: Map<string, LoadedFlows>;
  /** One per package that was rejected; the others still load. */
  errors: RegistryError[];
}

const importEntry = (file: string): Promise<unknown> => import(pathToFileURL(file).href);

/**
 * Finds, imports and validates flow plugins, as `loadConnectors` does connectors: a broken one is
 * reported and skipped, and of two packages declaring one plugin id the first found wins. Clashes of
 * kind or destination ids between packages are `collectContributions`' business.
 */
export async function loadFlows(options: LoadOptions): Promise<FlowsLoadResult> {
  const found = await findFlowPackages(options.dirs, { conditions: options.conditions });
  const load = options.import ?? importEntry;
  const imported = await Promise.all(found.packages.map((pkg) => importFlows(pkg, load)));
  const result: FlowsLoadResult = { flows: new Map(), errors: [...found.errors] };
  for (const item of imported) {
    if (item instanceof RegistryError) {
      result.errors.push(item);
      continue;
    }
    const holder = result.flows.get(item.definition.id);
    if (holder) {
      result.errors.push(
        new RegistryError(
          'duplicate_id',
          `flow plugin id '${item.definition.id}' is declared by both ${holder.packageName} and ${item.packageName}; ` +
            `keeping ${holder.packageName}`,
          { packageName: item.packageName },
        ),
      );
      continue;
    }
    result.flows.set(item.definition.id, item);
  }
  if (options.strict && result.errors.length > 0) {
    const lines = result.errors.map((error) => `- ${error.message}`).join('\n');
    throw new RegistryError(
      result.errors[0]?.code ?? 'invalid_package',
      `${result.errors.length} flow package(s) could not be loaded:\n${lines}`,
      { cause: new AggregateError(result.errors) },
    );
  }
  return result;
}

async function importFlows(
  pkg: FlowPackage,
  load: (file: string) => Promise<unknown>,
): Promise<LoadedFlows | RegistryError> {
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
  const contract = (definition as { contractVersion?: unknown } | null)?.contractVersion;
  if (contract !== undefined && contract !== CONTRACT_VERSION) {
    return new RegistryError(
      'contract_mismatch',
      `${packageName} targets flow contract ${String(contract)}; this hub implements contract ${CONTRACT_VERSION}`,
      { packageName },
    );
  }
  const checked = checkFlows(definition);
  if (!checked.ok) {
    return new RegistryError(
      'invalid_definition',
      `${packageName} does not export a valid flows definition: ${checked.problems.join('; ')}`,
      { packageName },
    );
  }
  return { definition: checked.definition, packageName, packageDir };
}

/** Something that contributes kinds and destinations: the host itself, a connector, a flow plugin. */
export interface Contributor {
  /** Named in clash reports (`@synchub/hub` for the host's own kinds). */
  packageName: string;
  kinds?: readonly PipelineKindDefinition[] | undefined;
  destinations?: readonly FlowDestination[] | undefined;
}

export interface Contributed<T> {
  definition: T;
  packageName: string;
}

export interface Contributions {
  kinds: Contributed<PipelineKindDefinition>[];
  destinations: Contributed<FlowDestination>[];
  /** One `duplicate_id` per kind or destination left out because an earlier contributor has its id. */
  errors: RegistryError[];
}

/**
 * Every pipeline kind and event destination of `contributors`, in order: of two with one id the first
 * wins (list the host's own first, then built-in folders, then plugin folders) and the other is reported.
 */
export function collectContributions(contributors: readonly Contributor[]): Contributions {
  const out: Contributions = { kinds: [], destinations: [], errors: [] };
  const kindOwner = new Map<string, string>();
  const destinationOwner = new Map<string, string>();
  const clash = (what: string, id: string, holder: string, packageName: string) =>
    new RegistryError(
      'duplicate_id',
      `${what} '${id}' is declared by both ${holder} and ${packageName}; keeping ${holder}'s`,
      { packageName },
    );
  for (const { packageName, kinds, destinations } of contributors) {
    for (const definition of kinds ?? []) {
      const holder = kindOwner.get(definition.kind);
      if (holder !== undefined) {
        out.errors.push(clash('pipeline kind', definition.kind, holder, packageName));
        continue;
      }
      kindOwner.set(definition.kind, packageName);
      out.kinds.push({ definition, packageName });
    }
    for (const definition of destinations ?? []) {
      const holder = destinationOwner.get(definition.kind);
      if (holder !== undefined) {
        out.errors.push(clash('destination kind', definition.kind, holder, packageName));
        continue;
      }
      destinationOwner.set(definition.kind, packageName);
      out.destinations.push({ definition, packageName });
    }
  }
  return out;
}
