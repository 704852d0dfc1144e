/**
 * Schemas of the Accounts answers (the customer store: accounts of the primary CRM and what customer-success
 * flows added to them), for /api/openapi.json. answers.test.ts parses real answers with them.
 */
import { z } from '@hono/zod-openapi';
import { AnyObject, orNull } from './answers.js';

export const AccountView = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    name: z.string().nullable(),
    domain: z.string().nullable(),
    parentId: z.string().nullable(),
    arr: z.number().nullable(),
    renewalDate: z.string().nullable().openapi({ description: 'YYYY-MM-DD' }),
    ownerId: z.string().nullable(),
    gsid: z.string().nullable().openapi({ description: "The account's link key: its CS company id" }),
    systemModstamp: z.string().nullable(),
    syncedAt: z.number(),
  })
  .openapi('AccountView');
export const CsCompany = z
  .object({
    connectionId: z.string(),
    gsid: z.string().openapi({ description: "The CS platform's company id" }),
    name: z.string().nullable(),
    matchedBy: z.string(),
    fields: AnyObject,
    syncedAt: z.number(),
  })
  .openapi('CsCompany');
export const AccountRow = AccountView.extend({
  company: orNull(CsCompany),
  counts: z.object({ activities: z.number(), surveys: z.number(), usage: z.number() }),
}).openapi('AccountRow');
export const Activity = z
  .object({
    gsid: z.string(),
    connectionId: z.string(),
    type: z.string().nullable().openapi({ description: 'Null: a category the map does not cover yet' }),
    category: z.string().nullable(),
    subject: z.string().nullable(),
    notes: z.string().nullable(),
    activityDate: z.string().nullable(),
    authorId: z.string().nullable(),
    companyGsid: z.string().nullable(),
    modifiedAt: z.string().nullable(),
  })
  .openapi('Activity');
export const SurveyResponse = z
  .object({
    responseId: z.string(),
    connectionId: z.string(),
    object: z.string(),
    surveyType: z.string().nullable(),
    surveyId: z.string().nullable(),
    score: z.number().nullable(),
    npsGroup: z.string().nullable(),
    text: z.string().nullable(),
    email: z.string().nullable(),
    respondedAt: z.string().nullable(),
    fields: AnyObject.nullable().openapi({ description: 'Values of registered custom fields' }),
  })
  .openapi('SurveyResponse');
export const UsageMetric = z
  .object({
    pipelineId: z.string(),
    product: z.string(),
    metric: z.string(),
    dimension: z.string().nullable(),
    period: z.string().nullable().openapi({ description: 'YYYY-MM-DD' }),
    value: z.number(),
    secondary: z.record(z.string(), z.number()).nullable(),
    rows: z.number(),
  })
  .openapi('UsageMetric');
export const AccountList = z.object({ accounts: z.array(AccountRow), total: z.number() }).openapi('AccountList');
export const AccountDetail = z
  .object({
    account: AccountView.extend({ raw: AnyObject.nullable() }),
    companies: z.array(CsCompany),
    activities: z.array(Activity),
    surveyResponses: z.array(SurveyResponse),
    usage: z.array(UsageMetric),
  })
  .openapi('AccountDetail');
