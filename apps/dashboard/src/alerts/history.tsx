import { Time } from '../components/time.js';
import type { AlertRule, HistoryEntry } from './api.js';

const KIND: Record<HistoryEntry['kind'], { label: string; badge: string }> = {
  firing: { label: 'Firing', badge: 'failed' },
  resolved: { label: 'Resolved', badge: 'ok' },
  test: { label: 'Test', badge: 'neutral' },
};

function Deliveries({ entry }: { entry: HistoryEntry }) {
  if (entry.status === 'none') return <span class="muted">no channel</span>;
  if (entry.status === 'pending' && entry.deliveries.length === 0) return <span class="muted">sending…</span>;
  return (
    <ul class="plain-list">
      {entry.deliveries.map((d) => (
        <li key={d.channel}>
          {d.channel === 'email' ? 'E-mail' : 'Webhook'}:{' '}
          {d.ok ? (
            <span class="ok-text">delivered</span>
          ) : (
            <span class="error-text">
              {d.error ?? 'failed'}
              {d.attempts > 1 ? ` (${d.attempts} tries)` : ''}
            </span>
          )}
        </li>
      ))}
      {entry.status === 'pending' && <li class="muted">still trying…</li>}
    </ul>
  );
}

/** Every notification: when, which rule, firing/resolved/test, what it said and what each channel did. */
export function HistorySection(props: {
  history: HistoryEntry[];
  rules: AlertRule[];
  ruleId: string;
  onRule: (ruleId: string) => void;
  now: number;
}) {
  const { history, rules, ruleId, onRule, now } = props;
  return (
    <section class="card table-card alert-history" aria-labelledby="alert-history-title">
      <div class="alert-history-head">
        <h2 id="alert-history-title">History</h2>
        <select
          aria-label="Show the history of"
          class="compact"
          value={ruleId}
          onChange={(e) => onRule(e.currentTarget.value)}
        >
          <option value="">All rules</option>
          {rules.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      {history.length === 0 ? (
        <p class="muted empty">No alerts yet. Alerts, “resolved” messages and tests appear here.</p>
      ) : (
        <table class="table stack-narrow">
          <caption class="visually-hidden">Alert history</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Rule</th>
              <th scope="col">State</th>
              <th scope="col">What</th>
              <th scope="col">Delivery</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td data-label="When" class="nowrap">
                  <Time at={h.at} now={now} />
                </td>
                <td data-label="Rule">{h.ruleName}</td>
                <td data-label="State">
                  <span class={`badge ${KIND[h.kind].badge}`}>{KIND[h.kind].label}</span>
                </td>
                <td data-label="What" class="alert-summary">
                  {h.summary}
                </td>
                <td data-label="Delivery">
                  <Deliveries entry={h} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
