import { z } from 'zod';
import { SAMPLE_SIZES } from './discovery.js';
import { ACTIVITY_TYPES } from './settings.js';

// Schemas of the /api/pulls answers, for the hub's /api/openapi.json (the dashboard's Gainsight page is typed
// from it). They describe what the routes answer; answers.test.ts parses real answers with them.

/** `GET`/`PUT /:connectionId/common`: the settings, the primary CRM they resolve to, whether pulls may run. */
export const CommonAnswer = z.object({
  common: z.object({
    primaryConnectionId: z
      .string()
      .nullable()
      .describe('The chosen primary CRM; null: the only Salesforce connection, if there is exactly one'),
    gsidField: z.string().describe("Salesforce Account field holding each account's Gainsight GSID"),
  }),
  primary: z
    .object({
      connectionId: z.string(),
      name: z.string(),
      resolvedBy: z.enum(['setting', 'only_salesforce']),
    })
    .nullable(),
  gate: z.object({
    ok: z.boolean(),
    reason: z.string().nullable().describe('Why Gainsight pulls refuse to run now'),
  }),
});

export const CategoriesAnswer = z.object({
  categories: z.array(
    z.object({
      category: z.string(),
      count: z.number(),
      mapped: z.boolean(),
      activityType: z.enum(ACTIVITY_TYPES).nullable(),
    }),
  ),
  sampleSize: z.number().describe('The sample size that answered'),
  sampled: z.number().describe('How many rows it held'),
  attempts: z.array(
    z.object({
      sampleSize: z.number(),
      ms: z.number(),
      outcome: z.enum(['ok', 'slow', 'failed']),
      error: z.string().optional(),
    }),
  ),
  nextSampleSize: z
    .union([...SAMPLE_SIZES.map((n) => z.literal(n)), z.null()])
    .describe('What "Resample" should ask for next (null: already the smallest)'),
});

const gainsightField = z.string().optional();
export const SurveyFieldsAnswer = z.object({
  object: z.string(),
  fieldMappings: z
    .object({
      score: gainsightField,
      npsGroup: gainsightField,
      text: gainsightField,
      respondedAt: gainsightField,
      company: gainsightField,
      surveyType: gainsightField,
      surveyId: gainsightField,
      email: gainsightField,
    })
    .describe('Response field → Gainsight field name, as detected'),
  missing: z.array(z.string()).describe('Mapping keys nothing on the object looked like'),
  fields: z.array(z.object({ name: z.string(), label: z.string().optional(), type: z.string() })),
});

export const CustomFieldsAnswer = z.object({
  fields: z.array(
    z.object({
      object: z.string(),
      field: z.string(),
      label: z.string().nullable(),
      type: z.string().nullable(),
      registeredAt: z.number(),
    }),
  ),
});
