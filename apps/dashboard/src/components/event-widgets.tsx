import { useState } from 'preact/hooks';
import type { StreamStatus } from '../live.js';
import type { EventCounts, EventState, EventStateFilter } from '../types.js';
import { STATE_HINTS, STATE_LABELS } from './state-badge.js';

// The small pieces around the events table: live indicator, counts, replay-all confirmation, empty states.

const STATES: EventState[] = ['retrying', 'delivered', 'failed'];
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function LiveBadge({ status }: { status: StreamStatus }) {
  const text = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span class={`live live-${status}`} role="status" title="Updates stream from the hub as events change">
      <span class="live-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

/**
 * Counts by state. "Waiting" is everything not delivered yet (never sent, or to be retried), so it reads the
 * same as the backlog beside it; "Retrying" is the part of it that was sent and refused for now.
 */
export function CountTiles({
  counts,
  active,
}: {
  counts: EventCounts | undefined;
  active: EventStateFilter | undefined;
}) {
  const tiles: Array<{ key: EventStateFilter; label: string; hint: string; value: number | undefined }> = [
    {
      key: 'waiting',
      label: 'Waiting',
      hint: 'Not delivered yet: never sent, or waiting to be sent again',
      value: counts && counts.received + counts.retrying,
    },
    ...STATES.map((s) => ({ key: s, label: STATE_LABELS[s], hint: STATE_HINTS[s], value: counts?.[s] })),
  ];
  return (
    <ul class="count-tiles" aria-label="Events by state">
      {tiles.map((t) => (
        <li key={t.key}>
          <a
            class={`count-tile tile-${t.key}${active === t.key ? ' active' : ''}`}
            href={t.key === 'failed' ? '#/events/failures' : `#/events?state=${t.key}`}
            aria-current={active === t.key ? 'true' : undefined}
            title={t.hint}
          >
            <span class="count-label">{t.label}</span>
            <span class="count-value" data-testid={`count-${t.key}`}>
              {t.value === undefined ? '–' : t.value.toLocaleString()}
            </span>
            {t.key === 'waiting' && counts && (
              <span class="count-note">
                {counts.received.toLocaleString()} not sent yet · {counts.retrying.toLocaleString()} to retry
              </span>
            )}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function ConfirmReplayAll(props: { disabled: boolean; busy: boolean; count: number; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking || props.busy) {
    return (
      <button type="button" class="button" disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.busy ? 'Replaying…' : 'Replay all failed'}
      </button>
    );
  }
  return (
    <span class="confirm">
      <span>Replay all {plural(props.count, 'failed event')}?</span>
      <button
        type="button"
        class="button primary small"
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        Yes, replay all
      </button>
      <button type="button" class="button small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export function EmptyEvents({ failures, filtered, base }: { failures: boolean; filtered: boolean; base: string }) {
  if (filtered) {
    return (
      <div class="card empty">
        <h2>No events match these filters</h2>
        <a class="button" href={`#${base}`}>
          Clear filters
        </a>
      </div>
    );
  }
  if (failures) {
    return (
      <div class="card empty">
        <h2>No failed events</h2>
        <p class="muted">Every event was delivered or is still being worked on.</p>
      </div>
    );
  }
  return (
    <div class="card empty">
      <h2>No events yet</h2>
      <p class="muted">
        Send identify, group or track calls with a source’s write key. <a href="#/sources">Go to sources</a>.
      </p>
    </div>
  );
}
