import { createMapper, type FieldRule, type TrackingMessage } from '@synchub/core';
import type { GainsightDestinationSettings } from './settings.js';

/** What one ingested call becomes for Gainsight, or why it cannot be sent. */
export type MappedCall =
  | { kind: 'person'; email: string; person: Record<string, unknown> }
  | { kind: 'group'; email: string; companyName: string; company: Record<string, unknown> }
  | {
      kind: 'track';
      eventName: string;
      version: string;
      contractId: string | undefined;
      body: Record<string, unknown>;
    }
  | { kind: 'error'; code: 'mapping' | 'unsupported'; message: string };

const spellings = (camel: string): string[] => {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return [...new Set([camel, camel.toLowerCase(), snake, camel[0]?.toUpperCase() + camel.slice(1)])];
};

/**
 * RudderStack's person map (product document "Gainsight"); name parts in any casing. Types follow the
 * Person fields' Gainsight types (vendor notes): MasterAvatarTypeCode is a NUMBER (RudderStack sends
 * `Number(v)`, SDKs often send "3"), EmailOptOut a BOOLEAN; the rest is text.
 */
export const PERSON_RULES: FieldRule[] = [
  { from: ['email', 'Email'], to: 'Email' },
  { from: ['name', 'Name'], to: 'Name' },
  { from: spellings('firstName'), to: 'FirstName' },
  { from: spellings('middleName'), to: 'MiddleName' },
  { from: spellings('lastName'), to: 'LastName' },
  { from: ['linkedinUrl'], to: 'LinkedinUrl' },
  { from: ['location'], to: 'Location' },
  { from: ['externalRecordId'], to: 'ExternalRecordID__gc' },
  { from: ['emailOptOut'], to: 'EmailOptOut', type: 'boolean' },
  { from: ['dynamicResolutionKey'], to: 'DynamicResolutionKey' },
  { from: ['comments'], to: 'Comments' },
  { from: ['timezone'], to: 'Timezone' },
  // RudderStack reads masterRecordID; masterRecordId is the documented trait.
  { from: ['masterRecordId', 'masterRecordID'], to: 'MasterRecordID' },
  { from: ['masterAvatarTypeCode'], to: 'MasterAvatarTypeCode', type: 'number' },
];

/**
 * RudderStack's company map. `customerLifetimeInMonths` goes to CustomerLifetimeInMonths, the field name
 * the Company API has (RudderStack's page spells it CustomerlifetimeInMonths). Numbers, currencies and
 * dates are coerced to their Gainsight types; picklists (Industry, Stage, Status, CompanyType, ManagedAs,
 * IndustryNew, Tags) stay labels here: the company writers translate them to item GSIDs.
 */
export const COMPANY_RULES: FieldRule[] = [
  { from: ['name'], to: 'Name' },
  { from: ['employees'], to: 'Employees', type: 'number' },
  { from: ['arr'], to: 'Arr', type: 'number' },
  { from: ['billingAddress'], to: 'BillingAddress' },
  { from: ['summary'], to: 'Summary' },
  { from: ['companyType'], to: 'CompanyType' },
  { from: ['csm'], to: 'Csm' },
  { from: ['customerLifetimeInMonths'], to: 'CustomerLifetimeInMonths', type: 'number' },
  { from: ['industry'], to: 'Industry' },
  { from: ['lifecycleInWeeks'], to: 'LifecycleInWeeks', type: 'number' },
  { from: ['managedAs'], to: 'ManagedAs' },
  { from: ['mrr'], to: 'Mrr', type: 'number' },
  { from: ['originalContractDate'], to: 'OriginalContractDate', type: 'date' },
  { from: ['parentCompany'], to: 'ParentCompany' },
  { from: ['renewalDate'], to: 'RenewalDate', type: 'date' },
  { from: ['stage'], to: 'Stage' },
  { from: ['status'], to: 'Status' },
  { from: ['tags'], to: 'Tags' },
  { from: ['tickerSymbol'], to: 'TickerSymbol' },
  { from: ['users'], to: 'Users', type: 'number' },
  { from: ['sfdcAccountId'], to: 'SfdcAccountId' },
  { from: ['industryNew'], to: 'IndustryNew' },
];

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/** What the host knows about the call's user beyond the call itself (see `KnownUsers`). */
export interface KnownUser {
  /** The email the user's latest identify gave. */
  email?: string | undefined;
}

/** Said when a group call's user has no email the destination can use. */
export const GROUP_EMAIL_REQUIRED =
  'user email is required for group: send it as context.traits.email on the group call, or identify this userId with traits.email first (a userId that is an email is used as is)';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The email of a group call's user: the call's own context.traits.email, else the one the user's
 * identify calls gave, else a userId that is an email (RudderStack reads context.traits.email only).
 */
export function groupEmailOf(message: TrackingMessage, known?: KnownUser): string | undefined {
  const userId = str(message.userId);
  return (
    contextEmailOf(message) ?? str(known?.email) ?? (userId !== undefined && EMAIL.test(userId) ? userId : undefined)
  );
}

/** The email a call carries in context.traits. */
export const contextEmailOf = (message: TrackingMessage): string | undefined =>
  str((message.context?.traits as Record<string, unknown> | undefined)?.email);

export interface GainsightMapping {
  /** `known`: what the host knows about the call's user (a group call's email when the call has none). */
  map(message: TrackingMessage, known?: KnownUser): MappedCall;
  /**
   * The entities a call updates, for the host's ordering. A group's is its company, known before its
   * user's email is looked up.
   */
  entityKeys(message: TrackingMessage): string[];
}

/** Built once per destination configuration; mapping a call is then pure and fast. */
export function createGainsightMapping(
  settings: GainsightDestinationSettings,
  connection: { tenantId?: string | undefined; sharedSecret?: string | undefined },
): GainsightMapping {
  const custom = (rows: GainsightDestinationSettings['personFieldMap']): FieldRule[] =>
    rows.map((r) => ({ from: r.trait, to: r.field }));
  // A custom row wins over the default rule that fills the same Gainsight field.
  const withDefaults = (rows: FieldRule[], defaults: FieldRule[]) => {
    const taken = new Set(rows.map((r) => r.to));
    return [...rows, ...defaults.filter((d) => !taken.has(d.to))];
  };
  const person = createMapper({ rules: withDefaults(custom(settings.personFieldMap), PERSON_RULES), unknown: 'drop' });
  const company = createMapper({
    rules: withDefaults(custom(settings.companyFieldMap), COMPANY_RULES),
    unknown: 'drop',
  });
  const versions = new Map(settings.eventVersions.map((row) => [row.event, row]));
  const error = (message: string, code: 'mapping' | 'unsupported' = 'mapping'): MappedCall => ({
    kind: 'error',
    code,
    message,
  });

  const mapping: GainsightMapping = {
    entityKeys(message) {
      if (message.type !== 'group') return entityKeysOf(mapping.map(message));
      const name = str(message.traits?.name);
      return name ? [`company:${name}`] : [];
    },
    map(message, known) {
      switch (message.type) {
        case 'identify': {
          const traits = { ...(message.context?.traits as object | undefined), ...message.traits };
          const mapped = person(traits);
          const email = str(mapped.record.Email);
          if (!email) return error('email is required for identify');
          if (mapped.errors.length > 0) return error(mapped.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
          const record: Record<string, unknown> = { ...mapped.record, Email: email };
          if (record.Name === undefined) {
            const parts = [record.FirstName, record.MiddleName, record.LastName].map(str).filter(Boolean);
            if (parts.length > 0) record.Name = parts.join(' ');
          }
          return { kind: 'person', email, person: record };
        }
        case 'group': {
          const traits = message.traits ?? {};
          const companyName = str(traits.name);
          if (!companyName) return error('company name is required for group');
          const email = groupEmailOf(message, known);
          if (!email) return error(GROUP_EMAIL_REQUIRED);
          const mapped = company(traits);
          if (mapped.errors.length > 0) return error(mapped.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
          return { kind: 'group', email, companyName, company: { ...mapped.record, Name: companyName } };
        }
        case 'track': {
          if (!connection.sharedSecret) {
            return error(
              'sharedSecret is required for track: set the Events shared secret on the Gainsight connection',
            );
          }
          if (!connection.tenantId)
            return error('tenantId is required for track: set the Tenant ID on the Gainsight connection');
          if (!settings.topicName)
            return error('topicName is required for track: set the Events topic on the destination');
          // Ingest refuses a track without an event name; `?? ''` only satisfies the wider core type.
          const event = message.event ?? '';
          const row = versions.get(event);
          if (!row) return error(`event version mapping not provided for ${event}`);
          const externalIds = Array.isArray(message.context?.externalId)
            ? (message.context.externalId as unknown[])
            : [];
          const fromCall = externalIds.find(
            (x): x is { id: unknown } =>
              typeof x === 'object' && x !== null && (x as { type?: unknown }).type === 'gainsightEventContractId',
          );
          return {
            kind: 'track',
            eventName: row.eventName ?? event,
            version: row.version,
            contractId: str(fromCall?.id) ?? settings.contractId,
            body: message.properties ?? {},
          };
        }
        default:
          return error(
            `${message.type} calls are not sent to Gainsight (identify, group and track are)`,
            'unsupported',
          );
      }
    },
  };
  return mapping;
}

/** Keys of the entities a mapped call updates: what the host keeps in order across windows. */
export function entityKeysOf(call: MappedCall): string[] {
  if (call.kind === 'person') return [`person:${call.email.toLowerCase()}`];
  // A group's person write only adds an association (no field the person holds can go stale), so only
  // the company's fields need ordering.
  if (call.kind === 'group') return [`company:${call.companyName}`];
  return [];
}

const cached = new WeakMap<object, GainsightMapping>();

/**
 * The mapping for one settings object, built once (the host asks for the entity keys of every event of
 * a window with the same settings). Without the connection's secrets: it serves identify and group, whose
 * mapping needs none; a track maps to an error here, which names no entity either.
 */
export function mappingFor(
  settings: GainsightDestinationSettings,
  connection: { tenantId?: string | undefined } | undefined,
): GainsightMapping {
  let mapping = cached.get(settings);
  if (!mapping) {
    mapping = createGainsightMapping(settings, { tenantId: connection?.tenantId, sharedSecret: undefined });
    cached.set(settings, mapping);
  }
  return mapping;
}
