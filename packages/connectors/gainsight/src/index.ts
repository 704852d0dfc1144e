import {
  CONTRACT_VERSION,
  DAY,
  type DiscoveredField,
  type DiscoveredObject,
  defineConnector,
  defineDestination,
  type FieldType,
  HOUR,
  MINUTE,
} from '@synchub/core';
import { createGainsightClient, type GainsightFieldInfo } from './client.js';
import { companyCacheOf, deliverToGainsight } from './destination/deliver.js';
import { createGainsightMapping, mappingFor } from './destination/mapping.js';
import { gainsightDestinationSchema } from './destination/settings.js';
import { type GainsightSecrets, type GainsightSettings, secretsSchema, settingsSchema, tenantKey } from './settings.js';
import { streams } from './streams.js';
import { writers } from './writers.js';

const FIELD_TYPES: Record<string, FieldType> = {
  STRING: 'string',
  RICHTEXTAREA: 'string',
  GSID: 'id',
  LOOKUP: 'id',
  SFDCID: 'id',
  DATETIME: 'datetime',
  DATE: 'date',
  EMAIL: 'email',
  URL: 'url',
  NUMBER: 'number',
  PERCENTAGE: 'number',
  CURRENCY: 'number',
  BOOLEAN: 'boolean',
  PICKLIST: 'picklist',
  MULTISELECTDROPDOWNLIST: 'picklist',
  JSON: 'json',
};

/** Gainsight data type → core field type; unknown vendor types read as strings. */
export function fieldTypeOf(dataType: string): FieldType {
  return FIELD_TYPES[dataType.toUpperCase()] ?? 'string';
}

function toField(field: GainsightFieldInfo): DiscoveredField {
  return {
    name: field.fieldName,
    label: field.label,
    type: fieldTypeOf(field.dataType),
    vendorType: field.dataType,
    custom: field.fieldName.endsWith('__gc'),
    createable: field.meta?.createable,
    updateable: field.meta?.updateable,
    required: field.meta?.required,
  };
}

const gainsight = defineConnector({
  id: 'gainsight',
  name: 'Gainsight CS',
  version: '0.1.0',
  contractVersion: CONTRACT_VERSION,
  description: 'Gainsight CS (NXT): objects, people, companies and the Events Framework.',
  settings: settingsSchema,
  secrets: secretsSchema,

  async check({ settings, secrets, ctx }) {
    const client = createGainsightClient({ settings, secrets, ctx });
    const objects = await client.listObjects();
    const count = (type: string) => objects.filter((o) => o.objectType?.toUpperCase() === type).length;
    return {
      summary: `Connected to ${client.host}: ${objects.length} object${objects.length === 1 ? '' : 's'} discovered`,
      details: {
        objects: objects.length,
        standard: count('STANDARD'),
        custom: count('CUSTOM'),
        system: count('SYSTEM'),
      },
    };
  },

  async discover({ settings, secrets, ctx, options }) {
    const client = createGainsightClient({ settings, secrets, ctx });
    if (!options?.objects) {
      const objects = await client.listObjects();
      return objects.map((o): DiscoveredObject => ({ name: o.objectName, label: o.label, kind: o.objectType }));
    }
    // One describe per object, in turn: each spends the sync budget.
    const described: DiscoveredObject[] = [];
    for (const name of options.objects) {
      const o = await client.describe(name);
      described.push({ name: o.objectName, label: o.label, kind: o.objectType, fields: o.fields.map(toField) });
    }
    return described;
  },

  streams,
  writers,

  rateLimit: {
    buckets: {
      sync: [
        { limit: 100, windowMs: MINUTE, label: 'minute' },
        { limit: 50_000, windowMs: DAY, label: 'day' },
      ],
      bulk: [
        { limit: 10, windowMs: HOUR, label: 'hour' },
        { limit: 100, windowMs: DAY, label: 'day' },
      ],
    },
    defaultBucket: 'sync',
    key: tenantKey,
  },

  /**
   * The Gainsight event destination (RudderStack's, with fewer calls): identify → Person upsert, group →
   * Company upsert by Name plus the person's association, track → Events Framework publish. It needs
   * `deliver`, not `map`: a group is a company lookup, then a company write, then a person write carrying
   * the company's Gsid, in that order.
   */
  destination: defineDestination<typeof gainsightDestinationSchema, GainsightSettings, GainsightSecrets>({
    title: 'Gainsight CS',
    description:
      'identify → Person upsert (by email); group → Company upsert (by Name) with the person associated; track → Events Framework publish.',
    settings: gainsightDestinationSchema,
    // page, screen and alias fail at the host with a reason the dashboard shows, as RudderStack's does.
    messageTypes: ['identify', 'group', 'track'],
    merge: true,
    defaultFlushWindowMs: 2000,
    entityKeys: (message, { settings, connectionSettings }) =>
      mappingFor(settings, connectionSettings).entityKeys(message),
    async deliver({ events, settings, target, state, users, onOutcome, sending }) {
      // Built per window: a mapping that cannot be built throws ConnectorError 'config', and the host
      // keeps the window queued with that reason on each event.
      const mapping = createGainsightMapping(settings, {
        tenantId: target.settings.tenantId,
        sharedSecret: target.secrets.sharedSecret,
      });
      const cache = companyCacheOf(state);
      const gainsightTarget = { ...target, topicName: settings.topicName };
      return deliverToGainsight(events, mapping, gainsightTarget, cache, { onOutcome, sending, users });
    },
  }),
});

export default gainsight;
export { createGainsightClient, gainsightError, toEpochMs } from './client.js';
export type {
  GainsightClient,
  GainsightCondition,
  GainsightEventHeaders,
  GainsightFieldInfo,
  GainsightObjectDescription,
  GainsightObjectInfo,
  GainsightOperator,
  GainsightPicklistOption,
  GainsightQuery,
  GainsightWriteData,
} from './client.js';
export { secretsSchema, settingsSchema, type GainsightSecrets, type GainsightSettings } from './settings.js';
export { defaultCursorField, recordsOptionsSchema, type RecordsOptions } from './streams.js';
export { clearPicklistCache, createPicklists, type ObjectPicklists, type Picklists } from './picklists.js';
export {
  CompanyCache,
  companyCacheOf,
  deliverToGainsight,
  type GainsightTarget,
} from './destination/deliver.js';
export {
  createGainsightMapping,
  GROUP_EMAIL_REQUIRED,
  type GainsightMapping,
  type KnownUser,
  type MappedCall,
} from './destination/mapping.js';
export { gainsightDestinationSchema, type GainsightDestinationSettings } from './destination/settings.js';
export { companyUpdateOptionsSchema, eventPublishOptionsSchema, objectInsertOptionsSchema } from './writers.js';
