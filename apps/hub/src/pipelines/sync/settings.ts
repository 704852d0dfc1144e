import { mapRulesSchema } from '@synchub/core';
import { z } from 'zod';

/**
 * Settings of a generic sync: read `stream` of the pipeline's own connection, map each record with
 * core mapper rules, write through `writer` of `destinationConnectionId` (possibly the same connection).
 */
export const syncSettings = z
  .strictObject({
    stream: z
      .string({ error: 'choose a stream of the source connection' })
      .trim()
      .min(1, 'choose a stream of the source connection')
      .meta({ title: 'Stream', description: 'What to read from the source connection, e.g. accounts.' }),
    streamOptions: z.record(z.string(), z.unknown(), { error: 'streamOptions must be an object' }).default({}).meta({
      title: 'Stream options',
      description:
        "The stream's own options (object, filters…). A field list (fields or select) left out reads the fields the mapping uses.",
    }),
    destinationConnectionId: z
      .string({ error: 'choose the connection to write to' })
      .trim()
      .min(1, 'choose the connection to write to')
      .meta({ title: 'Destination connection', description: 'Where records are written (may be the source).' }),
    writer: z
      .string({ error: 'choose a writer of the destination connection' })
      .trim()
      .min(1, 'choose a writer of the destination connection')
      .meta({ title: 'Writer', description: 'How records are written, e.g. company_update.' }),
    writerOptions: z
      .record(z.string(), z.unknown(), { error: 'writerOptions must be an object' })
      .default({})
      .meta({ title: 'Writer options', description: "The writer's own options (object, keys…)." }),
    mapping: mapRulesSchema
      .refine((rules) => rules.length > 0, { error: 'map at least one field' })
      .meta({
        title: 'Mapping',
        description:
          'Target fields and where their values come from: a source field ({from, to}), a constant ({value, to}), a template ({template: "{{FirstName}} {{LastName}}", to}) or a value lookup table ({from, to, lookup}).',
      }),
    key: z
      .string({ error: 'key must be the name of a target field' })
      .trim()
      .min(1, 'key must be the name of a target field')
      .optional()
      .meta({
        title: 'Match on',
        description: 'The target field that finds the record to update (required for update and upsert writers).',
      }),
  })
  .superRefine((s, ctx) => {
    if (s.key === undefined) return;
    const targets = s.mapping.map((rule) => rule.to);
    if (!targets.includes(s.key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: `${s.key} is not a target of the mapping; the key must be a mapped field (targets: ${targets.join(', ')})`,
      });
    }
  });

export type SyncSettings = z.output<typeof syncSettings>;
