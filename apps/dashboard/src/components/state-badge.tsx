import type { EventState } from '../types.js';

export const STATE_LABELS: Record<EventState, string> = {
  received: 'Received',
  retrying: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
};

/** An event's delivery state; the text says it (color is only a second cue). */
export function StateBadge({ state }: { state: EventState }) {
  return <span class={`badge state-${state}`}>{STATE_LABELS[state] ?? state}</span>;
}
