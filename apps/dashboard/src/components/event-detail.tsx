import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { prettyJson } from '../format.js';
import type { DeliveryAttempt, EventDetail, EventRow } from '../types.js';
import { StateBadge } from './state-badge.js';
import { Time } from './time.js';
import '../styles-tables.css';

interface Props {
  /** The row as the (live) list shows it; the detail is refetched when its state or attempts change. */
  row: EventRow;
  sourceName: string | undefined;
  onClose: () => void;
  onReplay: (id: number) => void;
  replaying: boolean;
}

/** Everything about one event: its state, the full payload, and the vendor's answer to the last attempt. */
export function EventDetailPanel({ row, sourceName, onClose, onReplay, replaying }: Props) {
  const [detail, setDetail] = useState<EventDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    setError(undefined);
    api.event(row.id).then(
      (d) => live && setDetail(d),
      (e: unknown) => {
        if (live && !(e instanceof ApiError && e.status === 401)) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [row.id, row.state, row.attempts]);

  // Move focus into the panel when another event is opened, so keyboard and screen-reader users follow.
  useEffect(() => heading.current?.focus(), [row.id]);

  const shown = detail?.id === row.id ? detail : undefined;
  const lastError = shown?.lastError ?? row.lastError;

  return (
    // Escape anywhere in the panel closes it, as its ✕ does.
    <aside
      class="card detail"
      id="event-detail"
      aria-labelledby="event-detail-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div class="detail-head">
        <h2 id="event-detail-title" tabIndex={-1} ref={heading}>
          Event {row.id}
        </h2>
        <StateBadge state={row.state} />
        <button
          type="button"
          class="button small ghost close"
          onClick={onClose}
          aria-label="Close event details"
          aria-keyshortcuts="Escape"
        >
          ✕
        </button>
      </div>
      <dl class="facts">
        <div>
          <dt>Type</dt>
          <dd>{row.type}</dd>
        </div>
        <div>
          <dt>Label</dt>
          <dd>{row.label || '—'}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{sourceName ?? row.sourceId}</dd>
        </div>
        <div>
          <dt>Message ID</dt>
          <dd class="mono break">{row.messageId}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>
            <Time at={row.receivedAt} />
          </dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{row.attempts}</dd>
        </div>
        {row.state === 'retrying' && (
          <div>
            <dt>Next attempt</dt>
            <dd>
              <Time at={row.nextAttemptAt} relative />
            </dd>
          </div>
        )}
        {row.deliveredAt !== null && (
          <div>
            <dt>Delivered</dt>
            <dd>
              <Time at={row.deliveredAt} />
            </dd>
          </div>
        )}
      </dl>
      {row.state === 'failed' && (
        <button type="button" class="button primary small" disabled={replaying} onClick={() => onReplay(row.id)}>
          {replaying ? 'Replaying…' : 'Replay this event'}
        </button>
      )}
      {lastError && (
        <section class="detail-section" aria-labelledby="event-error-title">
          <h3 id="event-error-title">Last error</h3>
          <p class="error-text">
            <code class="code">{lastError.code}</code>
            {lastError.vendorCode && (
              <>
                {' '}
                <code class="code">{lastError.vendorCode}</code>
              </>
            )}
            {lastError.status !== undefined && <span class="muted"> HTTP {lastError.status}</span>}
          </p>
          <p>{lastError.message}</p>
          <h4>Vendor response</h4>
          {lastError.body === undefined ? (
            <p class="muted small">
              {lastError.code === 'mapping' || lastError.code === 'unsupported'
                ? 'None: the hub refused this event before calling the vendor.'
                : 'The vendor sent no body.'}
            </p>
          ) : (
            <pre class="json">{prettyJson(lastError.body)}</pre>
          )}
        </section>
      )}
      {shown?.deliveryAttempts && shown.deliveryAttempts.length > 0 && (
        <AttemptList attempts={shown.deliveryAttempts} />
      )}
      <section class="detail-section" aria-labelledby="event-payload-title">
        <h3 id="event-payload-title">Payload</h3>
        {error && (
          <p class="notice error" role="alert">
            Could not load the payload: {error}
          </p>
        )}
        {!shown && !error && <p class="muted small">Loading…</p>}
        {shown && <pre class="json">{prettyJson(shown.payload)}</pre>}
      </section>
    </aside>
  );
}

const OUTCOME: Record<DeliveryAttempt['outcome'], { label: string; badge: string }> = {
  delivered: { label: 'Delivered', badge: 'state-delivered' },
  retry: { label: 'To retry', badge: 'state-retrying' },
  failed: { label: 'Failed', badge: 'state-failed' },
};

/** Every attempt the hub kept, newest first: when, what came of it and the vendor's answer. */
function AttemptList({ attempts }: { attempts: DeliveryAttempt[] }) {
  return (
    <section class="detail-section" aria-labelledby="event-attempts-title">
      <h3 id="event-attempts-title">Attempts ({attempts.length})</h3>
      <ol class="plain attempt-list">
        {attempts.map((a) => (
          <li key={`${a.at}-${a.attempt}`} class="attempt">
            <div class="attempt-head">
              <strong>Attempt {a.attempt}</strong>{' '}
              <span class={`badge ${OUTCOME[a.outcome].badge}`}>{OUTCOME[a.outcome].label}</span>{' '}
              <span class="muted small">
                <Time at={a.at} />
              </span>
            </div>
            {a.error && (
              <div class="small">
                <code class="code">{a.error.code}</code>
                {a.error.status !== undefined && <span class="muted"> HTTP {a.error.status}</span>} {a.error.message}
                {a.error.body !== undefined && (
                  <details>
                    <summary>The vendor’s answer to this attempt</summary>
                    <pre class="json">{prettyJson(a.error.body)}</pre>
                  </details>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
