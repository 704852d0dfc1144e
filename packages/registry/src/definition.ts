import { CONTRACT_VERSION, type ConnectorDefinition, MESSAGE_TYPES } from '@synchub/core';
import { z } from 'zod';
import { messageOf } from './errors.js';
import { pipelineKindSchema } from './kind-schema.js';
import { fn, problemsOf, semver, slug, zodSchema } from './shapes.js';
import { PARSE_ONCE } from './parse-once.js';

/** Options every JSON Schema of a connector is produced with (see `describe`). */
export const JSON_SCHEMA_OPTIONS = { io: 'input', unrepresentable: 'any' } as const;

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** JSON Schema of a settings/secrets schema as forms need it: defaulted fields optional. */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS);
}

const windowSpec = z.object({
  limit: z.int().positive(),
  windowMs: z.int().positive(),
  label: z.string().optional(),
});

const streamSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  object: z.string().min(1).optional(),
  options: zodSchema.optional(),
  read: fn,
});

const writerSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  object: z.string().min(1).optional(),
  options: zodSchema.optional(),
  mode: z.enum(['insert', 'update', 'upsert', 'publish']),
  batchSize: z.int().positive(),
  bucket: z.string().optional(),
  write: fn,
});

/** An event destination's shape (a connector's `destination`, and each of a flow plugin's `destinations`). */
export const destinationSchema = z
  .looseObject({
    title: z.string().min(1),
    description: z.string().optional(),
    settings: zodSchema,
    messageTypes: z.array(z.enum(MESSAGE_TYPES)).min(1, 'must name at least one message type'),
    merge: z.boolean(),
    // The host's flush window setting takes 100 ms to 60 s.
    defaultFlushWindowMs: z.int().min(100).max(60_000).optional(),
    map: fn.optional(),
    deliver: fn.optional(),
  })
  .refine((d) => d.map !== undefined || d.deliver !== undefined, 'needs a map or a deliver function');

/**
 * The shape a connector's default export must have, without turning its forms into JSON Schema (see
 * connectorDefinitionSchema). Extra members are tolerated (later contract additions).
 */
export const connectorShapeSchema = z
  .looseObject({
    id: slug,
    name: z.string().min(1),
    version: semver,
    contractVersion: z.literal(CONTRACT_VERSION),
    description: z.string().optional(),
    settings: zodSchema,
    secrets: zodSchema,
    check: fn,
    discover: fn,
    streams: z.record(z.string(), streamSchema),
    writers: z.record(z.string(), writerSchema),
    rateLimit: z.looseObject({
      buckets: z.record(z.string(), z.array(windowSpec)),
      defaultBucket: z.string().min(1),
      key: fn,
    }),
    destination: destinationSchema.optional(),
    kinds: z.array(pipelineKindSchema).optional(),
  })
  .superRefine((def, ctx) => {
    // The hub addresses streams and writers by key; a differing `name` would show one thing and run another.
    for (const [group, members] of [
      ['streams', def.streams],
      ['writers', def.writers],
    ] as const) {
      for (const [key, member] of Object.entries(members)) {
        if (member.name !== key) {
          ctx.addIssue({ code: 'custom', path: [group, key, 'name'], message: `must equal its key '${key}'` });
        }
      }
    }
    const buckets = Object.keys(def.rateLimit.buckets);
    const known = `(buckets: ${buckets.join(', ') || 'none'})`;
    if (!buckets.includes(def.rateLimit.defaultBucket)) {
      ctx.addIssue({ code: 'custom', path: ['rateLimit', 'defaultBucket'], message: `names no bucket ${known}` });
    }
    for (const [key, writer] of Object.entries(def.writers)) {
      if (writer.bucket !== undefined && !buckets.includes(writer.bucket)) {
        ctx.addIssue({ code: 'custom', path: ['writers', key, 'bucket'], message: `names no bucket ${known}` });
      }
    }
  });

/** The shape a connector's default export must have, and every form it declares turns into JSON Schema. */
export const connectorDefinitionSchema = connectorShapeSchema.superRefine((def, ctx) => {
  // Every schema the dashboard renders as a form must turn into JSON Schema.
  checkForms(
    [
      [['settings'], def.settings],
      [['secrets'], def.secrets],
      ...Object.entries(def.streams).map(([key, s]): [PropertyKey[], z.ZodType | undefined] => [
        ['streams', key, 'options'],
        s.options,
      ]),
      ...Object.entries(def.writers).map(([key, w]): [PropertyKey[], z.ZodType | undefined] => [
        ['writers', key, 'options'],
        w.options,
      ]),
      [['destination', 'settings'], def.destination?.settings],
      ...(def.kinds ?? []).map((k, i): [PropertyKey[], z.ZodType | undefined] => [
        ['kinds', i, 'settings'],
        k.settings,
      ]),
    ],
    ctx,
  );
});

/** Adds an issue for each form (a zod schema, or undefined: none) that cannot be turned into JSON Schema. */
export function checkForms(forms: Array<[PropertyKey[], unknown]>, ctx: z.RefinementCtx): void {
  for (const [path, schema] of forms) {
    if (!zodSchema.safeParse(schema, PARSE_ONCE).success) continue; // none, or not a schema: the shape reports that
    try {
      toJsonSchema(schema as z.ZodType);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path, message: `cannot be turned into JSON Schema: ${messageOf(error)}` });
    }
  }
}

export interface CheckOptions {
  /**
   * Also turn every form (settings, secrets, options schemas) into JSON Schema, to refuse a plugin whose form
   * the dashboard could not render (default true). That is most of a check's CPU time (~0.05 s for the
   * built-in plugins at every start), so the hub leaves it out for its own packages, whose tests check it.
   */
  forms?: boolean | undefined;
}

export type DefinitionCheck = { ok: true; definition: ConnectorDefinition } | { ok: false; problems: string[] };

/** Validates a connector's default export; problems read `path: message`. Keeps the original object. */
export function checkDefinition(value: unknown, options: CheckOptions = {}): DefinitionCheck {
  const schema = options.forms === false ? connectorShapeSchema : connectorDefinitionSchema;
  const parsed = schema.safeParse(value, PARSE_ONCE);
  if (parsed.success) return { ok: true, definition: value as ConnectorDefinition };
  return {
    ok: false,
    problems: problemsOf(parsed.error),
  };
}
