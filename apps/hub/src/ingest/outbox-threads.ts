import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { CONNECTION_PRAGMAS } from '../db/index.js';
import { createWriteTurns } from '../db/write-turns.js';

/** One request's messages, flattened for the worker: messageId, type, JSON text, messageId, type, … */
export interface CommitRequest {
  sourceId: string;
  at: number;
  rows: string[];
}

export interface CommitStats {
  /** Transactions the commit worker committed (one per group, plus one per request retried alone). */
  transactions: number;
  /** Requests answered, stored or failed. */
  requests: number;
}

export interface GroupCommitter {
  /** Resolves with how many rows were new once the request's transaction is on disk; rejects if it is not. */
  commit(request: CommitRequest): Promise<number>;
  stats(): CommitStats;
  /** Waits for every request already given, then stops the worker and closes its connection. */
  close(): Promise<void>;
}

export interface OffThreadReader {
  /** The rows of a read-only query, run on the reader thread's own connection (a snapshot taken now). */
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Rows above which the worker stops adding waiting requests to a group: a bound on how long one holds the lock. */
export const MAX_GROUP_ROWS = 1_000;

const WORKER_URL = new URL('./outbox-worker.js', import.meta.url);

interface Reply {
  ids: number[];
  /** A string is the request's error; anything else its answer. */
  results: unknown[];
  transactions: number;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * One outbox-worker.js thread and the requests waiting for it. Requests given in the same tick travel as
 * one message, so the worker always handles them together. The thread starts with the first request,
 * keeps the process alive only while a request waits, and lives until `close`.
 */
function createWorkerClient(role: 'commit' | 'read', workerData: Record<string, unknown>) {
  let worker: Worker | undefined;
  let port: MessagePort | undefined;
  let exited: Promise<void> | undefined;
  let nextId = 1;
  let closed = false;
  let closing: Promise<void> | undefined;
  let outgoing: Array<Record<string, unknown>> = [];
  const waiting = new Map<number, Waiter>();
  const counts: CommitStats = { transactions: 0, requests: 0 };
  let drained: (() => void) | undefined;

  const hold = (on: boolean) => {
    if (on) {
      worker?.ref();
      port?.ref();
    } else {
      worker?.unref();
      port?.unref();
    }
  };
  const settled = () => {
    if (waiting.size > 0) return;
    hold(false);
    drained?.();
  };
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    settled();
  };

  const start = () => {
    const channel = new MessageChannel();
    const w = new Worker(WORKER_URL, {
      workerData: { ...workerData, role, port: channel.port2 },
      transferList: [channel.port2],
      // Plain JavaScript: no TypeScript loader to start in the thread; `node --cpu-prof` profiles it too.
      execArgv: process.execArgv.filter((flag) => /^--(cpu|heap)-prof/.test(flag)),
    });
    channel.port1.on('message', (reply: Reply) => {
      counts.transactions += reply.transactions;
      counts.requests += reply.ids.length;
      reply.ids.forEach((id, i) => {
        const waiter = waiting.get(id);
        if (!waiter) return;
        waiting.delete(id);
        const result = reply.results[i];
        if (typeof result === 'string') waiter.reject(new Error(`Outbox ${role} failed: ${result}`));
        else waiter.resolve(result);
      });
      settled();
    });
    const stopped = () => {
      if (worker === w) {
        worker = undefined;
        port = undefined;
      }
      channel.port1.close();
    };
    exited = new Promise((resolve) => {
      w.once('error', (error) => {
        stopped();
        failAll(new Error(`Outbox ${role} worker failed: ${error.message}`, { cause: error }));
      });
      w.once('exit', (code) => {
        stopped();
        if (waiting.size > 0) failAll(new Error(`Outbox ${role} worker stopped (exit code ${code})`));
        resolve();
      });
    });
    worker = w;
    port = channel.port1;
  };

  const flush = () => {
    const requests = outgoing;
    outgoing = [];
    try {
      if (!worker) start();
      port?.postMessage({ requests });
    } catch (error) {
      // No thread to take them (it could not start): these requests fail now instead of waiting forever.
      for (const { id } of requests) {
        waiting.get(id as number)?.reject(new Error(`Outbox ${role} worker unavailable`, { cause: error }));
        waiting.delete(id as number);
      }
      settled();
    }
  };

  return {
    send(request: Record<string, unknown>): Promise<unknown> {
      if (closed) return Promise.reject(new Error('The outbox is closing'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        hold(true);
        if (outgoing.length === 0) queueMicrotask(flush);
        outgoing.push({ ...request, id });
      });
    },
    stats: () => ({ ...counts }),
    close() {
      closing ??= (async () => {
        closed = true;
        if (waiting.size > 0) await new Promise<void>((resolve) => (drained = resolve));
        if (!worker || !port) return;
        const w = worker;
        port.postMessage({ close: true });
        w.ref();
        // The worker closes its connection and ends by itself; a stuck one is stopped after a grace period.
        const timer = setTimeout(() => void w.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}

/**
 * Group commit through a worker thread that owns its own connection to the same WAL database, with the
 * hub's pragmas (synchronous=FULL: a commit is on disk before it returns). Requests given in the same tick
 * always share a transaction; while a commit is in flight, whatever arrives waits in the worker's port and
 * goes into the next single transaction. `turns` are the main connection's write-turn flags (db/write-turns.ts).
 */
export function createGroupCommitter(
  file: string,
  options: { maxGroupRows?: number; turns?: Int32Array } = {},
): GroupCommitter {
  const client = createWorkerClient('commit', {
    file,
    pragmas: CONNECTION_PRAGMAS,
    maxGroupRows: options.maxGroupRows ?? MAX_GROUP_ROWS,
    // Without the main connection's flags (a committer on its own), private ones that nobody raises.
    turns: options.turns ?? createWriteTurns(),
  });
  return {
    commit: (request) => client.send({ ...request }) as Promise<number>,
    stats: client.stats,
    close: client.close,
  };
}

/** Queries that scan the whole outbox, on their own thread and read-only connection. */
export function createOffThreadReader(file: string): OffThreadReader {
  const client = createWorkerClient('read', {
    file,
    pragmas: ['busy_timeout = 5000'],
    maxGroupRows: Number.POSITIVE_INFINITY,
  });
  return {
    all: <T>(sql: string, params: unknown[] = []) => client.send({ sql, params }) as Promise<T[]>,
    close: client.close,
  };
}
