import {
  type ConnectorContext,
  ConnectorError,
  type ConnectorErrorCode,
  errorFromAnswer,
  type HttpAnswer,
  httpRequest,
  MINUTE,
} from '@synchub/core';
import { baseUrlOf, type GainsightSecrets, type GainsightSettings } from './settings.js';
import type {
  GainsightEventHeaders,
  GainsightFieldInfo,
  GainsightObjectDescription,
  GainsightObjectInfo,
  GainsightPicklistOption,
  GainsightQuery,
  GainsightWriteData,
} from './types.js';

/** Records per insert/update call and keys per update: the vendor's own ceilings. */
export const MAX_WRITE_RECORDS = 50;
export const MAX_UPDATE_KEYS = 3;
export const MAX_QUERY_LIMIT = 5000;

// The vendor's request and answer shapes live in types.ts (one home for the connector, flows and the simulator).
export type {
  GainsightCondition,
  GainsightEventHeaders,
  GainsightFieldInfo,
  GainsightObjectDescription,
  GainsightObjectInfo,
  GainsightOperator,
  GainsightPicklistOption,
  GainsightQuery,
  GainsightWriteData,
} from './types.js';

export interface GainsightClient {
  readonly baseUrl: string;
  /** Host for messages ("Connected to acme.gainsightcloud.com"). */
  readonly host: string;
  listObjects(): Promise<GainsightObjectInfo[]>;
  describe(object: string): Promise<GainsightObjectDescription>;
  /**
   * "Post Describe OMD" with `populatePickListOptions`: the objects' fields with each picklist's items
   * (label ↔ item GSID). One call for all the objects named.
   */
  describeWithPicklists(objects: string[]): Promise<GainsightObjectDescription[]>;
  /** One page of rows (≤ 5000); a page shorter than `limit` is the last. */
  query(object: string, body: GainsightQuery): Promise<Record<string, unknown>[]>;
  insertCompanies(records: Record<string, unknown>[]): Promise<GainsightWriteData>;
  /** Insert into any writable object (a usage data object `…__gc`, Company…); ≤ 50 per call. */
  insertRecords(object: string, records: Record<string, unknown>[]): Promise<GainsightWriteData>;
  updateCompanies(records: Record<string, unknown>[], keys: string[]): Promise<GainsightWriteData>;
  /** Upsert one flat Person keyed by Email (with `companies: [{Company_ID}]` to associate). */
  upsertPerson(person: Record<string, unknown>): Promise<Record<string, unknown>>;
  publishEvent(headers: GainsightEventHeaders, body: unknown): Promise<{ eventId: string }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const GENERIC_DESC = /^oops, something went wrong/i;

/** What the vendor said, in one line: errorDesc, the events API's `message`, and field-level errors. */
function describeFailure(body: unknown): string | undefined {
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 200) : undefined;
  const parts: string[] = [];
  const desc = typeof body.errorDesc === 'string' ? body.errorDesc.trim() : '';
  const message = typeof body.message === 'string' ? body.message.trim() : '';
  // The events API's errorDesc is a generic "Oops…"; its `message` says what went wrong.
  if (desc && !(message && GENERIC_DESC.test(desc))) parts.push(desc);
  if (message && message !== desc) parts.push(message);
  const data = isRecord(body.data) ? body.data : undefined;
  const fieldMessages = (Array.isArray(data?.errors) ? data.errors : [])
    .flatMap((entry) => (isRecord(entry) && Array.isArray(entry.errors) ? entry.errors : [entry]))
    .map((e) => (isRecord(e) && typeof e.errorMessage === 'string' ? e.errorMessage : undefined))
    .filter((m): m is string => m !== undefined);
  if (fieldMessages.length > 0) {
    const shown = [...new Set(fieldMessages)].slice(0, 3);
    parts.push(shown.join('; ') + (fieldMessages.length > shown.length ? '; …' : ''));
  }
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/**
 * Turn a failed answer (non-2xx, or a 2xx envelope with `result:false`) into a ConnectorError. Status
 * mapping is core's; Gainsight codes only refine it. A 429 carries no Retry-After, so `retryAt` is the
 * roll of the current minute window.
 */
export function gainsightError(answer: HttpAnswer, now: number, context: string): ConnectorError {
  const body = isRecord(answer.body) ? answer.body : undefined;
  const vendorCode = typeof body?.errorCode === 'string' ? body.errorCode : undefined;
  const detail = describeFailure(answer.body) ?? `HTTP ${answer.status}`;
  const message = `${context}: ${detail}${vendorCode ? ` (${vendorCode})` : ''}`;
  let code: ConnectorErrorCode | undefined;
  if (vendorCode === 'OBJECT_NOT_FOUND') code = 'not_found';
  else if (vendorCode === '1001')
    code = 'invalid_request'; // "Event is not registered": no retry fixes it
  else if (answer.status >= 200 && answer.status < 300) code = 'invalid_request';
  const error = errorFromAnswer(answer, now, message, { vendorCode, code });
  if (error.code === 'rate_limited' && error.retryAt === undefined) {
    return new ConnectorError('rate_limited', message, {
      status: answer.status,
      body: answer.body,
      vendorCode,
      retryAt: (Math.floor(now / MINUTE) + 1) * MINUTE,
    });
  }
  return error;
}

interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the access key (everything but the Events Framework). */
  accessKey?: boolean;
  context: string;
  /** The call changes data at Gainsight: a dry run records it and answers `dryRunAnswer` instead. */
  write?: boolean;
  dryRunAnswer?: unknown;
}

/** What a dry run answers an insert or update: Gainsight's success envelope, one placeholder Gsid per record. */
const dryRunWriteAnswer = (count: number) => ({
  result: true,
  data: { count, records: Array.from({ length: count }, (_, i) => ({ Gsid: `dry-run-${i + 1}` })) },
});

export function createGainsightClient(args: {
  settings: GainsightSettings;
  secrets: GainsightSecrets;
  ctx: ConnectorContext;
}): GainsightClient {
  const { settings, secrets, ctx } = args;
  const baseUrl = baseUrlOf(settings);
  const host = new URL(baseUrl).host;

  /** One sync call: spend the limiter, send, unwrap the envelope. Returns the full JSON body. */
  async function call(method: string, path: string, options: CallOptions): Promise<Record<string, unknown>> {
    const recorded = options.write === true && ctx.dryRun !== undefined;
    // A write a dry run only records costs no call: it must not spend the vendor's budget either.
    if (!recorded) await ctx.acquire?.('sync');
    const headers: Record<string, string> = { ...options.headers };
    if (options.accessKey !== false) headers.Accesskey = secrets.accessKey;
    const answer = await httpRequest(ctx, {
      method,
      url: `${baseUrl}${path}`,
      headers,
      body: options.body,
      write: options.write,
      dryRunAnswer: options.dryRunAnswer,
    });
    const ok = answer.status >= 200 && answer.status < 300;
    if (!ok || (isRecord(answer.body) && answer.body.result === false)) {
      const context =
        answer.status === 401
          ? options.accessKey === false
            ? `Gainsight rejected the events shared secret or tenant id (${options.context})`
            : `Gainsight rejected the access key (${options.context})`
          : options.context;
      throw gainsightError(answer, ctx.now(), context);
    }
    if (!isRecord(answer.body)) {
      throw new ConnectorError('unexpected', `${options.context}: Gainsight answered something that is not JSON`, {
        status: answer.status,
        body: answer.body,
      });
    }
    return answer.body;
  }

  const writeData = (body: Record<string, unknown>): GainsightWriteData => {
    const data = isRecord(body.data) ? body.data : {};
    const records = Array.isArray(data.records) ? data.records : [];
    return {
      count: typeof data.count === 'number' ? data.count : records.length,
      records: records.map((r) => ({ Gsid: isRecord(r) && typeof r.Gsid === 'string' ? r.Gsid : '' })),
    };
  };

  const checkBatch = (records: unknown[], what: string) => {
    if (records.length === 0 || records.length > MAX_WRITE_RECORDS) {
      throw new ConnectorError(
        'invalid_request',
        `${what}: Gainsight takes 1 to ${MAX_WRITE_RECORDS} records per call, got ${records.length}`,
      );
    }
  };

  return {
    baseUrl,
    host,

    async listObjects() {
      const body = await call('GET', '/v1/meta/services/objects/list?po=company&em=false', {
        context: 'Listing Gainsight objects',
      });
      const data = Array.isArray(body.data) ? body.data : [];
      return data.filter((o): o is GainsightObjectInfo => isRecord(o) && typeof o.objectName === 'string');
    },

    async describe(object) {
      const context = `Describing Gainsight object ${object}`;
      const body = await call('GET', `/v1/meta/services/objects/${encodeURIComponent(object)}/describe?idd=true`, {
        context,
      });
      const entry = Array.isArray(body.data) ? body.data[0] : body.data;
      if (!isRecord(entry) || typeof entry.objectName !== 'string') {
        throw new ConnectorError('unexpected', `${context}: the answer holds no object description`, { body });
      }
      const fields = (Array.isArray(entry.fields) ? entry.fields : []).filter(
        (fd): fd is GainsightFieldInfo => isRecord(fd) && typeof fd.fieldName === 'string',
      );
      return { ...(entry as unknown as GainsightObjectInfo), fields };
    },

    async describeWithPicklists(objects) {
      const context = `Describing Gainsight ${objects.join(', ')} with picklist items`;
      // The documented sample's flags; only objectNames changes.
      const body = await call('POST', '/v1/meta/services/objects/describe', {
        context,
        body: {
          objectNames: objects,
          includeChilds: 'false',
          childLevels: '0',
          populatePickListOptions: 'true',
          useCollectionId: 'false',
          removeDeleted: 'false',
          removeHidden: 'false',
          host: 'MDA',
          sortFieldsByLabel: 'false',
          populateFieldId: 'false',
        },
      });
      const entries = Array.isArray(body.data) ? body.data : isRecord(body.data) ? [body.data] : [];
      return entries.filter(isRecord).flatMap((entry): GainsightObjectDescription[] => {
        if (typeof entry.objectName !== 'string') return [];
        const fields = (Array.isArray(entry.fields) ? entry.fields : []).filter(
          (fd): fd is GainsightFieldInfo => isRecord(fd) && typeof fd.fieldName === 'string',
        );
        return [
          {
            ...(entry as unknown as GainsightObjectInfo),
            fields: fields.map((fd) => ({ ...fd, options: picklistOptionsOf(fd.options) })),
          },
        ];
      });
    },

    async query(object, query) {
      if (query.limit !== undefined && query.limit > MAX_QUERY_LIMIT) {
        throw new ConnectorError('invalid_request', `Gainsight pages hold at most ${MAX_QUERY_LIMIT} records`);
      }
      const body = await call('POST', `/v1/data/objects/query/${encodeURIComponent(object)}`, {
        body: query,
        context: `Querying Gainsight ${object}`,
      });
      // Live tenants answer data.records; doc samples show a bare data array.
      const rows = Array.isArray(body.data) ? body.data : isRecord(body.data) ? body.data.records : undefined;
      if (!Array.isArray(rows)) {
        throw new ConnectorError('unexpected', `Querying Gainsight ${object}: the answer holds no records`, { body });
      }
      return rows.filter(isRecord);
    },

    async insertCompanies(records) {
      checkBatch(records, 'Inserting companies');
      const context = 'Inserting Gainsight companies';
      const write = { write: true, dryRunAnswer: dryRunWriteAnswer(records.length) };
      return writeData(await call('POST', '/v1/data/objects/Company', { body: { records }, context, ...write }));
    },

    async insertRecords(object, records) {
      checkBatch(records, `Inserting ${object} records`);
      const context = `Inserting Gainsight ${object} records`;
      const path = `/v1/data/objects/${encodeURIComponent(object)}`;
      const write = { write: true, dryRunAnswer: dryRunWriteAnswer(records.length) };
      return writeData(await call('POST', path, { body: { records }, context, ...write }));
    },

    async updateCompanies(records, keys) {
      checkBatch(records, 'Updating companies');
      if (keys.length === 0 || keys.length > MAX_UPDATE_KEYS) {
        throw new ConnectorError(
          'invalid_request',
          `Gainsight updates take 1 to ${MAX_UPDATE_KEYS} keys, got ${keys.length}`,
        );
      }
      const context = 'Updating Gainsight companies';
      const path = `/v1/data/objects/Company?keys=${keys.map(encodeURIComponent).join(',')}`;
      const write = { write: true, dryRunAnswer: dryRunWriteAnswer(records.length) };
      return writeData(await call('PUT', path, { body: { records }, context, ...write }));
    },

    async upsertPerson(person) {
      if (typeof person.Email !== 'string' || person.Email.trim() === '') {
        throw new ConnectorError('invalid_request', 'A Gainsight person needs an Email (it is the upsert key)');
      }
      const body = await call('PUT', '/v1.0/api/people', {
        body: person,
        context: 'Upserting a Gainsight person',
        write: true,
        dryRunAnswer: { result: true, data: { ...person, Gsid: 'dry-run-1' } },
      });
      return isRecord(body.data) ? body.data : {};
    },

    async publishEvent(headers, payload) {
      const tenantId = headers.tenantId ?? settings.tenantId;
      if (!secrets.sharedSecret || !tenantId) {
        throw new ConnectorError(
          'config',
          'Publishing Gainsight events needs the events shared secret (secrets) and the tenant id (settings)',
        );
      }
      const sent: Record<string, string> = {
        eventName: headers.eventName,
        eventVersion: headers.eventVersion,
        sharedSecret: secrets.sharedSecret,
        tenantId,
      };
      if (headers.topicName) sent.topicName = headers.topicName;
      if (headers.contractId) sent.contractId = headers.contractId;
      const body = await call('POST', '/v1.0/api/eventManager/event', {
        body: payload ?? {},
        headers: sent,
        accessKey: false,
        context: `Publishing Gainsight event ${headers.eventName} ${headers.eventVersion}`,
        write: true,
        dryRunAnswer: { result: true, data: { eventId: 'dry-run-1' } },
      });
      const eventId = isRecord(body.data) ? body.data.eventId : undefined;
      if (typeof eventId !== 'string') {
        throw new ConnectorError('unexpected', 'Gainsight accepted the event but answered no eventId', { body });
      }
      return { eventId };
    },
  };
}

/** The well-formed items of a describe's `options` (undefined when it lists none). */
function picklistOptionsOf(options: unknown): GainsightPicklistOption[] | undefined {
  if (!Array.isArray(options)) return undefined;
  return options.flatMap((o): GainsightPicklistOption[] =>
    isRecord(o) && typeof o.value === 'string' && o.value !== ''
      ? [
          {
            value: o.value,
            label: typeof o.label === 'string' ? o.label : o.value,
            active: typeof o.active === 'boolean' ? o.active : undefined,
            defaultValue: typeof o.defaultValue === 'boolean' ? o.defaultValue : undefined,
            displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : undefined,
          },
        ]
      : [],
  );
}

/** Gainsight dates come as ISO-8601 strings (live tenants) or epoch ms (doc samples); both → epoch ms. */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^-?\d+$/.test(value.trim())) return Number(value.trim());
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
