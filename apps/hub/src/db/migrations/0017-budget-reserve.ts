import { type Kysely, type Migration, sql } from 'kysely';
import { isPostgres } from '../postgres/connect.js';

/**
 * One vendor budget across processes (issue 16). Several hubs on one PostgreSQL spend the same tenant's
 * budget, so the limiter's read-then-add (safe in one process, which serializes its calls) would let two
 * processes both take the last slot. A reservation is one statement instead, `synchub_reserve`: it locks
 * the lease row of the work it runs for (FOR SHARE, so a takeover waits for it), locks the windows' keys
 * (advisory transaction locks, in the order of their hashes so two reservations never deadlock), reads
 * the database's clock, checks the lease is still held at that time, and decides exactly as core's
 * `decideReservation` does (`synchub_reserve_at`, kept apart so a test can compare the two at any
 * time): either `cost` is added to the current slot of every window, or nothing is, and the answer says
 * until when (database clock) and which window blocks. The locks end with the statement's transaction;
 * nobody waits inside one. `synchub_fill` is the limiter's `saturate` the same way.
 *
 * Nothing on SQLite: one process holds the file, and the limiter serializes its own calls.
 */

/** First key of the advisory locks on limiter keys and usage accounts (`pg_advisory_xact_lock(int, int)`). */
export const BUDGET_LOCKS = 16_017;

export const budgetReserve: Migration = {
  async up(db: Kysely<unknown>) {
    if (!isPostgres(db)) return;

    // The decision at a given time; mirrors decideReservation / blockedUntil in packages/core/src/rate-limiter.ts.
    await sql`CREATE OR REPLACE FUNCTION synchub_reserve_at(
        p_now bigint, p_keys text[], p_slot_ms bigint[], p_back bigint[], p_limit bigint[], p_per_slot bigint[],
        p_cost bigint, OUT ok boolean, OUT wait_until bigint, OUT blocking integer)
      LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        cur bigint; frm bigint; used bigint; in_slot bigint; freed bigint; ends bigint; slot record;
      BEGIN
        ok := true;
        FOR i IN 1 .. coalesce(cardinality(p_keys), 0) LOOP
          cur := (p_now / p_slot_ms[i]) * p_slot_ms[i];
          frm := cur - p_back[i] * p_slot_ms[i];
          SELECT coalesce(sum(w.count), 0), coalesce(sum(w.count) FILTER (WHERE w.window_start = cur), 0)
            INTO used, in_slot
            FROM limiter_windows w
            WHERE w.key = p_keys[i] AND w.window_start BETWEEN frm AND cur AND w.count > 0;
          ends := NULL;
          IF used + p_cost > p_limit[i] THEN
            -- Room comes back as the oldest slots stop counting.
            freed := 0;
            FOR slot IN SELECT w.window_start, w.count FROM limiter_windows w
                WHERE w.key = p_keys[i] AND w.window_start BETWEEN frm AND cur AND w.count > 0
                ORDER BY w.window_start LOOP
              freed := freed + slot.count;
              IF used - freed + p_cost <= p_limit[i] THEN
                ends := slot.window_start + (p_back[i] + 1) * p_slot_ms[i];
                EXIT;
              END IF;
            END LOOP;
            ends := coalesce(ends, cur + (p_back[i] + 1) * p_slot_ms[i]);
          ELSIF 2 * used >= p_limit[i] AND in_slot > 0 AND in_slot + p_cost > p_per_slot[i] THEN
            -- Past half the window, at most perSlot calls a slot: a backlog is spread evenly.
            ends := cur + p_slot_ms[i];
          END IF;
          IF ends IS NOT NULL AND (wait_until IS NULL OR ends > wait_until) THEN
            ok := false;
            wait_until := ends;
            blocking := i - 1;
          END IF;
        END LOOP;
        IF NOT ok THEN
          RETURN;
        END IF;
        -- Windows of equal length share a key: counted once.
        INSERT INTO limiter_windows AS w (key, window_start, window_ms, count)
          SELECT DISTINCT ON (u.key) u.key, (p_now / u.slot_ms) * u.slot_ms, (u.back + 1) * u.slot_ms, p_cost
          FROM unnest(p_keys, p_slot_ms, p_back) AS u(key, slot_ms, back)
          ON CONFLICT (key, window_start) DO UPDATE SET count = w.count + excluded.count;
        -- The slots of these keys that stopped counting (a short range of the primary key).
        DELETE FROM limiter_windows w USING unnest(p_keys, p_slot_ms, p_back) AS u(key, slot_ms, back)
          WHERE w.key = u.key AND w.window_start < (p_now / u.slot_ms - u.back) * u.slot_ms;
      END
      $fn$`.execute(db);

    // saturate at a given time: whatever the window's rolling count lacks to reach its limit.
    await sql`CREATE OR REPLACE FUNCTION synchub_fill_at(
        p_now bigint, p_key text, p_slot_ms bigint, p_back bigint, p_limit bigint)
      RETURNS void LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        cur bigint := (p_now / p_slot_ms) * p_slot_ms;
        used bigint;
      BEGIN
        SELECT coalesce(sum(w.count), 0) INTO used FROM limiter_windows w
          WHERE w.key = p_key AND w.window_start BETWEEN cur - p_back * p_slot_ms AND cur AND w.count > 0;
        IF used < p_limit THEN
          INSERT INTO limiter_windows AS w (key, window_start, window_ms, count)
            VALUES (p_key, cur, (p_back + 1) * p_slot_ms, p_limit - used)
            ON CONFLICT (key, window_start) DO UPDATE SET count = w.count + excluded.count;
        END IF;
      END
      $fn$`.execute(db);

    // One reservation as one statement: fence, key locks, the database's clock, then the decision.
    await sql`CREATE OR REPLACE FUNCTION synchub_reserve(
        p_keys text[], p_slot_ms bigint[], p_back bigint[], p_limit bigint[], p_per_slot bigint[], p_cost bigint,
        p_lease_name text DEFAULT NULL, p_lease_owner text DEFAULT NULL, p_lease_epoch bigint DEFAULT NULL,
        OUT status text, OUT now_ms bigint, OUT wait_until bigint, OUT blocking integer)
      LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        h integer; lease_expires bigint; r record;
      BEGIN
        IF p_lease_name IS NOT NULL THEN
          -- Locked before the keys (always in this order): a takeover of the lease waits for this reservation.
          SELECT l.expires_at INTO lease_expires FROM leases l
            WHERE l.name = p_lease_name AND l.owner = p_lease_owner AND l.epoch = p_lease_epoch
            FOR SHARE;
        END IF;
        FOR h IN SELECT DISTINCT hashtext(k) FROM unnest(p_keys) AS k ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(${sql.lit(BUDGET_LOCKS)}, h);
        END LOOP;
        -- Read after the locks: a reservation that waited for another never counts at an earlier time.
        now_ms := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        IF p_lease_name IS NOT NULL AND (lease_expires IS NULL OR lease_expires <= now_ms) THEN
          status := 'lease_lost';
          RETURN;
        END IF;
        SELECT * INTO r FROM synchub_reserve_at(now_ms, p_keys, p_slot_ms, p_back, p_limit, p_per_slot, p_cost);
        status := CASE WHEN r.ok THEN 'ok' ELSE 'wait' END;
        wait_until := r.wait_until;
        blocking := r.blocking;
      END
      $fn$`.execute(db);

    await sql`CREATE OR REPLACE FUNCTION synchub_fill(
        p_key text, p_slot_ms bigint, p_back bigint, p_limit bigint, OUT now_ms bigint)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(${sql.lit(BUDGET_LOCKS)}, hashtext(p_key));
        now_ms := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        PERFORM synchub_fill_at(now_ms, p_key, p_slot_ms, p_back, p_limit);
      END
      $fn$`.execute(db);
  },
};
