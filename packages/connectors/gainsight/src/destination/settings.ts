import { z } from 'zod';

const customField = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]*__gc$/, 'must be a Gainsight custom field name ending in __gc (e.g. Plan__gc)');

const fieldMap = z
  .array(z.strictObject({ trait: z.string().trim().min(1, 'trait name is required'), field: customField }))
  .default([])
  .superRefine((rows, ctx) => {
    const seen = new Map<string, number>();
    rows.forEach((row, i) => {
      const before = seen.get(row.field);
      if (before !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'field'],
          message: `${row.field} is already mapped in row ${before + 1}`,
        });
      }
      seen.set(row.field, i);
    });
  });

/**
 * The Gainsight destination's own settings (the connection holds domain, access key, tenant id and
 * shared secret). Custom maps are rows the dashboard edits; the event map decides which tracks are sent.
 */
export const gainsightDestinationSchema = z.strictObject({
  personFieldMap: fieldMap.meta({ title: 'Custom person fields', description: 'identify trait → Person __gc field' }),
  companyFieldMap: fieldMap.meta({ title: 'Custom company fields', description: 'group trait → Company __gc field' }),
  topicName: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ title: 'Events topic name', description: 'Required for track' }),
  contractId: z.string().trim().min(1).optional().meta({
    title: 'Events contract id',
    description: 'Optional; a gainsightEventContractId externalId on the call wins over it',
  }),
  eventVersions: z
    .array(
      z.strictObject({
        event: z.string().trim().min(1, 'event name is required'),
        eventName: z.string().trim().min(1).optional(),
        version: z.string().trim().min(1, 'version is required'),
      }),
    )
    .default([])
    .superRefine((rows, ctx) => {
      const seen = new Set<string>();
      rows.forEach((row, i) => {
        if (seen.has(row.event))
          ctx.addIssue({ code: 'custom', path: [i, 'event'], message: `"${row.event}" is mapped twice` });
        seen.add(row.event);
      });
    })
    .meta({
      title: 'Event versions',
      description: 'track event name → Gainsight event name and version (case-sensitive)',
    }),
  flushWindowMs: z.number().int().min(100).max(60_000).default(2000).meta({
    title: 'Flush window (ms)',
    description: 'Calls for the same person or company inside one window are merged into one',
  }),
  maxAttempts: z.number().int().min(1).max(50).default(20).meta({
    title: 'Max attempts',
    description: 'Retries for temporary failures before an event is dead-lettered',
  }),
});

export type GainsightDestinationSettings = z.output<typeof gainsightDestinationSchema>;
