import type SQLite from 'better-sqlite3';

/**
 * Write turns between the hub's main connection and a second writer on another thread (the ingest commit
 * worker, outbox-worker.js). SQLite lets one writer in at a time, and one that finds the lock taken only
 * polls, sleeping 1, 2, 5, 10… up to 100 ms between tries, on its own thread: a write on the main connection
 * that waited that way stalled the event loop (and /health) for a whole worker transaction plus the
 * oversleep (bench:ingest, issue 15). So the two connections share two flags:
 *   MAIN   1 while the main connection wants or holds the write lock: the worker begins no transaction;
 *   WORKER 1 while the worker holds (or is about to take) the write lock.
 * Each side raises its own flag, then reads the other's (sequentially consistent Atomics: at least one of
 * two writers starting together sees the other). The main connection then waits for WORKER to drop, woken
 * by the worker's notify: a write through Kysely waits asynchronously (the event loop keeps running), a
 * synchronous statement on the raw handle waits on this thread, bounded by the busy timeout.
 */
export const MAIN = 0;
export const WORKER = 1;

/** The shared flags (both 0: nobody writes). */
export const createWriteTurns = (): Int32Array => new Int32Array(new SharedArrayBuffer(2 * 4));

/** Atomics.waitAsync (Node 16+; its types come with TypeScript's es2024 lib, which the hub does not use). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeout: number): { value: Promise<string> | string };
  }
).waitAsync;

/** Longest wait for the worker's flag before leaving the rest to SQLite's busy timeout. */
const WAIT_MS = 5000;

export interface MainTurns {
  /**
   * Resolves once the main connection may write without waiting for the lock. MAIN stays raised until the
   * matching `release` (a statement settling in between must not hand the lock back to the worker).
   */
  ready(): Promise<void>;
  /** After the write `ready` was for: lower MAIN once nobody else waits and no transaction is open. */
  release(): void;
}

/**
 * Have every write on `sqlite` (the main connection) take its turn: statements, `exec` and transactions are
 * wrapped so MAIN is raised before a write and lowered when its transaction ends.
 */
export function takeTurns(sqlite: SQLite.Database, turns: Int32Array): MainTurns {
  let claimed = false;
  let waiting = 0;
  const raise = () => {
    Atomics.store(turns, MAIN, 1);
  };
  /** Synchronous writes: the worker's current transaction is waited for here (it is one bounded group). */
  const claim = () => {
    claimed = true;
    raise();
    if (Atomics.load(turns, WORKER) === 0) return;
    const until = performance.now() + WAIT_MS;
    while (Atomics.load(turns, WORKER) === 1) {
      const left = until - performance.now();
      if (left <= 0) return;
      Atomics.wait(turns, WORKER, 1, left);
    }
  };
  const settle = () => {
    if (!claimed || waiting > 0 || sqlite.inTransaction) return;
    claimed = false;
    Atomics.store(turns, MAIN, 0);
    Atomics.notify(turns, MAIN);
  };

  type Fn = (...args: unknown[]) => unknown;
  const guard =
    (fn: Fn, writes: boolean): Fn =>
    (...args) => {
      if (writes) claim();
      try {
        return fn(...args);
      } finally {
        settle();
      }
    };
  const db = sqlite as unknown as Record<'prepare' | 'exec' | 'transaction', Fn>;
  const prepare = db.prepare.bind(sqlite);
  db.prepare = (...args) => {
    const statement = prepare(...args) as SQLite.Statement;
    const methods = statement as unknown as Record<'run' | 'get' | 'all' | 'iterate', Fn>;
    // Every statement settles (a COMMIT is "readonly" but ends the transaction); only writers claim.
    const writes = !statement.readonly;
    for (const method of ['run', 'get', 'all'] as const)
      methods[method] = guard(methods[method].bind(statement), writes);
    if (writes) {
      // A writing iterator runs as it is read: claim now; the next statement to settle releases.
      const iterate = methods.iterate.bind(statement);
      methods.iterate = (...params) => {
        claim();
        return iterate(...params);
      };
    }
    return statement;
  };
  db.exec = guard(db.exec.bind(sqlite), true);
  const transaction = db.transaction.bind(sqlite);
  db.transaction = (fn) => {
    const made = transaction(fn) as Fn & Record<'default' | 'deferred' | 'immediate' | 'exclusive', Fn>;
    // IMMEDIATE and EXCLUSIVE take the write lock at BEGIN, before any statement of theirs could claim.
    const wrapped = guard(made, false) as typeof made;
    Object.assign(wrapped, {
      default: wrapped,
      deferred: guard(made.deferred, false),
      immediate: guard(made.immediate, true),
      exclusive: guard(made.exclusive, true),
      database: sqlite,
    });
    return wrapped;
  };

  return {
    async ready() {
      claimed = true;
      waiting += 1;
      raise();
      const until = performance.now() + WAIT_MS;
      while (Atomics.load(turns, WORKER) === 1) {
        const left = until - performance.now();
        if (left <= 0) return;
        await waitAsync(turns, WORKER, 1, left).value;
      }
    },
    release() {
      waiting -= 1;
      settle();
    },
  };
}
