import type { DeliveryOutcome } from '@synchub/core';

// The outcome helpers live in core (connectors that deliver themselves need them too); re-exported for
// the hub's other retry loops.
export { combineOutcomes, DELIVERED, outcomeOf } from '@synchub/core';
export type Outcome = DeliveryOutcome;

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 15 minutes. The host's retry policy. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15 * 60_000, 1000 * 2 ** Math.max(1, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
