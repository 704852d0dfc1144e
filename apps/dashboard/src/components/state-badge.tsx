import type { EventState } from '../types.js';

// "received" is an event not sent yet: it waits (the Overview's "Received" chart counts arrivals instead).
export const STATE_LABELS: Record<EventState, string> = {
  received: 'Not sent yet',
  retrying: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
};

/** An event's delivery state; the text says it (color is only a second cue). */
export function StateBadge({ state }: { state: EventState }) {
  return <span class={`badge state-${state}`}>{STATE_LABELS[state] ?? state}</span>;
}

/** What each state means, for hints beside the counts. */
export const STATE_HINTS: Record<EventState, string> = {
  received: 'Accepted and not sent yet: waiting for its destination’s next delivery window',
  retrying: 'Sent and refused for now (a limit, an outage): waiting to be sent again',
  delivered: 'The destination accepted it',
  failed: 'Given up: fix the cause and replay it',
};
