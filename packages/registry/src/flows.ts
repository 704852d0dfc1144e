import {
  CONTRACT_VERSION,
  type FlowDestination,
  type FlowPluginDefinition,
  type PipelineKindDefinition,
} from '@synchub/core';
import { z } from 'zod';
import { type CheckOptions, checkForms, destinationSchema } from './definition.js';
import { resolveEntry } from './entry.js';
import { RegistryError } from './errors.js';
import { type FindOptions, type Inspected, readManifest, scanPackages, synchubKeySchema } from './find.js';
import { pipelineKindSchema } from './kind-schema.js';
import type { LoadOptions } from './load.js';
import { type EntryKind, type LoadedEntry, loadEntries } from './load-entries.js';
import { fn, problemsOf, semver, slug } from './shapes.js';
import { PARSE_ONCE } from './parse-once.js';

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

/**
 * The shape a flows entry's default export must have, without turning its forms into JSON Schema (see
 * flowPluginSchema). Extra members are tolerated (later contract additions).
 */
export const flowShapeSchema = z
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
  });

/** The shape a flows entry's default export must have, and every settings form turns into JSON Schema. */
export const flowPluginSchema = flowShapeSchema.superRefine((def, ctx) => {
  // Every settings schema the dashboard renders as a form must turn into JSON Schema.
  checkForms(
    [
      ...(def.kinds ?? []).map((k, i): [PropertyKey[], unknown] => [['kinds', i, 'settings'], k.settings]),
      ...(def.destinations ?? []).map((d, i): [PropertyKey[], unknown] => [
        ['destinations', i, 'settings'],
        (d as { settings: unknown }).settings,
      ]),
    ],
    ctx,
  );
});

export type FlowsCheck = { ok: true; definition: FlowPluginDefinition } | { ok: false; problems: string[] };

/** Validates a flows entry's default export; problems read `path: message`. Keeps the original object. */
export function checkFlows(value: unknown, options: CheckOptions = {}): FlowsCheck {
  const parsed = (options.forms === false ? flowShapeSchema : flowPluginSchema).safeParse(value, PARSE_ONCE);
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
  return scanPackages(dirs, (folder) => inspectFlows(folder, options));
}

async function inspectFlows(folder: string, options: FindOptions): Promise<Inspected<FlowPackage> | null> {
  const read = await readManifest(folder);
  if (read === null || read.text === null) return null;
  const { realDir } = read;
  let manifest: unknown;
  try {
    manifest = JSON.parse(read.text);
  } catch {
    return null;
  }
  if (typeof manifest !== 'object' || manifest === null || !('synchub' in manifest)) return null;
  const packageName = (manifest as { name?: unknown }).name;
  const key = synchubKeySchema.safeParse(manifest.synchub, PARSE_ONCE);
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

export type LoadedFlows = LoadedEntry<FlowPluginDefinition>;

export interface FlowsLoadResult {
  /** By plugin id, in discovery order (earlier dirs first). */
  flows: Map<string, LoadedFlows>;
  /** One per package that was rejected; the others still load. */
  errors: RegistryError[];
}

const flowsEntry: EntryKind<FlowPluginDefinition> = {
  what: 'flow plugin',
  packages: 'flow',
  contract: 'flow',
  definition: 'flows definition',
  check: checkFlows,
};

/**
 * Finds, imports and validates flow plugins, as `loadConnectors` does connectors: a broken one is
 * reported and skipped, and of two packages declaring one plugin id the first found wins. Clashes of
 * kind or destination ids between packages are `collectContributions`' business.
 */
export async function loadFlows(options: LoadOptions): Promise<FlowsLoadResult> {
  const found = await findFlowPackages(options.dirs, { conditions: options.conditions });
  const { loaded, errors } = await loadEntries(found, flowsEntry, options);
  return { flows: loaded, errors };
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
