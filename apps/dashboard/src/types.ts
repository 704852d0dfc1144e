// Shapes of the hub's JSON API, as the dashboard reads them: named from the types generated from the hub's
// /api/openapi.json (api-schema.gen.ts), never written out by hand. What is left here is the dashboard's own.
import type { Body, Query, Schemas } from './api-client.js';

/** A JSON Schema node as `z.toJSONSchema(schema, { io: 'input' })` emits it (what the forms read). */
export type JsonSchema = Schemas['JsonSchema'];

/** One stream of a connector, as `GET /api/connectors/:id` describes it. */
export type StreamDetail = Schemas['StreamDetail'];
export type WriterMode = Schemas['WriterMode'];
/** One writer of a connector: how it writes (mode), how many records per vendor call, its options. */
export type WriterDetail = Schemas['WriterDetail'];
/** The event destination a connector offers (its kind is the connector's id). */
export type DestinationInfo = Schemas['DestinationInfo'];
export type Connector = Schemas['Connector'];
/** `GET /api/destinations/kinds`: one per connector that offers an event destination. */
export type DestinationKind = Schemas['DestinationKind'];
/** A connector package the hub found but could not load. */
export type PluginError = Schemas['PluginError'];
export type ErrorInfo = Schemas['ErrorInfo'];
export type Connection = Schemas['Connection'];
export type LastCheck = NonNullable<Connection['lastCheck']>;
export type ValidateAnswer = Schemas['ValidateAnswer'];
export type Issue = Schemas['Issue'];
export type ConnectionInput = Body<'/api/connections', 'post'>;

// Events → Gainsight: sources (write keys), destinations, the event outbox and vendor budgets.

export type Source = Schemas['Source'];

/** The Gainsight destination's settings as the hub stores them (defaults filled in). */
export type GainsightDestinationSettings = Schemas['DestinationSettings.gainsight'];
export type FieldMapRow = GainsightDestinationSettings['personFieldMap'][number];
export type EventVersionRow = GainsightDestinationSettings['eventVersions'][number];

/** A destination; `settings` are its kind's (see `DestinationSettings` in the document) with the host's. */
export type Destination = Omit<Schemas['Destination'], 'settings'> & { settings: Record<string, unknown> };

/** A destination of kind `gainsight`, whose settings the hub stores with defaults filled in. */
export type GainsightDestination = Destination & { settings: GainsightDestinationSettings };

export const isGainsightDestination = (d: Destination): d is GainsightDestination => d.kind === 'gainsight';

/** What the dashboard's destination form sends (the API's create body, every field set). */
export interface DestinationInput {
  name: string;
  kind: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
}

export type EventState = Schemas['EventState'];
export type EventCounts = Schemas['EventCounts'];
export type StoredError = Schemas['StoredError'];
export type EventRow = Schemas['EventRow'];
/** One delivery attempt of an event (the hub keeps the newest 50 of each). */
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type EventDetail = Schemas['EventDetail'];

/** A state filter: one state, or `waiting` (not delivered yet: received or retrying). */
export type EventStateFilter = NonNullable<EventQuery['state']>;
export type EventQuery = Partial<NonNullable<Query<'/api/events', 'get'>>>;
export type ReplaySelector = Body<'/api/events/replay', 'post'>;

export type WindowUsage = Schemas['WindowUsage'];
/**
 * A budget the vendor counts and reports (Salesforce's org-wide daily API calls, spent by every integration
 * of the org), as last reported.
 */
export type ReportedUsage = Schemas['ReportedUsage'];
/** One vendor account's bucket (e.g. Gainsight tenant × "sync"), as `GET /api/limits` lists it. */
export type LimitRow = Schemas['LimitRow'];
/** `GET /api/backlog` (and `backlog` in `GET /api/overview`): what waits for delivery, per destination. */
export type BacklogEntry = Schemas['BacklogEntry'];
/** `GET /api/settings`: where others reach the hub (SYNCHUB_PUBLIC_URL, else the address it listens on). */
export type PublicUrl = Schemas['PublicUrl'];
/** `GET /api/sources/refusals`: requests ingest refused, per source (null: no source) and reason. */
export type Refusal = Schemas['Refusal'];
