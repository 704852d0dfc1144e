import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from './destination.js';
import { ConnectorError } from './errors.js';
import { backoffMs, combineOutcomes, DELIVERED, outcomeOf } from './outcome.js';

describe('outcomeOf', () => {
  it('retries a transient or rate-limited call, keeping when to try again', () => {
    const limited = outcomeOf(new ConnectorError('rate_limited', 'slow down', { status: 429, retryAt: 5_000 }), 1);
    expect(limited).toEqual({
      kind: 'retry',
      at: 5_000,
      error: { code: 'rate_limited', message: 'slow down', status: 429, vendorCode: undefined, body: undefined, at: 1 },
    });
    expect(outcomeOf(new ConnectorError('transient', '503'), 1).kind).toBe('retry');
  });

  it('gives up on errors no retry fixes, keeping the vendor body', () => {
    const out = outcomeOf(new ConnectorError('invalid_request', 'bad', { vendorCode: '1001', body: { x: 1 } }), 2);
    expect(out).toMatchObject({
      kind: 'failed',
      error: { code: 'invalid_request', vendorCode: '1001', body: { x: 1 } },
    });
  });

  it('reads a per-record WriteError and anything thrown', () => {
    expect(outcomeOf({ code: 'transient', message: 'try later' }, 3)).toEqual({
      kind: 'retry',
      error: { code: 'transient', message: 'try later', vendorCode: undefined, body: undefined, at: 3 },
    });
    expect(outcomeOf({ code: 'conflict', message: 'dup' }, 3).kind).toBe('failed');
    expect(outcomeOf(new Error('boom'), 4)).toEqual({
      kind: 'failed',
      error: { code: 'unexpected', message: 'boom', at: 4 },
    });
  });
});

describe('combineOutcomes', () => {
  const retry: DeliveryOutcome = { kind: 'retry', error: { code: 'transient', message: 'r', at: 0 } };
  const failed: DeliveryOutcome = { kind: 'failed', error: { code: 'invalid_request', message: 'f', at: 0 } };
  it('a failure beats a retry, a retry beats success', () => {
    expect(combineOutcomes(DELIVERED, retry)).toBe(retry);
    expect(combineOutcomes(retry, failed)).toBe(failed);
    expect(combineOutcomes(failed, retry)).toBe(failed);
    expect(combineOutcomes(DELIVERED, DELIVERED)).toBe(DELIVERED);
  });
});

describe('backoffMs', () => {
  it('doubles from 2 s with ±20% jitter, capped at 15 minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(2, () => 0)).toBe(3200);
    expect(backoffMs(2, () => 1)).toBe(4800);
    expect(backoffMs(30, () => 0.5)).toBe(15 * 60_000);
  });
});
