import type { DeliveryOutcome, StoredError } from './destination.js';
import { isDataError } from './batch.js';
import type { WriteError } from './connector.js';
import { isConnectorError } from './errors.js';

export const DELIVERED: DeliveryOutcome = { kind: 'delivered' };

/**
 * A per-record vendor error (`WriteError`) or a whole-call failure (`ConnectorError`, anything thrown)
 * → retry (transient, rate limited: the same call may work later) or give up (the data or the setup is
 * wrong: only a fix and a replay help).
 */
export function outcomeOf(error: unknown, now: number): DeliveryOutcome {
  if (isConnectorError(error)) {
    const stored: StoredError = {
      code: error.code,
      message: error.message,
      vendorCode: error.vendorCode,
      status: error.status,
      body: error.body,
      at: now,
    };
    // By code, not the `retryable` getter: an error recognised by its brand may be a plain object.
    return error.code === 'transient' || error.code === 'rate_limited'
      ? { kind: 'retry', error: stored, at: error.retryAt }
      : { kind: 'failed', error: stored };
  }
  const w = error as { code?: unknown; message?: unknown; vendorCode?: string; body?: unknown } | undefined;
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

/**
 * The fate of one event that needed several writes: a permanent failure beats a retry, a retry beats
 * success, and between equals the first wins.
 */
export function combineOutcomes(a: DeliveryOutcome, b: DeliveryOutcome): DeliveryOutcome {
  if (a.kind === 'failed') return a;
  if (b.kind === 'failed') return b;
  if (a.kind === 'retry') return a;
  return b;
}

/**
 * The vendor refused what the call carried (validation, a conflict, a record it cannot find), not the call
 * itself (auth, limits, 5xx): sending the same events one by one can tell the good ones from the bad.
 */
export function isDataOutcome(outcome: DeliveryOutcome): boolean {
  return outcome.kind === 'failed' && isDataError(outcome.error as Pick<WriteError, 'code'>);
}

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 15 minutes. The host's retry policy, shared with flows. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15 * 60_000, 1000 * 2 ** Math.max(1, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
