import { z } from 'zod';

/**
 * The configuration document of `synchub config export/apply` (`GET /api/config`, `POST /api/config/apply`):
 * everything a hub is configured with, every object named by its name (stable across hubs), never by id.
 * Secrets are `${ENV_VAR}` references in the file; the CLI resolves them from its environment before sending.
 */

export const CONFIG_VERSION = 1;

const name = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');
const record = z.record(z.string(), z.unknown());

export const connectionEntry = z.strictObject({
  name,
  connector: z.string().trim().min(1, 'required'),
  settings: record.default({}),
  /** Each value a `${ENV_VAR}` reference (or, discouraged, the value itself). */
  secrets: record.default({}),
});
export const destinationEntry = z.strictObject({
  name,
  kind: z.string().trim().min(1, 'required'),
  /** The connection's name. */
  connection: name,
  enabled: z.boolean().default(true),
  settings: record.default({}),
});
export const sourceEntry = z.strictObject({
  name,
  /** The destination's name, or null: events are kept but go nowhere. */
  destination: name.nullable().default(null),
});
export const pipelineEntry = z.strictObject({
  name,
  kind: z.string().trim().min(1, 'required'),
  connection: name,
  enabled: z.boolean().default(true),
  /** Cron expression; the kind's default when left out. */
  schedule: z.string().trim().min(1).optional(),
  /** Settings whose key ends in `ConnectionId` hold the other connection's name. */
  settings: record.default({}),
});
export const alertEntry = z.strictObject({
  name,
  enabled: z.boolean().default(true),
  /** As the alerts API takes it, with `pipeline` / `destination` (names) for `pipelineId` / `destinationId`. */
  condition: record,
  channels: record.optional(),
});

export const configDocument = z.strictObject({
  version: z.literal(CONFIG_VERSION, { error: `version must be ${CONFIG_VERSION}` }),
  connections: z.array(connectionEntry).default([]),
  destinations: z.array(destinationEntry).default([]),
  sources: z.array(sourceEntry).default([]),
  pipelines: z.array(pipelineEntry).default([]),
  alerts: z.array(alertEntry).default([]),
});
export type ConfigDocument = z.output<typeof configDocument>;
export type ConnectionEntry = z.output<typeof connectionEntry>;
export type AlertEntry = z.output<typeof alertEntry>;

export const objectType = z.enum(['connection', 'destination', 'source', 'pipeline', 'alert']);
export type ObjectType = z.infer<typeof objectType>;

/** One field of an update; a secret's values are never in it (`secret: true`, from/to masked). */
export const fieldChange = z.object({
  path: z.string(),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
  secret: z.boolean().optional(),
});
export type FieldChange = z.infer<typeof fieldChange>;

export const plannedChange = z.object({
  type: objectType,
  name: z.string(),
  action: z.enum(['create', 'update', 'delete']),
  /** Updates: what differs. */
  fields: z.array(fieldChange).optional(),
  /** What a reader should know (a secret kept because its variable is not set, a write key made…). */
  notes: z.array(z.string()).optional(),
});
export type PlannedChange = z.infer<typeof plannedChange>;

export const configPlan = z.object({
  changes: z.array(plannedChange),
  /** On the hub but not in the file, left as they are (apply with `prune` deletes them). */
  unmanaged: z.array(z.object({ type: objectType, name: z.string() })),
});
export type ConfigPlan = z.infer<typeof configPlan>;

/** What `POST /api/config/apply` answers (a refusal is a 400 listing every problem in `issues`). */
export const applyAnswer = z.object({
  dryRun: z.boolean(),
  prune: z.boolean(),
  plan: configPlan,
  /** Write keys of the sources this apply created: shown once, as when a source is added in the dashboard. */
  writeKeys: z.array(z.object({ source: z.string(), writeKey: z.string() })),
});
export type ApplyAnswer = z.infer<typeof applyAnswer>;

/** What `GET /api/config` answers. */
export const exportAnswer = z.object({
  document: configDocument,
  /** The environment variables the document's secret references name, and what each one is. */
  env: z.array(z.object({ name: z.string(), for: z.string() })),
  /** What the document leaves out on purpose. */
  notes: z.array(z.string()),
});
export type ExportAnswer = z.infer<typeof exportAnswer>;

/** `${NAME}`: a whole value that names an environment variable. */
const REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable a `${NAME}` value names, or undefined for any other value. */
export function envRefOf(value: unknown): string | undefined {
  return typeof value === 'string' ? REF.exec(value)?.[1] : undefined;
}

/** `CRM prod` + `clientSecret` → `SYNCHUB_CRM_PROD_CLIENT_SECRET`. */
export function envNameFor(...parts: string[]): string {
  const snake = (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toUpperCase();
  return ['SYNCHUB', ...parts.map(snake).filter((p) => p !== '')].join('_');
}

/**
 * Replaces each secret reference (connections' `secrets`, alert rules' webhook `url` and e-mail `password`) whose variable is
 * set in `env` by its value; a reference to an unset variable stays as it is and is listed in `missing`: the
 * hub keeps the stored secret of an existing object and refuses to create one without it. Other values of
 * the document are not touched. `raw` is the parsed YAML, before any validation (the hub validates).
 */
export function resolveSecretRefs(
  raw: unknown,
  env: Record<string, string | undefined>,
): { document: unknown; missing: string[]; used: string[] } {
  const missing = new Set<string>();
  const used = new Set<string>();
  const resolve = (value: unknown) => {
    const ref = envRefOf(value);
    if (ref === undefined) return value;
    const found = env[ref];
    if (found === undefined || found === '') {
      missing.add(ref);
      return value;
    }
    used.add(ref);
    return found;
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(raw)) return { document: raw, missing: [], used: [] };
  const document: Record<string, unknown> = { ...raw };
  if (Array.isArray(raw.connections)) {
    document.connections = raw.connections.map((c: unknown) =>
      isObject(c) && isObject(c.secrets)
        ? { ...c, secrets: Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, resolve(v)])) }
        : c,
    );
  }
  if (Array.isArray(raw.alerts)) {
    document.alerts = raw.alerts.map((a: unknown) => {
      if (!isObject(a) || !isObject(a.channels)) return a;
      const { webhook, email } = a.channels;
      return {
        ...a,
        channels: {
          ...a.channels,
          ...(isObject(webhook) && 'url' in webhook ? { webhook: { ...webhook, url: resolve(webhook.url) } } : {}),
          ...(isObject(email) && 'password' in email ? { email: { ...email, password: resolve(email.password) } } : {}),
        },
      };
    });
  }
  return { document, missing: [...missing].sort(), used: [...used].sort() };
}
