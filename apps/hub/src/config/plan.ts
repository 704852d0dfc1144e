import { type Issue, zodIssues } from '../errors.js';
import { type ApplyAnswer, type ConfigPlan, configDocument, type ObjectType } from './document.js';
import type { ConfigDeps } from './export.js';
import { planAlerts } from './plan-alerts.js';
import { planConnections } from './plan-connections.js';
import { createPlanContext, fileNames, SECTION, type Step } from './plan-context.js';
import { planDestinations, planPipelines, planSources } from './plan-objects.js';

export type { Step } from './plan-context.js';

export interface Planned {
  plan: ConfigPlan;
  /** Every problem of the document; when there is one, nothing may be applied. */
  problems: Issue[];
  /** In order: creates and updates (connections first), then deletes (alert rules first). */
  steps: Step[];
  writeKeys: ApplyAnswer['writeKeys'];
}

const ORDER: ObjectType[] = ['connection', 'destination', 'source', 'pipeline', 'alert'];

/**
 * Compares a document with the hub and plans the changes that make the hub match it: every problem is found
 * first (structure, connectors and kinds, each object's settings against its schema, references by name,
 * secrets whose variable is not set), so a document with problems changes nothing. Objects on the hub that
 * the file leaves out are deleted only with `prune`; otherwise they are listed as unmanaged.
 */
export async function planConfig(deps: ConfigDeps, raw: unknown, options: { prune: boolean }): Promise<Planned> {
  const unmanaged: ConfigPlan['unmanaged'] = [];
  const parsed = configDocument.safeParse(raw);
  if (!parsed.success) {
    return { plan: { changes: [], unmanaged }, problems: zodIssues(parsed.error), steps: [], writeKeys: [] };
  }
  const doc = parsed.data;
  const ctx = await createPlanContext(deps, doc, options);
  const { problems, upserts, writeKeys, cur, record } = ctx;
  const deletes: Step[] = [];

  for (const type of ORDER) {
    const seen = new Set<string>();
    for (const [i, entry] of (doc[SECTION[type] as 'connections'] as Array<{ name: string }>).entries()) {
      if (seen.has(entry.name))
        problems.push({ path: `${SECTION[type]}[${i}].name`, message: `"${entry.name}" is named twice` });
      seen.add(entry.name);
    }
  }

  await planConnections(ctx, doc);
  await planDestinations(ctx, doc);
  await planSources(ctx, doc);
  await planPipelines(ctx, doc);
  await planAlerts(ctx, doc);

  // What the file leaves out: deleted with prune (dependants first), listed otherwise.
  for (const type of [...ORDER].reverse()) {
    const inFile = fileNames(doc, type);
    for (const [name, object] of cur[type]) {
      if (inFile.has(name)) continue;
      if (!options.prune) {
        unmanaged.push({ type, name });
        continue;
      }
      const id = (object as { id: string }).id;
      if (type === 'pipeline' && (await deps.runner.runningAnywhere(id))) {
        problems.push({
          path: SECTION[type],
          message: `pipeline "${name}" is running; wait for it to finish before deleting it`,
        });
      }
      if (type === 'connection') {
        // Pipelines and destinations are checked through the file's references; a plugin's uses are not.
        const others = (await deps.connections.usage(id)).filter(
          (u) => u.type !== 'pipeline' && u.type !== 'destination',
        );
        for (const u of others)
          problems.push({
            path: SECTION[type],
            message: `connection "${name}" is in use by ${u.label ?? u.type} "${u.name}"`,
          });
      }
      deletes.push({
        change: { type, name, action: 'delete' },
        run: async () => {
          if (type === 'connection') await deps.connections.remove(id);
          else if (type === 'destination') await deps.destinations.remove(id);
          else if (type === 'source') await deps.sources.remove(id);
          else if (type === 'pipeline') await deps.pipelines.remove(id);
          else await deps.alerts.remove(id);
          await record(`${type}.delete`, id, { name });
        },
      });
    }
  }

  const steps = [...upserts, ...deletes];
  return { plan: { changes: steps.map((s) => s.change), unmanaged }, problems, steps, writeKeys };
}
