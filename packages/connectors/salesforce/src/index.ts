import {
  CONTRACT_VERSION,
  DAY,
  type DiscoveredField,
  type DiscoveredObject,
  defineConnector,
  type FieldType,
  MINUTE,
  normalizeBaseUrl,
} from '@synchub/core';
import { createSalesforceClient, type SalesforceField } from './client.js';
import { type SalesforceSettings, secretsSchema, settingsSchema } from './settings.js';
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
      // The org's rolling 24 h budget (15,000 on developer orgs; paid editions have more, and other
      // integrations share it), plus a per-minute cap so one burst cannot spend the day in minutes.
      api: [
        { limit: 15_000, windowMs: DAY, label: 'day' },
        { limit: 100, windowMs: MINUTE, label: 'minute' },
      ],
    },
    defaultBucket: 'api',
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
