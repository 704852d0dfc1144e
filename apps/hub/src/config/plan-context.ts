import { MASK } from '../connections.js';
import type { Issue } from '../errors.js';
import type { ApplyAnswer, ConfigDocument, FieldChange, ObjectType, PlannedChange } from './document.js';
import { type ConfigDeps, mapConnectionRefs } from './export.js';

/** One change and the store call that makes it. */
export interface Step {
  change: PlannedChange;
  run(): Promise<void>;
}

export const SECTION: Record<ObjectType, string> = {
  connection: 'connections',
  destination: 'destinations',
  source: 'sources',
  pipeline: 'pipelines',
  alert: 'alerts',
};

/** The names a document gives the objects of one type. */
export const fileNames = (doc: ConfigDocument, type: ObjectType) =>
  new Set((doc[SECTION[type] as 'connections'] as Array<{ name: string }>).map((e) => e.name));

/**
 * What every section's planner shares: the hub's objects by name, names ↔ ids, what exists once the plan is
 * applied, and where problems and steps go.
 */
export async function createPlanContext(deps: ConfigDeps, doc: ConfigDocument, options: { prune: boolean }) {
  const problems: Issue[] = [];
  const upserts: Step[] = [];
  const writeKeys: ApplyAnswer['writeKeys'] = [];
  const current = {
    connections: await deps.connections.list(),
    destinations: await deps.destinations.list(),
    sources: await deps.sources.list(),
    pipelines: await deps.pipelines.list(),
    alerts: await deps.alerts.list(),
  };
  const byName = <T extends { name: string }>(list: T[]) => new Map(list.map((x) => [x.name, x]));
  const cur = {
    connection: byName(current.connections),
    destination: byName(current.destinations),
    source: byName(current.sources),
    pipeline: byName(current.pipelines),
    alert: byName(current.alerts),
  };
  const idNames = new Map<string, string>([
    ...current.connections.map((c) => [c.id, c.name] as const),
    ...current.destinations.map((d) => [d.id, d.name] as const),
    ...current.pipelines.map((p) => [p.id, p.name] as const),
  ]);
  const nameOf = (id: string) => idNames.get(id) ?? id;
  // Names → ids, filled in by the creates as they run (later steps look their references up then).
  const ids: Record<'connection' | 'destination' | 'pipeline', Map<string, string>> = {
    connection: new Map(current.connections.map((c) => [c.name, c.id])),
    destination: new Map(current.destinations.map((d) => [d.name, d.id])),
    pipeline: new Map(current.pipelines.map((p) => [p.name, p.id])),
  };
  const idOf = (type: keyof typeof ids, name: string) => {
    const id = ids[type].get(name);
    if (id === undefined) throw new Error(`no ${type} "${name}"`);
    return id;
  };

  // What exists once the plan is applied: the file's objects, and the hub's others unless pruned.
  const after = (type: ObjectType) => {
    const names = fileNames(doc, type);
    if (!options.prune) for (const name of cur[type].keys()) names.add(name);
    return names;
  };
  const missingRef = (type: ObjectType, name: string) =>
    `no ${type} "${name}" in the file${options.prune ? '' : ' or on the hub'}`;
  const connectorAfter = new Map<string, string>(current.connections.map((c) => [c.name, c.connectorId]));
  for (const c of doc.connections) connectorAfter.set(c.name, c.connector);
  if (options.prune)
    for (const c of current.connections) if (!fileNames(doc, 'connection').has(c.name)) connectorAfter.delete(c.name);

  const connectorDef = (id: string) => deps.plugins.connectors.find((c) => c.definition.id === id)?.definition;
  const knownConnectors = () => deps.plugins.connectors.map((c) => c.definition.id).join(', ') || 'none';
  const secretValue = (v: unknown) => {
    if (typeof v === 'string' && v !== '') deps.logger.addSecret(v);
  };
  const record = (action: string, target: string | null, details: Record<string, unknown>) =>
    deps.audit.record(action, target, { ...details, via: 'config' });
  const masked = (f: FieldChange): FieldChange => ({
    path: f.path,
    secret: true,
    ...(f.from === undefined ? {} : { from: MASK }),
    ...(f.to === undefined ? {} : { to: MASK }),
  });

  return {
    deps,
    options,
    problems,
    upserts,
    writeKeys,
    cur,
    ids,
    idOf,
    nameOf,
    after,
    missingRef,
    connectorAfter,
    connectorDef,
    knownConnectors,
    secretValue,
    record,
    masked,
  };
}

export type PlanContext = Awaited<ReturnType<typeof createPlanContext>>;

/** Checks the connection names under `…ConnectionId` settings; false when one is missing. */
export function connectionRefs(
  settings: Record<string, unknown>,
  at: string,
  names: Set<string>,
  missingRef: (type: ObjectType, name: string) => string,
  problems: Issue[],
): boolean {
  let ok = true;
  mapConnectionRefs(settings, (name) => {
    if (!names.has(name)) {
      ok = false;
      problems.push({ path: at, message: missingRef('connection', name) });
    }
    return name;
  });
  return ok;
}
