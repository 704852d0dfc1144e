import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { Confirm } from '../components/list-page.js';
import { Time } from '../components/time.js';
import { formatTime, timeAgo, timeHint } from '../format.js';
import { type AlertRule, alertsApi, type DeliveryOutcome } from './api.js';
import { describeCondition } from './rule-form.js';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;
const iso = (ms: number) => new Date(ms).toISOString();

/** "OK", "Firing since 12:03:10 (5 min ago)", "Pending", "Disabled". */
export function StateBadge({ rule, now }: { rule: AlertRule; now: number }) {
  if (!rule.enabled) return <span class="badge neutral">Disabled</span>;
  const { state } = rule;
  if (state.status === 'firing' && state.since !== null) {
    return (
      <span class="badge failed" title={timeHint(state.since, now)}>
        Firing since {formatTime(state.since, now)} ({timeAgo(iso(state.since), now)})
      </span>
    );
  }
  if (state.status === 'pending') return <span class="badge state-retrying">Over the line, waiting</span>;
  return <span class="badge ok">OK</span>;
}

export function channelsLine(rule: AlertRule): string {
  const parts: string[] = [];
  if (rule.channels.webhook) {
    let host = rule.channels.webhook.url;
    try {
      host = new URL(host).host;
    } catch {}
    parts.push(`Webhook to ${host}`);
  }
  if (rule.channels.email) parts.push(`E-mail to ${rule.channels.email.to.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'No channel: shown here only';
}

/** One rule: its state (and what is firing), condition, channels; test, edit, enable/disable, delete. */
export function RuleCard(props: {
  rule: AlertRule;
  now: number;
  nameOf: (id: string) => string;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const { rule, now, nameOf, onEdit, onChanged } = props;
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [test, setTest] = useState<DeliveryOutcome[]>();
  const titleId = `rule-${rule.id}`;

  const act = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      if (!quiet(e)) setError(`${what} failed: ${messageOf(e)}`);
    } finally {
      setBusy(undefined);
    }
  };
  const hasChannel = Boolean(rule.channels.webhook || rule.channels.email);
  const items = [...rule.state.firing, ...rule.state.pending];

  return (
    <article class="card alert-card" aria-labelledby={titleId}>
      <div class="alert-head">
        <div class="alert-title">
          <h2 id={titleId}>{rule.name}</h2>
          <StateBadge rule={rule} now={now} />
        </div>
        <div class="button-row">
          <button
            type="button"
            class="button primary small"
            disabled={busy !== undefined || !hasChannel}
            title={hasChannel ? undefined : 'Add a webhook or an e-mail first'}
            onClick={() =>
              act('Test', async () => {
                setTest(undefined);
                setTest((await alertsApi.test(rule.id)).results);
                onChanged();
              })
            }
          >
            {busy === 'Test' ? 'Sending…' : 'Send a test alert'}
          </button>
          <button type="button" class="button small" disabled={busy !== undefined} onClick={onEdit}>
            Edit
          </button>
          <button
            type="button"
            class="button small"
            disabled={busy !== undefined}
            onClick={() =>
              act(rule.enabled ? 'Disable' : 'Enable', async () => {
                await alertsApi.update(rule.id, { enabled: !rule.enabled });
                onChanged();
              })
            }
          >
            {rule.enabled ? 'Disable' : 'Enable'}
          </button>
          <button type="button" class="button small ghost danger-text" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      </div>
      <p class="alert-condition">{describeCondition(rule.condition, nameOf)}</p>
      <p class="muted small">{channelsLine(rule)}</p>
      {confirming && (
        <Confirm
          prompt="Delete this rule? Its history stays."
          busy={busy === 'Delete'}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            act('Delete', async () => {
              await alertsApi.remove(rule.id);
              setConfirming(false);
              onChanged();
            })
          }
        />
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {test && (
        <div class="notice info test-results" role="status">
          <p>Test alert sent:</p>
          <ul>
            {test.map((r) => (
              <li key={r.channel}>
                <strong>{r.channel === 'email' ? 'E-mail' : 'Webhook'}</strong> ({r.target}):{' '}
                {r.ok ? <span class="ok-text">delivered</span> : <span class="error-text">{r.error}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {rule.enabled && items.length > 0 && (
        <ul class="alert-subjects">
          {items.map((s) => (
            <li key={s.subject}>
              <span class="alert-subject-label">{s.label}</span>
              <span class="muted small">
                {rule.state.firing.includes(s) ? 'firing' : 'over the line'} since <Time at={s.since} now={now} />
              </span>
              <div class="small">{s.summary}</div>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
