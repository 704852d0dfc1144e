// The outbox's worker threads, each with its own better-sqlite3 connection to the hub's WAL database, so
// the heavy database work of ingest never stalls the hub's event loop:
//   role "commit": inserts and fsyncs accepted events (group commit: every request waiting in the port
//                  when a commit ends goes into the next single transaction);
//   role "read":   runs queries that scan the whole outbox (counts by state) on a read-only connection.
// Plain JavaScript on purpose: the hub runs its TypeScript through a loader the main thread registers, and
// a worker thread does not inherit it. Protocol (outbox-threads.ts owns the other end):
//   workerData: { role, file, pragmas, port, maxGroupRows, turns (write-turn flags, src/db/write-turns.ts) }
//   in:  { requests: [{ id, sourceId, at, rows: [messageId, type, json, messageId, type, json, ...] }] }  (commit)
//        { requests: [{ id, sql, params }] }                                                        (read)
//        { close: true }
//   out: { ids: [id...], results: [stored count | rows | error text...], transactions }
import os from 'node:os';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { role, file, pragmas, port, maxGroupRows, turns } = workerData;
if (role === 'read') {
  // Counting for the dashboard is background work: on a busy machine the event loop comes first. (On
  // Linux a nice value is per thread, so this lowers this thread only.)
  try {
    os.setPriority(10);
  } catch {
    // Not allowed here: run at the normal priority.
  }
}
const db = new Database(file, { readonly: role === 'read' });
for (const pragma of pragmas) db.pragma(pragma);

// Rows go in up to CHUNK per statement: one statement run per row costs more (more calls, more VDBE starts).
const CHUNK = 50;
const inserts = new Map();
const insertOf = (rows) => {
  let statement = inserts.get(rows);
  if (!statement) {
    statement = db.prepare(
      `INSERT OR IGNORE INTO events (source_id, message_id, type, received_at, payload_json, state, attempts, next_attempt_at, updated_at)
       VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, 'received', 0, 0, ?)").join(', ')}`,
    );
    inserts.set(rows, statement);
  }
  return statement;
};
// IMMEDIATE: take the write lock up front, so a busy database is waited for before any work, not at COMMIT.
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');
const savepoint = db.prepare('SAVEPOINT request');
const release = db.prepare('RELEASE request');
const rollbackTo = db.prepare('ROLLBACK TO request');

const errorText = (error) => `${error?.code ? `${error.code}: ` : ''}${error?.message ?? String(error)}`;

/** INSERT OR IGNORE, in order: `changes` counts new rows only, so a repeated messageId is not counted. */
function insertRequest(request) {
  const { sourceId, at, rows } = request;
  let stored = 0;
  for (let from = 0; from < rows.length; from += CHUNK * 3) {
    const to = Math.min(rows.length, from + CHUNK * 3);
    const params = new Array(((to - from) / 3) * 6);
    for (let i = from, p = 0; i < to; i += 3, p += 6) {
      params[p] = sourceId;
      params[p + 1] = rows[i];
      params[p + 2] = rows[i + 1];
      params[p + 3] = at;
      params[p + 4] = rows[i + 2];
      params[p + 5] = at;
    }
    stored += insertOf((to - from) / 3).run(params).changes;
  }
  return stored;
}

/**
 * Write turns with the hub's main connection (src/db/write-turns.ts): turns[0] is raised while it wants or
 * holds the write lock, turns[1] while this thread does. Let it go first, so its writes wait at most for
 * one of our transactions; raise ours, then look again (it may have raised its flag meanwhile). Bounded,
 * in case a flag is left up.
 */
const MAIN = 0;
const WORKER = 1;
const TURN_WAIT_MS = 2000;
function takeTurn() {
  const until = performance.now() + TURN_WAIT_MS;
  for (;;) {
    while (Atomics.load(turns, MAIN) === 1) {
      const left = until - performance.now();
      if (left <= 0) break;
      Atomics.wait(turns, MAIN, 1, Math.min(left, 50));
    }
    Atomics.store(turns, WORKER, 1);
    if (Atomics.load(turns, MAIN) === 0 || performance.now() >= until) return;
    endTurn();
  }
}
/** Wakes a main connection waiting for this thread's transaction to end. */
function endTurn() {
  Atomics.store(turns, WORKER, 0);
  Atomics.notify(turns, WORKER);
}

/**
 * One transaction for the group, one savepoint per request: a request whose rows fail is rolled back alone
 * (all or nothing per request) and the others still commit. When the main connection asks for its turn
 * (turns[MAIN]) the transaction ends at the next request boundary and the rest go into the next one: a
 * write on the hub's event loop then waits for one request's rows, not a whole group's. Returns stored
 * counts or error texts, in order.
 */
function commitGroup(requests, out) {
  const results = [];
  while (results.length < requests.length) results.push(...commitSome(requests.slice(results.length), out));
  return results;
}

/** The results of the first requests, committed in one transaction (at least one request). */
function commitSome(requests, out) {
  const results = [];
  takeTurn();
  try {
    begin.run();
    do {
      savepoint.run();
      try {
        results.push(insertRequest(requests[results.length]));
        release.run();
      } catch (error) {
        // Some errors (ROLLBACK from a trigger, a full disk) end the whole transaction: handled below.
        if (!db.inTransaction) throw error;
        rollbackTo.run();
        release.run();
        results.push(errorText(error));
      }
    } while (results.length < requests.length && Atomics.load(turns, MAIN) === 0);
    commit.run();
    endTurn();
    out.transactions += 1;
    return results;
  } catch (error) {
    if (db.inTransaction) {
      try {
        rollback.run();
      } catch {
        // The connection already rolled back; nothing of this group is on disk either way.
      }
    }
    endTurn();
    // A busy database fails every request alike; anything else may be one request's fault, so nothing
    // of the group is stored yet and each request is tried on its own: an innocent one must not fail.
    const busy = typeof error?.code === 'string' && error.code.startsWith('SQLITE_BUSY');
    if (requests.length === 1 || busy) return requests.map(() => errorText(error));
    return requests.map((request) => commitSome([request], out)[0]);
  }
}

/** Reads: statements cached by their text; an error answers that request only. */
const statements = new Map();
function readAll(requests) {
  return requests.map(({ sql, params }) => {
    try {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement.all(...params);
    } catch (error) {
      return errorText(error);
    }
  });
}

let closing = false;
function run(first) {
  const requests = [];
  let rows = 0;
  const take = (message) => {
    if (message.close) {
      closing = true;
      return;
    }
    for (const request of message.requests) {
      requests.push(request);
      rows += request.rows ? request.rows.length / 3 : 1;
    }
  };
  take(first);
  // Everything that queued up while the last commit ran joins this one (up to a bound on its size).
  while (!closing && rows < maxGroupRows) {
    const next = receiveMessageOnPort(port);
    if (!next) break;
    take(next.message);
  }
  if (requests.length > 0) {
    const out = { transactions: 0 };
    const results = role === 'read' ? readAll(requests) : commitGroup(requests, out);
    port.postMessage({ ids: requests.map((r) => r.id), results, transactions: out.transactions });
  }
  if (closing) {
    // Close the connection before the thread ends: better-sqlite3 objects must not outlive the isolate.
    db.close();
    port.close();
  }
}

port.on('message', run);
