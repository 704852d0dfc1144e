/**
 * Schemas of the hub's JSON answers, for /api/openapi.json (the dashboard's types are generated from it).
 * Named ones become `components.schemas`. They describe; the routes do not validate their answers.
 */
import { z } from '@hono/zod-openapi';

const anyObject = z.record(z.string(), z.unknown());
/** A named schema or null: `.nullable()` on a named schema loses the null in the generated $ref. */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
/** A JSON Schema node as `z.toJSONSchema(…, { io: 'input' })` emits it: the keywords the dashboard's forms read. */
export interface JsonSchemaNode {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
  examples?: unknown[];
}
export const JsonSchema: z.ZodType<JsonSchemaNode> = z
  .lazy(() =>
    // Not `looseObject`: other keywords are allowed all the same, and the generated type stays without an index.
    z.object({
      type: z.union([z.string(), z.array(z.string())]).optional(),
      title: z.string().optional(),
      description: z.string().optional(),
      default: z.unknown().optional(),
      enum: z.array(z.unknown()).optional(),
      const: z.unknown().optional(),
      format: z.string().optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      minLength: z.number().optional(),
      maxLength: z.number().optional(),
      properties: z.record(z.string(), JsonSchema).optional(),
      required: z.array(z.string()).optional(),
      anyOf: z.array(JsonSchema).optional(),
      oneOf: z.array(JsonSchema).optional(),
      items: JsonSchema.optional(),
      examples: z.array(z.unknown()).optional(),
    }),
  )
  .openapi('JsonSchema', { description: 'A JSON Schema (draft 2020-12) of a settings or options object' });

export const Issue = z.object({ path: z.string(), message: z.string() }).openapi('Issue');
export const ErrorAnswer = z
  .object({
    error: z
      .looseObject({
        code: z.string(),
        message: z.string(),
        issues: z.array(Issue).optional(),
        vendorCode: z.string().optional(),
      })
      .openapi({
        description: 'Some codes add fields (e.g. `usedBy` with `conflict`, `known` with unknown_connector)',
      }),
  })
  .openapi('Error');

export const ErrorInfo = z
  .object({ code: z.string(), message: z.string(), vendorCode: z.string().optional() })
  .openapi('ErrorInfo');

export const StreamDetail = z
  .object({
    name: z.string(),
    description: z.string().nullable().optional(),
    object: z.string().nullable().optional(),
    optionsSchema: orNull(JsonSchema),
  })
  .openapi('StreamDetail');
export const WriterMode = z.enum(['insert', 'update', 'upsert', 'publish']).openapi('WriterMode');
export const WriterDetail = z
  .object({
    name: z.string(),
    mode: WriterMode,
    batchSize: z.number(),
    description: z.string().nullable().optional(),
    object: z.string().nullable().optional(),
    optionsSchema: orNull(JsonSchema).optional(),
  })
  .openapi('WriterDetail');
export const DestinationInfo = z
  .object({
    title: z.string(),
    description: z.string().nullable().optional(),
    messageTypes: z.array(z.string()),
    merge: z.boolean(),
    settingsSchema: JsonSchema,
  })
  .openapi('DestinationInfo');
export const Connector = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.string(),
    description: z.string().nullable().optional(),
    settingsSchema: JsonSchema,
    secretsSchema: JsonSchema,
    streams: z.array(z.unknown()),
    streamDetails: z.array(StreamDetail).optional(),
    writers: z.array(WriterDetail),
    destination: orNull(DestinationInfo).optional(),
  })
  .openapi('Connector');
export const DestinationKind = z
  .object({
    kind: z.string(),
    connectorId: z.string(),
    title: z.string(),
    description: z.string().nullable().optional(),
    messageTypes: z.array(z.string()),
    merge: z.boolean(),
    settingsSchema: JsonSchema,
  })
  .openapi('DestinationKind');
export const PluginError = z.object({ packageName: z.string().optional(), message: z.string() }).openapi('PluginError');

export const LastCheck = z
  .discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), at: z.string(), summary: z.string(), details: anyObject }),
    z.object({ ok: z.literal(false), at: z.string(), error: ErrorInfo }),
  ])
  .openapi('LastCheck');
export const Connection = z
  .object({
    id: z.string(),
    connectorId: z.string(),
    name: z.string(),
    settings: anyObject,
    secrets: z.record(z.string(), z.string()).openapi({ description: 'Masked: the keys that are set' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastCheck: orNull(LastCheck),
  })
  .openapi('Connection');
export const ValidateAnswer = z
  .object({
    ok: z.boolean(),
    at: z.string(),
    summary: z.string().optional(),
    details: anyObject.optional(),
    error: ErrorInfo.optional(),
  })
  .openapi('ValidateAnswer');
export const ConnectionUse = z
  .looseObject({ type: z.string(), id: z.string(), name: z.string() })
  .openapi('ConnectionUse');

export const Source = z
  .object({
    id: z.string(),
    name: z.string(),
    writeKeyHint: z.string(),
    destinationId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Source');
export const Refusal = z
  .object({
    sourceId: z.string().nullable(),
    code: z.string(),
    status: z.number(),
    reason: z.string(),
    count: z.number(),
    firstAt: z.number(),
    lastAt: z.number(),
  })
  .openapi('Refusal');
export const PublicUrl = z
  .object({ url: z.string(), configured: z.boolean(), loopback: z.boolean() })
  .openapi('PublicUrl');

export const Destination = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    connectionId: z.string(),
    settings: anyObject.openapi({ description: "The kind's settings (see DestinationSettings) with defaults" }),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Destination');

export const EventState = z.enum(['received', 'retrying', 'delivered', 'failed']).openapi('EventState');
export const EventCounts = z
  .object({ received: z.number(), retrying: z.number(), delivered: z.number(), failed: z.number() })
  .openapi('EventCounts');
export const StoredError = z
  .object({
    code: z.string(),
    message: z.string(),
    vendorCode: z.string().optional(),
    status: z.number().optional(),
    body: z.unknown().optional(),
    at: z.number(),
  })
  .openapi('StoredError');
export const EventRow = z
  .object({
    id: z.number(),
    sourceId: z.string(),
    messageId: z.string(),
    type: z.string(),
    state: EventState,
    attempts: z.number(),
    receivedAt: z.number(),
    nextAttemptAt: z.number(),
    deliveredAt: z.number().nullable(),
    destinationId: z.string().nullable(),
    lastError: orNull(StoredError),
    label: z.string(),
  })
  .openapi('EventRow');
export const DeliveryAttempt = z
  .object({
    attempt: z.number(),
    at: z.number(),
    outcome: z.enum(['delivered', 'retry', 'failed']),
    destinationId: z.string().nullable(),
    error: orNull(StoredError),
  })
  .openapi('DeliveryAttempt');
export const EventDetail = EventRow.extend({
  payload: z.unknown(),
  deliveryAttempts: z.array(DeliveryAttempt).optional(),
}).openapi('EventDetail');

export const WindowUsage = z
  .object({
    window: z.object({ limit: z.number(), windowMs: z.number(), label: z.string().optional() }),
    used: z.number(),
    limit: z.number(),
    remaining: z.number(),
    resetsAt: z.number(),
  })
  .openapi('WindowUsage');
export const ReportedUsage = z
  .object({
    used: z.number(),
    limit: z.number(),
    remaining: z.number(),
    windowMs: z.number(),
    reportedAt: z.number(),
    spentSince: z.number(),
    slowLine: z.number(),
    stopLine: z.number(),
    state: z.enum(['normal', 'slowing', 'stopped', 'exhausted']),
    nextCallAt: z.number().nullable(),
  })
  .openapi('ReportedUsage');
export const LimitRow = z
  .object({
    account: z.string(),
    connector: z.string(),
    connections: z.array(z.string()),
    bucket: z.string(),
    usage: z.array(WindowUsage),
    reported: orNull(ReportedUsage).optional(),
  })
  .openapi('LimitRow');
export const BacklogEntry = z
  .object({
    destinationId: z.string().nullable(),
    destinationName: z.string().nullable(),
    enabled: z.boolean(),
    waiting: z.number(),
    retrying: z.number(),
    oldestReceivedAt: z.number().nullable(),
    budget: z
      .object({
        label: z.string(),
        connector: z.string(),
        bucket: z.string(),
        limit: z.number(),
        windowMs: z.number(),
        windowLabel: z.string().nullable(),
        perMinute: z.number(),
      })
      .nullable(),
    perCall: z.object({ events: z.number(), measured: z.boolean(), calls: z.number() }),
    estimate: z
      .object({
        calls: z.number(),
        ms: z.number(),
        limitedBy: z
          .object({
            windowLabel: z.string().nullable(),
            windowMs: z.number(),
            remaining: z.number(),
            resetsAt: z.number(),
          })
          .nullable(),
      })
      .nullable(),
  })
  .openapi('BacklogEntry');

export const PluginPackage = z
  .looseObject({
    packageName: z.string(),
    version: z.string().nullable(),
    pluginId: z.string().nullable(),
    connectors: z.array(z.string()),
    kinds: z.array(z.string()),
    destinations: z.array(z.string()),
    mount: z.string().nullable(),
    pages: z.array(z.object({ id: z.string(), title: z.string() })),
  })
  .openapi('PluginPackage');

export const AuditEntry = anyObject.openapi('AuditEntry');
/** Answers the dashboard does not take apart: any JSON object. */
export const AnyObject = anyObject;
