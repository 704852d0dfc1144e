import { gainsightFieldName, gainsightWhereSchema } from '@synchub/connector-gainsight/types';
import { z } from 'zod';

// Settings of the primary-CRM accounts sync and the four Gainsight pulls. The dashboard renders its forms
// from these (titles, descriptions, defaults; `picker` says which dropdown sources a field).

export const DEFAULT_GSID_FIELD = 'Gainsight_GSID__c';
export const ACTIVITY_TYPES = ['EMAIL', 'MEETING', 'TYPE_MANUAL'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
/** ReportingCategory → activity type, as the product document pre-seeds the mapping editor. */
export const DEFAULT_CATEGORY_MAP: Record<string, ActivityType> = {
  email: 'EMAIL',
  meeting: 'MEETING',
  call: 'MEETING',
  update: 'TYPE_MANUAL',
  risk: 'TYPE_MANUAL',
};
export const DEFAULT_COMPANY_FIELDS = [
  'Name',
  'Industry',
  'Arr',
  'Mrr',
  'Employees',
  'Users',
  'Stage',
  'Status',
  'CompanyType',
  'ManagedAs',
  'RenewalDate',
  'OriginalContractDate',
  'Csm',
  'Tags',
];
export const MAX_PAGE = 5000;

const objectName = z
  .string()
  .trim()
  .min(1, 'required')
  .regex(/^[A-Za-z0-9_]+$/, 'a Gainsight object name, e.g. activity_timeline or product_usage__gc');
const fieldName = gainsightFieldName;
const sfField = z
  .string()
  .trim()
  .min(1, 'required')
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/, 'a Salesforce field API name, e.g. Gainsight_GSID__c');

const gsidOverride = sfField.optional().meta({
  title: 'GSID field override',
  description:
    'Salesforce Account field holding the Gainsight GSID, for this pull only. Leave blank to use the Common setting.',
  picker: 'crm-field',
});
const pageSize = z
  .number()
  .int()
  .min(1)
  .max(MAX_PAGE)
  .default(MAX_PAGE)
  .meta({
    title: 'Page size',
    description: `Records per Gainsight call (at most ${MAX_PAGE}). Each page is stored, with its cursor, before the next is read.`,
  });

/** A Gainsight where clause given as an object or as JSON text (what the wizard's editor sends). */
export const whereField = z
  .preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return undefined;
    try {
      return JSON.parse(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: `not valid JSON: ${(error as Error).message}`, input: value });
      return z.NEVER;
    }
  }, gainsightWhereSchema.optional())
  .meta({
    title: 'Survey response filter (advanced)',
    description:
      'A Gainsight where clause as JSON, e.g. {"conditions":[{"name":"SurveyType","alias":"A","operator":"EQ","value":["NPS"]}]}. Overrides the lookback filter.',
  });

// ----- salesforce.accounts -----

export const accountsSettings = z.strictObject({
  fields: z
    .strictObject({
      name: sfField.default('Name').meta({ title: 'Name field', description: 'Account name.', picker: 'crm-field' }),
      domain: sfField.default('Website').meta({
        title: 'Domain field',
        description: 'Website or domain field; a URL is reduced to its host without www.',
        picker: 'crm-field',
      }),
      parent: sfField
        .default('ParentId')
        .meta({ title: 'Parent field', description: 'Parent account id.', picker: 'crm-field' }),
      arr: sfField.default('AnnualRevenue').meta({
        title: 'ARR field',
        description: 'Annual recurring revenue (often a custom field such as ARR__c).',
        picker: 'crm-field',
      }),
      renewalDate: sfField
        .default('Renewal_Date__c')
        .meta({ title: 'Renewal date field', description: 'A date field.', picker: 'crm-field' }),
      owner: sfField
        .default('OwnerId')
        .meta({ title: 'Owner field', description: 'Account owner (user id).', picker: 'crm-field' }),
      gsid: sfField.default(DEFAULT_GSID_FIELD).meta({
        title: 'GSID field',
        description: 'Account field that stores the Gainsight GSID (kept on each account for matching).',
        picker: 'crm-field',
      }),
    })
    .default({
      name: 'Name',
      domain: 'Website',
      parent: 'ParentId',
      arr: 'AnnualRevenue',
      renewalDate: 'Renewal_Date__c',
      owner: 'OwnerId',
      gsid: DEFAULT_GSID_FIELD,
    })
    .meta({ title: 'Account fields', description: 'Which Salesforce Account field feeds each account attribute.' }),
  extraFields: z.array(sfField).default([]).meta({
    title: 'Extra fields',
    description: 'More Account fields to keep with each account (stored as read).',
    picker: 'crm-field',
  }),
  pageSize: z.number().int().min(200).max(2000).optional().meta({
    title: 'Page size',
    description: 'Rows per Salesforce page wanted (200 to 2,000); only a hint, Salesforce decides.',
  }),
});

// ----- gainsight.company -----

export const companySettings = z.strictObject({
  fields: z.array(fieldName).min(1).default(DEFAULT_COMPANY_FIELDS).meta({
    title: 'Company fields',
    description: 'Gainsight company fields stored on each matched account.',
    picker: 'fields',
  }),
  matchBySfdcAccountId: z.boolean().default(true).meta({
    title: 'Match by SFDC Account ID',
    description:
      "Link a company to the account whose Id is the company's SfdcAccountId (Gainsight's own Salesforce link) before trying the GSID field.",
  }),
  gsidField: gsidOverride,
  pageSize,
});

// ----- gainsight.activity -----

export const activitySettings = z.strictObject({
  object: objectName.default('activity_timeline').meta({
    title: 'Activity object',
    description: 'The Gainsight timeline object.',
    picker: 'object',
  }),
  categoryField: fieldName.default('ReportingCategory').meta({
    title: 'Category field',
    description: 'Field holding the reporting category (ReportingCategory on most tenants).',
    picker: 'field',
  }),
  categoryMap: z.record(z.string().trim().min(1), z.enum(ACTIVITY_TYPES)).default(DEFAULT_CATEGORY_MAP).meta({
    title: 'ReportingCategory → ActivityType',
    description:
      'EMAIL: an email exchanged with the customer. MEETING: a meeting or call with them. TYPE_MANUAL: a note logged by hand (updates, risks). Categories match case-insensitively; activities of unmapped categories are kept without a type until you map them.',
  }),
  companyField: fieldName.default('GsCompanyId').meta({
    title: 'Company field',
    description: 'Field holding the company GSID.',
    picker: 'field',
  }),
  gsidField: gsidOverride,
  pageSize,
});

// ----- gainsight.surveys -----

const surveyFieldMappings = z
  .strictObject({
    score: fieldName.optional().meta({ title: 'Score', description: 'NPS / CSAT score (number).' }),
    npsGroup: fieldName.optional().meta({ title: 'NPS group', description: 'Promoter / Passive / Detractor.' }),
    text: fieldName.optional().meta({ title: 'Comment', description: 'Free-text answer.' }),
    respondedAt: fieldName.optional().meta({ title: 'Response date', description: 'When the response came in.' }),
    company: fieldName.optional().meta({ title: 'Company', description: 'Company GSID (GsCompanyId).' }),
    surveyType: fieldName.optional().meta({ title: 'Survey type', description: 'NPS, CSAT or custom.' }),
    surveyId: fieldName.optional().meta({ title: 'Survey', description: 'The survey the response belongs to.' }),
    email: fieldName.optional().meta({ title: 'Email', description: "Respondent's email." }),
  })
  .meta({
    title: 'Field mappings',
    description:
      'Response field → Gainsight field. Left blank, each is auto-detected from the object (standard Gainsight survey schema).',
  });
export type SurveyFieldMappings = z.output<typeof surveyFieldMappings>;
export const SURVEY_MAPPING_KEYS = [
  'score',
  'npsGroup',
  'text',
  'respondedAt',
  'company',
  'surveyType',
  'surveyId',
  'email',
] as const satisfies readonly (keyof SurveyFieldMappings)[];

const surveyObjectRow = z.strictObject({
  object: objectName.meta({ title: 'Object', description: 'Survey response object.', picker: 'object' }),
  surveyType: z.string().trim().min(1).optional().meta({
    title: 'Survey type',
    description: 'Pin every response of this object to a type (e.g. NPS, CSAT); blank reads the type field.',
  }),
  fields: surveyFieldMappings.optional(),
});

export const surveysSettings = z
  .strictObject({
    mode: z.enum(['single', 'multi']).default('single').meta({
      title: 'Mode',
      description: 'single: all responses in one object. multi: one object per survey kind (NPS, CSAT…).',
    }),
    object: objectName.default('survey_response').meta({
      title: 'Survey response object',
      description: 'Used in single mode.',
      picker: 'object',
    }),
    objects: z.array(surveyObjectRow).default([]).meta({
      title: 'Survey response objects',
      description: 'Used in multi mode: one row per object; names must be unique.',
    }),
    responseLimit: z.number().int().min(1).max(MAX_PAGE).default(500).meta({
      title: 'Response limit',
      description: 'Most responses fetched per object per run; the next run continues where this one stopped.',
    }),
    lookbackDays: z.number().int().min(1).max(30).default(30).meta({
      title: 'Lookback days',
      description: 'Only responses from the last N days (at most 30).',
    }),
    where: whereField,
    fieldMappings: surveyFieldMappings.optional(),
    registerCustomFields: z.boolean().default(false).meta({
      title: 'Register custom fields',
      description:
        'Register every field discovered on the response object as an activity custom field and keep its values.',
    }),
    gsidField: gsidOverride,
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'multi' && s.objects.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['objects'], message: 'multi mode needs at least one object' });
    }
    const seen = new Map<string, number>();
    s.objects.forEach((row, i) => {
      const key = row.object.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['objects', i, 'object'],
          message: `duplicate survey object ${row.object} (already row ${first + 1}); each object once`,
        });
      } else seen.set(key, i);
    });
  });

// ----- gainsight.usage -----

export const usageSettings = z
  .strictObject({
    object: objectName.meta({
      title: 'Product usage object',
      description: 'The Gainsight object holding usage rows, e.g. product_usage__gc.',
      picker: 'object',
    }),
    productName: z.string().trim().min(1).default('product usage').meta({
      title: 'Product name',
      description: 'Label the metrics roll up under.',
    }),
    companyField: fieldName.default('GsCompanyId').meta({
      title: 'Company field',
      description: 'Field holding the company GSID (rows not aggregated).',
      picker: 'field',
    }),
    valueFields: z.array(fieldName).default([]).meta({
      title: 'Metric fields',
      description: 'Without aggregation: each of these numeric fields is a metric named after the field.',
      picker: 'fields',
    }),
    periodField: fieldName.optional().meta({
      title: 'Period field',
      description: 'Date field that sets each metric’s period (e.g. a usage date); blank: one period.',
      picker: 'field',
    }),
    aggregate: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .meta({ title: 'Aggregate', description: 'Group flat rows by an account key.' }),
        aggregateKey: fieldName.optional().meta({
          title: 'Aggregate key',
          description: 'Groups rows by account: a company GSID (GsCompanyId) or a Salesforce Account Id field.',
          picker: 'field',
        }),
        metricNameField: fieldName.optional().meta({
          title: 'Metric name field',
          description: 'Field naming the metric.',
          picker: 'field',
        }),
        metricValueField: fieldName.optional().meta({
          title: 'Metric value field',
          description: 'Numeric field holding the value (summed per group).',
          picker: 'field',
        }),
        dimensionKey: fieldName.optional().meta({
          title: 'Dimension key field',
          description: 'Splits a metric further (e.g. module).',
          picker: 'field',
        }),
        extraValueFields: z.array(fieldName).default([]).meta({
          title: 'Additional value fields',
          description: 'Summed alongside and kept as secondary metrics.',
          picker: 'fields',
        }),
      })
      .default({ enabled: false, extraValueFields: [] })
      .meta({ title: 'Aggregate settings', description: 'Optional: for usage stored as flat rows.' }),
    gsidField: gsidOverride,
    pageSize,
  })
  .superRefine((s, ctx) => {
    if (s.aggregate.enabled) {
      for (const key of ['aggregateKey', 'metricNameField', 'metricValueField'] as const) {
        if (!s.aggregate[key])
          ctx.addIssue({ code: 'custom', path: ['aggregate', key], message: 'required when aggregating' });
      }
    } else if (s.valueFields.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['valueFields'],
        message: 'name at least one metric field, or turn on aggregation',
      });
    }
  });

export type AccountsSettings = z.output<typeof accountsSettings>;
export type CompanySettings = z.output<typeof companySettings>;
export type ActivitySettings = z.output<typeof activitySettings>;
export type SurveysSettings = z.output<typeof surveysSettings>;
export type UsageSettings = z.output<typeof usageSettings>;
