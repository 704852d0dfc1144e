import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Leases: several hubs on one PostgreSQL share out work that must be done by one process at a time
 * (delivery to a destination keeps per-person merging and order; alerts notify once). The holder of a
 * lease is the row `leases(name)`: its owner, an epoch that grows on every takeover, and when it expires.
 * Every time here is the database's clock, never this process's: the hubs' clocks may disagree, the
 * database's is the one they all read.
 *
 * A lease alone does not stop a paused process (SIGSTOP, a long GC, a frozen VM) that wakes up believing it
 * still holds one: its writes are fenced instead. A fenced write checks, in its own transaction and with
 * the row locked against a takeover (`checkFence`), that (owner, epoch) still holds the lease; if not,
 * nothing is written (`LeaseLostError`).
 */

/** Who holds a lease: enough to fence a write (the epoch changes on every takeover). */
export interface Fence {
  name: string;
  owner: string;
  epoch: number;
}

export interface Lease extends Fence {
  /** Milliseconds since 1970 on the database's clock. */
  expiresAt: number;
}

/** Now on the database's clock, in milliseconds (clock_timestamp: the time of this call, not the transaction's). */
export const DB_NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** The default lease time (SYNCHUB_LEASE_TTL_MS): a dead holder's work is taken over this long after its last renewal. */
export const DEFAULT_LEASE_TTL_MS = 15_000;

/** A new owner id for this process start: host, pid and random (a restarted process with the same pid is another owner). */
export function createOwnerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * A fenced write found its lease held by someone else, expired, or gone: nothing was written. Recognised by
 * `name` (isLeaseLost), not instanceof.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly fence: Fence) {
    super(`Lease ${fence.name} (epoch ${fence.epoch}) is no longer held by ${fence.owner}`);
  }
}

export function isLeaseLost(error: unknown): error is LeaseLostError {
  return (error as { name?: unknown } | null)?.name === 'LeaseLostError';
}

/** A SQL condition, true while `fence` holds its lease on the database's clock; for use inside a statement. */
export function fenceHolds(fence: Fence): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM leases WHERE name = ${fence.name} AND owner = ${fence.owner}
    AND epoch = ${fence.epoch} AND expires_at > ${DB_NOW})`;
}

/**
 * Inside a transaction: fail with LeaseLostError unless `fence` holds its lease, and keep its row locked
 * (FOR SHARE) until the transaction ends. A takeover (`acquire` updates the row) waits for that, so the
 * writes that follow the check commit before any new holder starts, or not at all.
 */
export async function checkFence(trx: Kysely<Database>, fence: Fence): Promise<void> {
  const { rows } = await sql`SELECT 1 FROM leases WHERE name = ${fence.name} AND owner = ${fence.owner}
    AND epoch = ${fence.epoch} AND expires_at > ${DB_NOW} FOR SHARE`.execute(trx);
  if (rows.length === 0) throw new LeaseLostError(fence);
}

/** Runs `work` in one transaction that first checks `fence` (checkFence): all of it is written, or nothing. */
export function fenced<T>(db: Kysely<Database>, fence: Fence, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await checkFence(trx, fence);
    return work(trx);
  });
}

/**
 * The fence of the work running now (a delivery cycle runs inside `fenceContext.run(fence, …)`), for code
 * several calls away that must check it in its own statement (the limiter's reservation).
 */
export const fenceContext = new AsyncLocalStorage<Fence>();
export const currentFence = (): Fence | undefined => fenceContext.getStore();

export interface LeaseOptions {
  /** This process's owner id (default: createOwnerId()). */
  owner?: string;
  /** How long a lease lasts after each acquire or renew (ms, default DEFAULT_LEASE_TTL_MS). */
  ttlMs?: number;
}

export interface LeaseManager {
  readonly owner: string;
  readonly ttlMs: number;
  /** Take `name` if it is free, expired or already ours; each success is a new epoch. Undefined: someone else holds it. */
  acquire(name: string): Promise<Lease | undefined>;
  /** Extend a lease still held by `fence`; undefined when it is not (taken over, expired, or released). */
  renew(fence: Fence): Promise<Lease | undefined>;
  /** Expire a lease `fence` holds at once, so another process takes it over without waiting (a clean stop). */
  release(fence: Fence): Promise<void>;
  /** Who holds `name` now, if anyone (an expired row is nobody). */
  holder(name: string): Promise<Lease | undefined>;
}

interface LeaseRow {
  name: string;
  owner: string;
  epoch: number;
  expires_at: number;
}

const leaseOf = (row: LeaseRow | undefined): Lease | undefined =>
  row && { name: row.name, owner: row.owner, epoch: Number(row.epoch), expiresAt: Number(row.expires_at) };

export function createLeaseManager(db: Kysely<Database>, options: LeaseOptions = {}): LeaseManager {
  const owner = options.owner ?? createOwnerId();
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  return {
    owner,
    ttlMs,
    async acquire(name) {
      // One guarded statement: a row held by another owner and not expired is left alone (no row returned).
      // The epoch grows on every success, ours included: writes of an earlier holding in this process (a lane
      // stopped when a renewal failed) are refused too.
      const { rows } = await sql<LeaseRow>`
        INSERT INTO leases (name, owner, epoch, expires_at) VALUES (${name}, ${owner}, 1, ${DB_NOW} + ${ttlMs})
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, epoch = leases.epoch + 1,
          expires_at = excluded.expires_at
        WHERE leases.expires_at <= ${DB_NOW} OR leases.owner = excluded.owner
        RETURNING name, owner, epoch, expires_at`.execute(db);
      return leaseOf(rows[0]);
    },
    async renew(fence) {
      const { rows } = await sql<LeaseRow>`
        UPDATE leases SET expires_at = ${DB_NOW} + ${ttlMs}
        WHERE name = ${fence.name} AND owner = ${fence.owner} AND epoch = ${fence.epoch} AND expires_at > ${DB_NOW}
        RETURNING name, owner, epoch, expires_at`.execute(db);
      return leaseOf(rows[0]);
    },
    async release(fence) {
      await sql`UPDATE leases SET expires_at = ${DB_NOW} - 1
        WHERE name = ${fence.name} AND owner = ${fence.owner} AND epoch = ${fence.epoch}`.execute(db);
    },
    async holder(name) {
      const { rows } = await sql<LeaseRow>`SELECT name, owner, epoch, expires_at FROM leases
        WHERE name = ${name} AND expires_at > ${DB_NOW}`.execute(db);
      return leaseOf(rows[0]);
    },
  };
}

export interface LeasedTaskOptions {
  leases: LeaseManager;
  /** The lease's name (e.g. `alerts`). */
  name: string;
  /** How often the lease is renewed, and a free one tried (ms; default a third of the lease time). */
  renewMs?: number | undefined;
  /** Start the work: called when this process takes the lease. */
  start(): Promise<void>;
  /** Stop the work: called when the lease is lost (a renewal failed) or the task stops. */
  stop(): Promise<void>;
  logger?: {
    info(message: string, data?: Record<string, unknown>): void;
    warn(message: string, data?: Record<string, unknown>): void;
  };
}

/**
 * Background work that must run in one process at a time on a shared database (alert evaluation and its
 * notifications): started while this process holds lease `name`, stopped as soon as a renewal fails.
 * Another process tries to take the lease every `renewMs`, so a dead holder's work resumes within the lease
 * time and one interval; a clean stop releases it at once.
 */
export function createLeasedTask(options: LeasedTaskOptions) {
  const { leases, name, logger } = options;
  const renewMs = options.renewMs ?? Math.max(1, Math.floor(leases.ttlMs / 3));
  let held: Lease | undefined;
  let timer: NodeJS.Timeout | undefined;
  let active = false;
  let turn: Promise<void> = Promise.resolve();

  const tick = async () => {
    if (!active) return;
    if (!held) {
      const taken = await leases.acquire(name).catch(() => undefined);
      if (!taken) return;
      if (!active) return void (await leases.release(taken).catch(() => {}));
      held = taken;
      logger?.info('Lease acquired: this process runs the work', { lease: name, epoch: taken.epoch });
      try {
        await options.start();
      } catch (error) {
        // Holding the lease without running the work would keep it from every process: give it back, so
        // this one or another tries again on a later tick.
        held = undefined;
        await options.stop().catch(() => {});
        await leases.release(taken).catch(() => {});
        throw error;
      }
      return;
    }
    const renewed = await leases.renew(held).catch((error: unknown) => {
      logger?.warn('Lease renewal failed', { lease: name, error });
      return undefined;
    });
    if (renewed) return;
    logger?.warn('Lease lost: this process stops the work', { lease: name, epoch: held.epoch });
    held = undefined;
    await options.stop();
  };
  const step = () =>
    tick()
      .catch((error: unknown) => logger?.warn('Leased work failed', { lease: name, error }))
      .finally(loop);
  const loop = () => {
    if (!active) return;
    timer = setTimeout(() => {
      turn = step();
    }, renewMs);
  };

  return {
    /** Whether this process runs the work now. */
    get running(): boolean {
      return held !== undefined;
    },
    start(): Promise<void> {
      if (active) return turn;
      active = true;
      turn = step();
      return turn;
    },
    async stop(): Promise<void> {
      active = false;
      clearTimeout(timer);
      await turn.catch(() => {});
      if (!held) return;
      const fence = held;
      held = undefined;
      await options.stop();
      await leases.release(fence).catch(() => {});
    },
  };
}
