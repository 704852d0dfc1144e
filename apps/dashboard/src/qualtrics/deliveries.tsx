import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { Time } from '../components/time.js';
import { type Delivery, type DeliveryCounts, type DeliveryState, qualtricsApi, type Trigger } from './api.js';

const LABELS: Record<DeliveryState, string> = {
  pending: 'Pending',
  retrying: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
};
// The events page's badge colours; "pending" looks like a received event.
const BADGE: Record<DeliveryState, string> = {
  pending: 'state-received',
  retrying: 'state-retrying',
  delivered: 'state-delivered',
  failed: 'state-failed',
};

/** Qualtrics answered 2xx: the workflow ran, so the hub never replays it. */
const accepted = (d: Delivery) => d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 300;

interface Props {
  deliveries: Delivery[];
  counts: DeliveryCounts | undefined;
  triggers: Trigger[];
  filter: { triggerId: string; state: string };
  onFilter: (filter: { triggerId: string; state: string }) => void;
  onChanged: () => void;
}

/** Every call a trigger made: origin, Qualtrics' status, eventId and requestId, the error kept; replay. */
export function DeliveriesSection({ deliveries, counts, triggers, filter, onFilter, onChanged }: Props) {
  const [notice, setNotice] = useState<string | undefined>();
  const nameOf = (id: string) => triggers.find((t) => t.id === id)?.name ?? id;
  const act = (action: () => Promise<{ replayed: number }>) =>
    action().then(
      ({ replayed }) => {
        setNotice(`${replayed} ${replayed === 1 ? 'delivery' : 'deliveries'} queued again.`);
        onChanged();
      },
      (e: unknown) => !(e instanceof ApiError && e.status === 401) && setNotice((e as Error).message),
    );

  return (
    <section class="card table-card deliveries" aria-labelledby="deliveries-title">
      <div class="deliveries-head">
        <h2 id="deliveries-title">Deliveries</h2>
        <p class="muted small">
          {counts
            ? `${counts.delivered} delivered · ${counts.failed} failed · ${counts.pending + counts.retrying} queued`
            : ''}
        </p>
        <div class="button-row">
          <select
            aria-label="Filter by trigger"
            class="compact"
            value={filter.triggerId}
            onChange={(e) => onFilter({ ...filter, triggerId: e.currentTarget.value })}
          >
            <option value="">All triggers</option>
            {triggers.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <select
            aria-label="Filter by state"
            class="compact"
            value={filter.state}
            onChange={(e) => onFilter({ ...filter, state: e.currentTarget.value })}
          >
            <option value="">All states</option>
            {Object.entries(LABELS).map(([state, label]) => (
              <option key={state} value={state}>
                {label}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button small"
            disabled={!counts?.failed}
            onClick={() => act(() => qualtricsApi.replayAll(filter.triggerId || undefined))}
          >
            Replay all failed
          </button>
        </div>
      </div>
      {notice && (
        <p class="notice info" role="status">
          {notice}
        </p>
      )}
      {deliveries.length === 0 ? (
        <p class="muted empty">No deliveries yet. Gainsight’s calls, matching events and tests appear here.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Deliveries</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Trigger</th>
              <th scope="col">From</th>
              <th scope="col">State</th>
              <th scope="col">Status</th>
              <th scope="col">Qualtrics ids</th>
              <th scope="col">When</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td>{d.id}</td>
                <td>
                  {nameOf(d.triggerId)}
                  <div class="muted small mono payload" title={d.payloadPreview}>
                    {d.payloadPreview}
                  </div>
                </td>
                <td>{d.origin === 'event' ? `event #${d.originRef}` : d.origin}</td>
                <td>
                  <span class={`badge ${BADGE[d.state]}`}>{LABELS[d.state]}</span>
                  {d.attempts > 1 && <div class="muted small">{d.attempts} attempts</div>}
                  {d.state === 'retrying' && (
                    <div class="muted small">
                      next <Time at={d.nextAttemptAt} relative />
                    </div>
                  )}
                </td>
                <td>{d.statusCode ?? '—'}</td>
                <td class="small ids">
                  {d.state === 'delivered' ? (
                    // Qualtrics documents no answer body: an id it did not send is shown as such.
                    <>
                      <div>eventId {d.eventId ? <code>{d.eventId}</code> : <span class="muted">not given</span>}</div>
                      <div>
                        requestId {d.requestId ? <code>{d.requestId}</code> : <span class="muted">not given</span>}
                      </div>
                    </>
                  ) : d.lastError ? (
                    <span class="error-text">
                      {d.lastError.code}: {d.lastError.message}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td class="nowrap">
                  <Time at={d.deliveredAt ?? d.createdAt} />
                </td>
                <td class="actions">
                  {d.state === 'failed' && d.origin !== 'test' && !accepted(d) && (
                    <button
                      type="button"
                      class="button small"
                      aria-label={`Replay delivery ${d.id}`}
                      onClick={() => act(() => qualtricsApi.replay(d.id))}
                    >
                      Replay
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
