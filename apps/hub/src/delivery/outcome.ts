import { isConnectorError, type WriteError } from '@synchub/core';
import type { StoredError } from '../ingest/outbox.js';

/** What happened to one event in one delivery attempt. */
export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; error: StoredError; at?: number | undefined }
  | { kind: 'failed'; error: StoredError };

export const DELIVERED: Outcome = { kind: 'delivered' };

/** A per-record vendor error or a whole-call ConnectorError → retry (transient, 429) or give up. */
export function outcomeOf(error: unknown, now: number): Outcome {
  if (isConnectorError(error)) {
    const stored: StoredError = {
      code: error.code,
      message: error.message,
      vendorCode: error.vendorCode,
      status: error.status,
      body: error.body,
      at: now,
    };
    if (error.code === 'rate_limited') return { kind: 'retry', error: stored, at: error.retryAt };
    if (error.code === 'transient') return { kind: 'retry', error: stored, at: error.retryAt };
    return { kind: 'failed', error: stored };
  }
  const w = error as Partial<WriteError> | undefined;
  if (w && typeof w.code === 'string' && typeof w.message === 'string') {
    const stored: StoredError = { code: w.code, message: w.message, vendorCode: w.vendorCode, body: w.body, at: now };
    return w.code === 'transient' || w.code === 'rate_limited'
      ? { kind: 'retry', error: stored }
      : { kind: 'failed', error: stored };
  }
  return {
    kind: 'failed',
    error: { code: 'unexpected', message: String((error as Error)?.message ?? error), at: now },
  };
}

/** First failure wins; a retry beats nothing but a permanent failure beats a retry. */
export function combine(a: Outcome, b: Outcome): Outcome {
  if (a.kind === 'failed') return a;
  if (b.kind === 'failed') return b;
  if (a.kind === 'retry') return a;
  return b;
}

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 15 minutes. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15 * 60_000, 1000 * 2 ** Math.max(1, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
