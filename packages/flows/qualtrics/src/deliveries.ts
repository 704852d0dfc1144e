import type { QualtricsDb, TriggerDeliveriesTable, TriggerDeliveryState } from './schema.js';

export type DeliveryOrigin = TriggerDeliveriesTable['origin'];
export const DELIVERY_STATES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export const DELIVERY_ORIGINS = ['webhook', 'event', 'test'] as const;

/** What went wrong on the last attempt; `body` is the vendor's answer, kept as it came. */
export interface DeliveryError {
  code: string;
  message: string;
  status?: number | undefined;
  vendorCode?: string | undefined;
  body?: unknown;
  at: number;
}

export interface DeliveryView {
  id: number;
  triggerId: string;
  origin: DeliveryOrigin;
  /** The hub event id for origin 'event'. */
  originRef: string | null;
  state: TriggerDeliveryState;
  statusCode: number | null;
  eventId: string | null;
  requestId: string | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: DeliveryError | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  /** The start of the JSON sent, for lists; the detail view has the whole payload. */
  payloadPreview: string;
}

export interface DeliveryFilter {
  triggerId?: string | undefined;
  state?: TriggerDeliveryState | undefined;
  origin?: DeliveryOrigin | undefined;
  /** Page backwards: ids below this one. */
  before?: number | undefined;
  limit?: number | undefined;
}

type Row = Omit<TriggerDeliveriesTable, 'id'> & { id: number };

export const deliveryView = (r: Row): DeliveryView => ({
  id: r.id,
  triggerId: r.trigger_id,
  origin: r.origin,
  originRef: r.origin_ref,
  state: r.state,
  statusCode: r.status_code,
  eventId: r.event_id,
  requestId: r.request_id,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error_json ? JSON.parse(r.last_error_json) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deliveredAt: r.delivered_at,
  payloadPreview: r.payload_json.length > 300 ? `${r.payload_json.slice(0, 300)}…` : r.payload_json,
});

/** The trigger_deliveries table: every call a trigger made or will make, with Qualtrics' answer. */
export function createDeliveryStore(db: QualtricsDb, now: () => number) {
  return {
    /** Stored (committed) before anyone hears "accepted". */
    async enqueue(triggerId: string, origin: DeliveryOrigin, payload: Record<string, unknown>): Promise<number> {
      const t = now();
      const inserted = await db
        .insertInto('trigger_deliveries')
        .values({
          trigger_id: triggerId,
          origin,
          origin_ref: null,
          payload_json: JSON.stringify(payload),
          state: 'pending',
          attempts: 0,
          next_attempt_at: 0,
          created_at: t,
          updated_at: t,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return inserted.id;
    },

    async due(limit: number): Promise<Row[]> {
      return (await db
        .selectFrom('trigger_deliveries')
        .selectAll()
        .where('state', 'in', ['pending', 'retrying'])
        .where('next_attempt_at', '<=', now())
        .where('origin', '!=', 'test')
        // A disabled trigger holds its queue until it is enabled again.
        .where('trigger_id', 'in', db.selectFrom('workflow_triggers').select('id').where('enabled', '=', 1))
        .orderBy('id')
        .limit(limit)
        .execute()) as Row[];
    },

    /** When the next retry is due (undefined: nothing waits). */
    async nextDueAt(): Promise<number | undefined> {
      const r = await db
        .selectFrom('trigger_deliveries')
        .select((eb) => eb.fn.min('next_attempt_at').as('at'))
        .where('state', 'in', ['pending', 'retrying'])
        .where('origin', '!=', 'test')
        .where('trigger_id', 'in', db.selectFrom('workflow_triggers').select('id').where('enabled', '=', 1))
        .executeTakeFirst();
      return r?.at == null ? undefined : Number(r.at);
    },

    async markDelivered(
      id: number,
      answer: { status: number | null; eventId: string | null; requestId: string | null },
    ) {
      const t = now();
      await db
        .updateTable('trigger_deliveries')
        .set((eb) => ({
          state: 'delivered',
          attempts: eb('attempts', '+', 1),
          status_code: answer.status,
          event_id: answer.eventId,
          request_id: answer.requestId,
          last_error_json: null,
          delivered_at: t,
          updated_at: t,
        }))
        .where('id', '=', id)
        .execute();
    },

    /** Never on a delivered row: once Qualtrics accepted a call, its workflow has run and it stays delivered. */
    async markUndelivered(id: number, state: 'retrying' | 'failed', error: DeliveryError, nextAttemptAt = 0) {
      await db
        .updateTable('trigger_deliveries')
        .set((eb) => ({
          state,
          attempts: eb('attempts', '+', 1),
          status_code: error.status ?? null,
          next_attempt_at: nextAttemptAt,
          last_error_json: JSON.stringify(error),
          updated_at: now(),
        }))
        .where('id', '=', id)
        .where('state', '!=', 'delivered')
        .execute();
    },

    async failInterruptedTests(): Promise<number> {
      const error: DeliveryError = {
        code: 'interrupted',
        message: 'The hub stopped before Qualtrics answered',
        at: now(),
      };
      const result = await db
        .updateTable('trigger_deliveries')
        .set({ state: 'failed', last_error_json: JSON.stringify(error), updated_at: now() })
        .where('origin', '=', 'test')
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async list(filter: DeliveryFilter = {}): Promise<DeliveryView[]> {
      let q = db.selectFrom('trigger_deliveries').selectAll();
      if (filter.triggerId) q = q.where('trigger_id', '=', filter.triggerId);
      if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.origin) q = q.where('origin', '=', filter.origin);
      if (filter.before) q = q.where('id', '<', filter.before);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(Math.min(filter.limit ?? 50, 500))
        .execute();
      return rows.map((r) => deliveryView(r as Row));
    },

    async get(id: number): Promise<(DeliveryView & { payload: unknown }) | undefined> {
      const r = await db.selectFrom('trigger_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { ...deliveryView(r as Row), payload: JSON.parse(r.payload_json) } : undefined;
    },

    async payloadOf(id: number): Promise<Record<string, unknown>> {
      const r = await db
        .selectFrom('trigger_deliveries')
        .select('payload_json')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return JSON.parse(r.payload_json);
    },

    async counts(triggerId?: string): Promise<Record<TriggerDeliveryState, number>> {
      let q = db
        .selectFrom('trigger_deliveries')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('state');
      if (triggerId) q = q.where('trigger_id', '=', triggerId);
      const out: Record<TriggerDeliveryState, number> = { pending: 0, retrying: 0, delivered: 0, failed: 0 };
      for (const r of await q.execute()) out[r.state] = Number(r.n);
      return out;
    },

    /**
     * Failed deliveries a replay may send again: one by id, or every failed one (of a trigger). Never a
     * test, and never one Qualtrics answered with a 2xx (kept as failed by older versions that could not
     * read the answer): that workflow has already run.
     */
    async replayable(selector: { id?: number | undefined; triggerId?: string | undefined }) {
      let q = db
        .selectFrom('trigger_deliveries')
        .select(['id', 'trigger_id', 'origin', 'origin_ref'])
        .where('state', '=', 'failed')
        .where('origin', '!=', 'test')
        .where((eb) =>
          eb.or([eb('status_code', 'is', null), eb('status_code', '<', 200), eb('status_code', '>=', 300)]),
        );
      if (selector.id !== undefined) q = q.where('id', '=', selector.id);
      if (selector.triggerId) q = q.where('trigger_id', '=', selector.triggerId);
      return q.orderBy('id').execute();
    },

    /** Back in the queue, attempts reset, with a rebuilt payload when one is given. Only from `failed`. */
    async requeue(id: number, payload?: Record<string, unknown>): Promise<boolean> {
      const result = await db
        .updateTable('trigger_deliveries')
        .set({
          state: 'pending',
          attempts: 0,
          next_attempt_at: 0,
          updated_at: now(),
          ...(payload ? { payload_json: JSON.stringify(payload) } : {}),
        })
        .where('id', '=', id)
        .where('state', '=', 'failed')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Still failed, for a new reason (a replayed event that still has nothing to send). */
    async refail(id: number, error: DeliveryError, payload: Record<string, unknown>) {
      await db
        .updateTable('trigger_deliveries')
        .set({ last_error_json: JSON.stringify(error), payload_json: JSON.stringify(payload), updated_at: now() })
        .where('id', '=', id)
        .where('state', '=', 'failed')
        .execute();
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
