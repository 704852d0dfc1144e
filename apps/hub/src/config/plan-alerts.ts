import { ruleInput } from '../alerts/schema.js';
import { zodIssues } from '../errors.js';
import { diffFields, diffValue } from './compare.js';
import { type ConfigDocument, envRefOf } from './document.js';
import { type ConfigDeps, conditionToDocument } from './export.js';
import type { PlanContext } from './plan-context.js';

/** Alert rules: the alerts API's own schema, with pipelines, destinations and budgets checked by name. */
export async function planAlerts(ctx: PlanContext, doc: Pick<ConfigDocument, 'alerts' | 'connections'>): Promise<void> {
  const { deps, problems, upserts, cur, idOf, nameOf, after, missingRef, secretValue, record, masked } = ctx;
  const afterDestinations = after('destination');
  // Alert rules: conditions name pipelines and destinations by name; their channels' secrets are references.
  const afterPipelines = after('pipeline');
  const budgets = await budgetKeys(deps, doc.connections);
  for (const [i, entry] of doc.alerts.entries()) {
    const at = `alerts[${i}]`;
    const existing = cur.alert.get(entry.name);
    const resolved = existing ? await deps.alerts.rules.resolve(existing.id) : undefined;
    const { pipeline, destination, ...rest } = entry.condition;
    const refOk = (type: 'pipeline' | 'destination', value: unknown, names: Set<string>) => {
      if (value === undefined || value === null) return true;
      if (typeof value === 'string' && names.has(value)) return true;
      problems.push({ path: `${at}.condition.${type}`, message: missingRef(type, String(value)) });
      return false;
    };
    const refsOk = refOk('pipeline', pipeline, afterPipelines) && refOk('destination', destination, afterDestinations);
    const notes: string[] = [];
    let unset = false;
    // A secret whose variable is not set keeps the stored one; a rule without one stored cannot go without it.
    const secret = (path: string, value: unknown, storedValue: string | undefined) => {
      const ref = envRefOf(value);
      if (ref === undefined) {
        secretValue(value);
        return value;
      }
      if (storedValue !== undefined) {
        notes.push(`${path} kept as stored: ${ref} is not set`);
        return storedValue;
      }
      unset = true;
      problems.push({ path: `${at}.channels.${path}`, message: `environment variable ${ref} is not set` });
      return undefined;
    };
    const channels = entry.channels === undefined ? undefined : { ...entry.channels };
    if (channels && isObject(channels.webhook) && 'url' in channels.webhook)
      channels.webhook = {
        ...channels.webhook,
        url: secret('webhook.url', channels.webhook.url, resolved?.channels.webhook?.url),
      };
    if (channels && isObject(channels.email) && 'password' in channels.email) {
      channels.email = {
        ...channels.email,
        password: secret('email.password', channels.email.password, resolved?.secrets.emailPassword),
      };
    }
    const condition = {
      ...rest,
      ...(pipeline === undefined ? {} : { pipelineId: pipeline }),
      ...(destination === undefined ? {} : { destinationId: destination }),
    };
    const input = ruleInput.safeParse({
      name: entry.name,
      enabled: entry.enabled,
      condition,
      ...(channels ? { channels } : {}),
    });
    if (!input.success)
      problems.push(...zodIssues(input.error, at).filter((x) => !(unset && x.path.includes('channels'))));
    if (input.success && input.data.condition.type === 'budget_used' && input.data.condition.budget) {
      if (!budgets.has(input.data.condition.budget)) {
        problems.push({
          path: `${at}.condition.budget`,
          message: `no budget ${input.data.condition.budget}; known: ${[...budgets].join(', ') || 'none'}`,
        });
        continue;
      }
    }
    if (!input.success || !refsOk || unset) continue;
    const rule = input.data;
    const withIds = () => {
      const c = { ...rule.condition } as Record<string, unknown>;
      if (typeof c.pipelineId === 'string') c.pipelineId = idOf('pipeline', c.pipelineId);
      if (typeof c.destinationId === 'string') c.destinationId = idOf('destination', c.destinationId);
      return c as typeof rule.condition;
    };
    if (!existing || !resolved) {
      upserts.push({
        change: { type: 'alert', name: entry.name, action: 'create', notes },
        run: async () => {
          const r = await deps.alerts.create({ ...rule, condition: withIds() });
          await record('alert.create', r.id, { name: r.name, condition: r.condition.type });
        },
      });
      continue;
    }
    const { password, ...email } = rule.channels.email ?? { password: undefined };
    const storedEmail = resolved.channels.email;
    const fields = [
      ...diffValue('enabled', existing.enabled, rule.enabled),
      ...diffFields(
        'condition',
        conditionToDocument(existing.condition as Record<string, unknown>, nameOf),
        conditionToDocument(rule.condition as Record<string, unknown>, (n) => n),
      ),
      ...diffValue('channels.webhook.url', resolved.channels.webhook?.url, rule.channels.webhook?.url).map(masked),
      ...diffValue('channels.email', storedEmail, rule.channels.email ? email : null),
      ...diffValue('channels.email.password', resolved.secrets.emailPassword, password ?? undefined).map(masked),
    ];
    if (fields.length === 0) continue;
    upserts.push({
      change: { type: 'alert', name: entry.name, action: 'update', fields, notes },
      run: async () => {
        await deps.alerts.update(existing.id, { enabled: rule.enabled, condition: withIds(), channels: rule.channels });
        await record('alert.update', existing.id, { fields: fields.map((f) => f.path) });
      },
    });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Budget keys a rule may name once applied: the hub's now and those of the file's connections. */
async function budgetKeys(deps: ConfigDeps, connections: Array<{ connector: string; settings: unknown }>) {
  const keys = new Set((await deps.alerts.budgets()).map((b) => b.key));
  for (const c of connections) {
    const def = deps.plugins.connectors.find((x) => x.definition.id === c.connector)?.definition;
    const settings = def?.settings.safeParse(c.settings);
    if (!def || !settings?.success) continue;
    for (const bucket of Object.keys(def.rateLimit.buckets))
      keys.add(`${def.id}:${def.rateLimit.key(settings.data)}:${bucket}`);
  }
  return keys;
}
