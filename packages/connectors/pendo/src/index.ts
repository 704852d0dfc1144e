import { CONTRACT_VERSION, type DiscoveredField, defineConnector, type FieldType, MINUTE } from '@synchub/core';
import { createPendoClient, type PendoAccountSchema } from './client.js';
import { limitKey, secretsSchema, settingsSchema } from './settings.js';
import { streams } from './streams.js';
import { writers } from './writers.js';

const FIELD_TYPES: Record<string, FieldType> = {
  string: 'string',
  boolean: 'boolean',
  integer: 'integer',
  float: 'number',
  time: 'datetime',
  list: 'json',
};

/** Account fields by their aggregation path (`metadata.custom.healthscore`); only custom ones are writable. */
function accountFields(schema: PendoAccountSchema): DiscoveredField[] {
  const fields: DiscoveredField[] = [{ name: 'accountId', label: 'Account ID', type: 'id', updateable: false }];
  for (const [group, groupFields] of Object.entries(schema)) {
    for (const [name, field] of Object.entries(groupFields)) {
      if (field.isDeleted) continue;
      fields.push({
        name: `metadata.${group}.${name}`,
        label: field.DisplayName || name,
        type: FIELD_TYPES[field.Type] ?? 'string',
        vendorType: field.Type,
        custom: group === 'custom',
        updateable: group === 'custom',
        createable: false,
      });
    }
  }
  return fields;
}

const pendo = defineConnector({
  id: 'pendo',
  name: 'Pendo',
  version: '0.1.0',
  contractVersion: CONTRACT_VERSION,
  description: 'Pendo product usage (aggregations, account reports) and account metadata.',
  settings: settingsSchema,
  secrets: secretsSchema,

  async check({ settings, secrets, ctx }) {
    const schema = await createPendoClient(settings, secrets, ctx).accountSchema();
    const fields = accountFields(schema).length - 1;
    const custom = Object.values(schema.custom ?? {}).filter((f) => !f.isDeleted).length;
    return {
      summary: `Connected to Pendo (${settings.region}): ${fields} account metadata fields`,
      details: { region: settings.region, fields, custom },
    };
  },

  async discover({ settings, secrets, ctx, options }) {
    if (options?.objects && !options.objects.includes('account')) return [];
    const schema = await createPendoClient(settings, secrets, ctx).accountSchema();
    return [{ name: 'account', label: 'Pendo account', kind: 'STANDARD', fields: accountFields(schema) }];
  },

  streams,
  writers,

  // Pendo publishes no figure and answers bursts with 429: a small steady rate.
  rateLimit: {
    buckets: { api: [{ limit: 60, windowMs: MINUTE, label: 'minute' }] },
    defaultBucket: 'api',
    key: limitKey,
  },
});

export default pendo;
export {
  createPendoClient,
  type PendoAccountSchema,
  type PendoClient,
  type PendoFieldSchema,
  type PendoRow,
  type PendoWriteRow,
  type PendoWriteSummary,
} from './client.js';
export {
  baseUrlOf,
  limitKey,
  PENDO_REGION_HOSTS,
  type PendoRegion,
  type PendoSecrets,
  type PendoSettings,
  secretsSchema,
  settingsSchema,
} from './settings.js';
export { aggregationOptionsSchema, reportOptionsSchema } from './streams.js';
export { ACCOUNT_METADATA_BATCH } from './writers.js';
