import type { DeliveryOutcome } from '@synchub/core';

// The outcome helpers live in core (connectors that deliver themselves need them too); re-exported for
// the hub's other retry loops.
export { backoffMs, combineOutcomes, DELIVERED, outcomeOf } from '@synchub/core';
export type Outcome = DeliveryOutcome;
