import { zodIssues } from '../errors.js';
import { diffFields, same } from './compare.js';
import { type ConfigDocument, envRefOf, type PlannedChange } from './document.js';
import type { PlanContext } from './plan-context.js';

/**
 * Connections: each one's settings and secrets against its connector's schemas. A secret's `${VAR}` the CLI could
 * not resolve keeps the stored value of an existing connection and is a problem for a new one.
 */
export async function planConnections(ctx: PlanContext, doc: Pick<ConfigDocument, 'connections'>): Promise<void> {
  const { deps, problems, upserts, cur, ids, connectorDef, knownConnectors, secretValue, record, masked } = ctx;
  for (const [i, entry] of doc.connections.entries()) {
    const at = `connections[${i}]`;
    const existing = cur.connection.get(entry.name);
    const def = connectorDef(entry.connector);
    if (!def) {
      problems.push({
        path: `${at}.connector`,
        message: `unknown connector "${entry.connector}"; known: ${knownConnectors()}`,
      });
      continue;
    }
    if (existing && existing.connectorId !== def.id) {
      problems.push({
        path: `${at}.connector`,
        message: `"${entry.name}" is a ${existing.connectorId} connection on the hub; its connector cannot change (name the new one differently)`,
      });
      continue;
    }
    const settings = def.settings.safeParse(entry.settings);
    if (!settings.success) problems.push(...zodIssues(settings.error, `${at}.settings`));
    const stored = existing ? ((await deps.connections.resolve(existing.id)).secrets as Record<string, unknown>) : {};
    const given: Record<string, unknown> = {};
    const notes: string[] = [];
    const unset: string[] = [];
    for (const [field, value] of Object.entries(entry.secrets)) {
      const ref = envRefOf(value);
      if (ref === undefined) {
        if (value !== null && value !== '') given[field] = value;
      } else if (existing && stored[field] !== undefined) {
        notes.push(`secret ${field} kept as stored: ${ref} is not set`);
      } else {
        unset.push(field);
        problems.push({ path: `${at}.secrets.${field}`, message: `environment variable ${ref} is not set` });
      }
    }
    for (const v of Object.values(given)) secretValue(v);
    const secrets = def.secrets.safeParse({ ...stored, ...given });
    if (!secrets.success) {
      const issues = zodIssues(secrets.error, `${at}.secrets`);
      problems.push(...issues.filter((x) => !unset.some((f) => x.path === `${at}.secrets.${f}`)));
    }
    if (!settings.success || !secrets.success || unset.length > 0) continue;
    if (!existing) {
      const change: PlannedChange = {
        type: 'connection',
        name: entry.name,
        action: 'create',
        notes: [`connector ${def.id}`],
      };
      upserts.push({
        change,
        run: async () => {
          const c = await deps.connections.create({
            connectorId: def.id,
            name: entry.name,
            settings: entry.settings,
            secrets: given,
          });
          ids.connection.set(c.name, c.id);
          await record('connection.create', c.id, { name: c.name, connectorId: c.connectorId });
        },
      });
      continue;
    }
    const parsedSecrets = secrets.data as Record<string, unknown>;
    const fields = [
      ...diffFields('settings', existing.settings, settings.data as Record<string, unknown>),
      ...Object.keys(given)
        .filter((f) => !same(stored[f], parsedSecrets[f]))
        .map((f) => masked({ path: `secrets.${f}`, from: stored[f], to: parsedSecrets[f] })),
    ];
    if (fields.length === 0) continue;
    // Settings merge key by key in the store: a key the file leaves out is removed (null).
    const removed = Object.keys(existing.settings).filter((k) => !(k in entry.settings));
    upserts.push({
      change: { type: 'connection', name: entry.name, action: 'update', fields, notes },
      run: async () => {
        await deps.connections.update(existing.id, {
          settings: { ...entry.settings, ...Object.fromEntries(removed.map((k) => [k, null])) },
          secrets: given,
        });
        await record('connection.update', existing.id, {
          fields: fields.map((f) => f.path),
          secretsChanged: Object.keys(given),
        });
      },
    });
  }
}
