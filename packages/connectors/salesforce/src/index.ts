import {
  CONTRACT_VERSION,
  type DiscoveredField,
  type DiscoveredObject,
  defineConnector,
  type FieldType,
  HOUR,
  normalizeBaseUrl,
} from '@synchub/core';
import { createSalesforceClient, type SalesforceField } from './client.js';
import {
  DEFAULT_SLOWDOWN_PERCENT,
  DEFAULT_STOP_PERCENT,
  type SalesforceSettings,
  secretsSchema,
  settingsSchema,
} from './settings.js';
import { streams } from './streams.js';
import { writers } from './writers.js';

export {
  COMPOSITE_LIMIT,
  createSalesforceClient,
  createSessionCache,
  type ApiUsage,
  type CompositeRecord,
  type CompositeResult,
  type QueryOptions,
  type QueryPage,
  type SalesforceClient,
  type SalesforceRecord,
  type SessionCache,
  type SObjectDescribe,
} from './client.js';
export { secretsSchema, settingsSchema, type SalesforceSecrets, type SalesforceSettings } from './settings.js';
export { objectStreamOptions, type ObjectStreamOptions } from './streams.js';
export { updateWriterOptions } from './writers.js';

const FIELD_TYPES: Record<string, FieldType> = {
  id: 'id',
  reference: 'id',
  string: 'string',
  textarea: 'string',
  phone: 'string',
  encryptedstring: 'string',
  multipicklist: 'string',
  combobox: 'string',
  time: 'string',
  base64: 'string',
  anyType: 'string',
  double: 'number',
  currency: 'number',
  percent: 'number',
  int: 'integer',
  long: 'integer',
  date: 'date',
  datetime: 'datetime',
  boolean: 'boolean',
  picklist: 'picklist',
  email: 'email',
  url: 'url',
  address: 'json',
  location: 'json',
};

function toDiscoveredField(field: SalesforceField): DiscoveredField {
  return {
    name: field.name,
    label: field.label,
    type: FIELD_TYPES[field.type] ?? 'string',
    vendorType: field.type,
    custom: field.custom,
    updateable: field.updateable,
    createable: field.createable,
    required: field.createable && !field.nillable && !field.defaultedOnCreate,
  };
}

/** Objects that exist for every queryable one but are no sync target (history, sharing, feeds, change events). */
const AUXILIARY = /(History|Share|Feed|ChangeEvent|Tag)$/;

export default defineConnector({
  id: 'salesforce',
  name: 'Salesforce',
  version: '0.1.0',
  contractVersion: CONTRACT_VERSION,
  description: 'Salesforce CRM over the REST API: the primary CRM whose Account records are the canonical accounts.',
  settings: settingsSchema,
  secrets: secretsSchema,

  async check({ settings, secrets, ctx }) {
    const client = createSalesforceClient(settings, secrets, ctx);
    const account = await client.describe('Account');
    const instanceUrl = client.instanceUrl ?? '';
    const customFields = account.fields.filter((f) => f.custom).length;
    return {
      summary: `Connected to ${new URL(instanceUrl).host}: Account has ${account.fields.length} fields (${customFields} custom)`,
      details: { instanceUrl, accountFields: account.fields.length, customFields, apiUsage: client.apiUsage ?? null },
    };
  },

  async discover({ settings, secrets, ctx, options }) {
    const client = createSalesforceClient(settings, secrets, ctx);
    if (options?.objects && options.objects.length > 0) {
      const described: DiscoveredObject[] = [];
      for (const name of options.objects) {
        const object = await client.describe(name);
        described.push({
          name: object.name,
          label: object.label,
          kind: object.custom ? 'CUSTOM' : 'STANDARD',
          fields: object.fields.map(toDiscoveredField),
        });
      }
      return described;
    }
    const all = await client.describeGlobal();
    return all
      .filter((o) => o.queryable && !AUXILIARY.test(o.name))
      .sort((a, b) => Number(b.name === 'Account') - Number(a.name === 'Account'))
      .map((o) => ({ name: o.name, label: o.label, kind: o.custom ? 'CUSTOM' : 'STANDARD' }));
  },

  streams,
  writers,

  rateLimit: {
    buckets: {
      // No window of ours: Salesforce has no per-minute cap on REST calls, and the daily budget is the org's
      // (a rolling 24 h: 15,000 on developer orgs, more on paid editions), spent by its other integrations
      // too. Only Salesforce knows how much is left, and says so in every answer (Sforce-Limit-Info), which
      // the client reports to the host (`ctx.reportUsage`); `usageBudget` below says how to spend it.
      api: [],
    },
    defaultBucket: 'api',
    usageBudget: (settings: SalesforceSettings) => ({
      // Connections saved before these settings existed have none: the defaults apply.
      slowAt: (settings.dailyApiSlowdownPercent ?? DEFAULT_SLOWDOWN_PERCENT) / 100,
      stopAt: (settings.dailyApiStopPercent ?? DEFAULT_STOP_PERCENT) / 100,
      // The window is rolling: calls come back gradually, and only a call's answer says how many.
      probeAfterMs: HOUR,
    }),
    key(settings: SalesforceSettings) {
      let login = settings.loginUrl;
      try {
        login = normalizeBaseUrl(settings.loginUrl, { allowHttp: true }).replace(/^https?:\/\//, '');
      } catch {
        /* an unreadable URL still names a budget; check reports the URL itself */
      }
      return `${login}:${settings.clientId}`;
    },
  },
});
