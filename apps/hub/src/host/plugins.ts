import fs from 'node:fs';
import path from 'node:path';
import type { FlowDestination, FlowPluginDefinition, PageDeclaration } from '@synchub/core';
import {
  checkFlows,
  collectContributions,
  type Contributor,
  type LoadedConnector,
  type LoadedFlows,
  loadConnectors,
  loadFlows,
} from '@synchub/registry';
import { Migrator } from 'kysely';
import { type Db, withoutSyncs } from '../db/index.js';
import type { DestinationOffer } from '../destinations.js';
import type { HubLogger } from '../logger.js';
import type { PipelineKind } from '../pipelines/kind.js';
import { scheduleError } from '../pipelines/schedule.js';
import { pluginMessage } from './deadline.js';

/** Shown for the host's own kinds in clash reports and `GET /api/plugins`. */
export const HUB_PACKAGE = '@synchub/hub';

/** Something a plugin could not contribute, and why (`GET /api/plugins` lists them; the log too). */
export interface PluginProblem {
  packageName: string | undefined;
  /** The registry's codes (`invalid_definition`, `duplicate_id`…) or the host's (`migration_failed`, `mount_refused`, `service_failed`). */
  code: string;
  message: string;
}

/** One event destination kind on offer (a connector's or a flow plugin's), and the package it came from. */
export interface PluginDestinationOffer extends DestinationOffer {
  packageName: string;
}

/** A flow plugin the hub uses (its migrations ran). */
export interface ActiveFlows extends LoadedFlows {
  /** Where its service's routes go (`/api/<mount>`, `/hooks/<mount>`). */
  mount: string;
}

/** What `GET /api/plugins` says of one package. */
export interface PluginPackageView {
  packageName: string;
  version: string | null;
  /** The flow plugin's id, when the package has a flows entry. */
  pluginId: string | null;
  connectors: string[];
  kinds: string[];
  destinations: string[];
  /** The service's mount (`/api/<mount>`, `/hooks/<mount>`) while it runs, else null. */
  mount: string | null;
  pages: PageDeclaration[];
}

export interface LoadedPlugins {
  connectors: LoadedConnector[];
  flows: ActiveFlows[];
  /** Every pipeline kind: the host's own first, then the plugins'. */
  kinds: PipelineKind[];
  /** The flow plugin that brought each kind (absent: the host's own or a connector's). */
  flowsOfKind: Map<string, ActiveFlows>;
  destinations: PluginDestinationOffer[];
  /** Mutable: the plugin runtime adds what goes wrong later (a refused mount, a service that fails). */
  problems: PluginProblem[];
  /** The problems of connector entries alone (`GET /api/connectors` lists them). */
  connectorProblems: PluginProblem[];
}

export interface LoadPluginsOptions {
  db: Db;
  logger: HubLogger;
  /** Folders scanned in order (earlier wins a clash): the hub's node_modules, built-in flows, plugins. */
  dirs: readonly string[];
  conditions?: readonly string[] | undefined;
  /** Which packages get their forms turned into JSON Schema at load (registry LoadOptions.checkForms; default all). */
  checkForms?: ((packageDir: string) => boolean) | undefined;
  /** The host's own kinds (the generic sync…): they win any clash. */
  hubKinds: readonly PipelineKind[];
  extraConnectors?: readonly LoadedConnector[] | undefined;
  extraFlows?: readonly FlowPluginDefinition[] | undefined;
}

/** The folders the hub scans for plugins, in order; those that do not exist are skipped by the registry. */
export function pluginDirs(options: {
  hubRoot: string;
  /** The workspace's flow packages (built-in flows), or false to leave them out. */
  workspaceFlows: string | false;
  pluginDir?: string | undefined;
}): string[] {
  return [
    path.join(options.hubRoot, 'node_modules'),
    ...(options.workspaceFlows !== false && fs.existsSync(options.workspaceFlows) ? [options.workspaceFlows] : []),
    ...(options.pluginDir ? [path.join(options.pluginDir, 'node_modules')] : []),
  ];
}

/**
 * A `checkForms` that leaves out the packages under `dir` (real paths): the hub passes the workspace's
 * `packages/` folder. Turning every form of the built-in plugins into JSON Schema was ~0.05 s of CPU at each
 * start, for packages whose tests do it (packages/registry/src/workspace.test.ts); a plugin from
 * SYNCHUB_PLUGIN_DIR, which nothing checked before, is still refused at load when a form cannot be rendered.
 */
export function formsCheckedOutside(dir: string): (packageDir: string) => boolean {
  let real = dir;
  try {
    real = fs.realpathSync(dir);
  } catch {
    // No such folder (the hub installed outside the workspace): every package is checked.
  }
  const prefix = real.endsWith(path.sep) ? real : `${real}${path.sep}`;
  return (packageDir) => !packageDir.startsWith(prefix);
}

/**
 * Loads every plugin (connectors and flows from the same folders, plus the ones a test brings), runs the
 * flow plugins' migrations, and collects what they contribute. Nothing here stops the hub: a broken
 * plugin, a failing migration or a clash is a problem listed and logged, and the rest loads.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<LoadedPlugins> {
  const { logger } = options;
  const problems: PluginProblem[] = [];
  const report = (problem: PluginProblem) => {
    problems.push(problem);
    logger.warn('Plugin not loaded', { package: problem.packageName, code: problem.code, reason: problem.message });
  };

  const [connectorsLoaded, flowsLoaded] = await Promise.all([
    loadConnectors({ dirs: options.dirs, conditions: options.conditions, checkForms: options.checkForms }),
    loadFlows({ dirs: options.dirs, conditions: options.conditions, checkForms: options.checkForms }),
  ]);
  const asProblem = (error: { packageName?: string | undefined; code: string; message: string }) => ({
    packageName: error.packageName,
    code: error.code,
    message: error.message,
  });
  for (const error of [...connectorsLoaded.errors, ...flowsLoaded.errors]) report(asProblem(error));
  const connectors = [...connectorsLoaded.connectors.values(), ...(options.extraConnectors ?? [])];

  const candidates: LoadedFlows[] = [...flowsLoaded.flows.values()];
  for (const definition of options.extraFlows ?? []) {
    const checked = checkFlows(definition);
    const packageName = (definition as { id?: unknown }).id;
    const label = typeof packageName === 'string' ? packageName : '(extra flows)';
    if (!checked.ok) {
      report({
        packageName: label,
        code: 'invalid_definition',
        message: `${label} is not a valid flows definition: ${checked.problems.join('; ')}`,
      });
      continue;
    }
    if (candidates.some((c) => c.definition.id === definition.id)) {
      report({ packageName: label, code: 'duplicate_id', message: `flow plugin id '${label}' is loaded already` });
      continue;
    }
    candidates.push({ definition, packageName: label, packageDir: '' });
  }

  const flows: ActiveFlows[] = [];
  for (const item of candidates) {
    const failure = await migrate(options.db, item.definition);
    if (failure) {
      report({
        packageName: item.packageName,
        code: 'migration_failed',
        message: `${item.packageName} is left out: its migration ${failure}`,
      });
      logger.error('Plugin migration failed', { package: item.packageName, reason: failure });
      continue;
    }
    flows.push({ ...item, mount: item.definition.mount ?? item.definition.id });
  }

  const contributors: Array<Contributor & { flows?: ActiveFlows }> = [
    { packageName: HUB_PACKAGE, kinds: options.hubKinds as Contributor['kinds'] },
    ...connectors.map((c) => ({
      packageName: c.packageName,
      kinds: c.definition.kinds,
      destinations: c.definition.destination
        ? [{ ...c.definition.destination, kind: c.definition.id, connectorId: c.definition.id } as FlowDestination]
        : [],
    })),
    ...flows.map((f) => ({
      packageName: f.packageName,
      kinds: f.definition.kinds,
      destinations: f.definition.destinations,
      flows: f,
    })),
  ];
  const collected = collectContributions(contributors);
  for (const error of collected.errors)
    report({ packageName: error.packageName, code: error.code, message: error.message });

  const flowsOfPackage = new Map(flows.map((f) => [f.packageName, f]));
  const kinds: PipelineKind[] = [];
  const flowsOfKind = new Map<string, ActiveFlows>();
  for (const { definition, packageName } of collected.kinds) {
    const bad = scheduleError(definition.defaultSchedule);
    if (bad && packageName !== HUB_PACKAGE) {
      report({
        packageName,
        code: 'invalid_definition',
        message: `${packageName}'s pipeline kind '${definition.kind}' has a defaultSchedule that is not a cron expression: ${bad}`,
      });
      continue;
    }
    kinds.push(definition as PipelineKind);
    const owner = flowsOfPackage.get(packageName);
    if (owner?.definition.kinds?.includes(definition)) flowsOfKind.set(definition.kind, owner);
  }
  const destinations = collected.destinations.map(({ definition, packageName }) => ({
    kind: definition.kind,
    connectorId: definition.connectorId,
    // The connector's own object for connector destinations (the spread above was only for the check).
    definition:
      connectors.find((c) => c.packageName === packageName && c.definition.id === definition.kind)?.definition
        .destination ?? definition,
    packageName,
  }));
  const connectorProblems = connectorsLoaded.errors.map(asProblem);
  return { connectors, flows, kinds, flowsOfKind, destinations, problems, connectorProblems };
}

/** Runs a plugin's migrations in their own migration table; the failure's description, or undefined. */
async function migrate(db: Db, definition: FlowPluginDefinition): Promise<string | undefined> {
  const migrations = definition.migrations;
  if (!migrations || Object.keys(migrations).length === 0) return undefined;
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      // Per plugin, so its migration names never clash with the hub's or another plugin's.
      migrationTableName: `migrations_${definition.id}`,
      migrationLockTableName: `migrations_${definition.id}_lock`,
    });
    const result = await withoutSyncs(db, () => migrator.migrateToLatest());
    if (!result.error) return undefined;
    const name = result.results?.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    return `${name} failed: ${pluginMessage(result.error)}`;
  } catch (error) {
    return `could not run: ${pluginMessage(error)}`;
  }
}

/** What `GET /api/plugins` lists: every package that contributes something, by name. */
export function describePackages(plugins: LoadedPlugins, mounts: ReadonlyMap<string, string>): PluginPackageView[] {
  const views = new Map<string, PluginPackageView>();
  const view = (packageName: string, packageDir: string) => {
    let found = views.get(packageName);
    if (!found) {
      found = {
        packageName,
        version: packageVersion(packageDir),
        pluginId: null,
        connectors: [],
        kinds: [],
        destinations: [],
        mount: null,
        pages: [],
      };
      views.set(packageName, found);
    }
    return found;
  };
  for (const c of plugins.connectors) {
    const v = view(c.packageName, c.packageDir);
    v.connectors.push(c.definition.id);
    v.version ??= c.definition.version;
  }
  for (const f of plugins.flows) {
    const v = view(f.packageName, f.packageDir);
    v.pluginId = f.definition.id;
    v.version ??= f.definition.version;
    v.mount = mounts.get(f.definition.id) ?? null;
    v.pages = (f.definition.pages ?? []).map((p) => ({ id: p.id, title: p.title }));
  }
  const owner = (kind: string) => plugins.flowsOfKind.get(kind)?.packageName;
  for (const kind of plugins.kinds) {
    const packageName =
      owner(kind.kind) ?? plugins.connectors.find((c) => c.definition.kinds?.includes(kind))?.packageName;
    if (packageName) views.get(packageName)?.kinds.push(kind.kind);
  }
  for (const d of plugins.destinations) views.get(d.packageName)?.destinations.push(d.kind);
  return [...views.values()].sort((a, b) => a.packageName.localeCompare(b.packageName));
}

function packageVersion(packageDir: string): string | null {
  if (!packageDir) return null;
  try {
    const version = (
      JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown }
    ).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}
