import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import type { Connection, Source } from '../types.js';
import { type Rule, type SecretAnswer, type TestAnswer, type Trigger, qualtricsApi } from './api.js';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;

interface Props {
  trigger: Trigger;
  connection: Connection | undefined;
  rules: Rule[];
  sources: Source[];
  onChanged: () => void;
  onSecret: (answer: SecretAnswer) => void;
  onDeleted: () => void;
}

/** One workflow trigger: where it calls, its key/values, Test connection, event rules and its actions. */
export function TriggerCard({ trigger, connection, rules, sources, onChanged, onSecret, onDeleted }: Props) {
  const { id, name } = trigger;
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | undefined>();
  const [test, setTest] = useState<TestAnswer | undefined>();
  const url = trigger.triggerUrl ?? String(connection?.settings.triggerUrl ?? '');
  const username = trigger.username ?? String(connection?.settings.username ?? '');

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      if (!quiet(e)) setError(`${what} failed: ${messageOf(e)}`);
    } finally {
      setBusy(undefined);
      setConfirming(undefined);
    }
  };

  return (
    <article class="card trigger-card" aria-labelledby={`trigger-${id}`}>
      <div class="trigger-head">
        <div>
          <h2 id={`trigger-${id}`}>
            {name} {!trigger.enabled && <span class="badge neutral">Disabled</span>}
          </h2>
          <p class="muted small">
            {connection?.name ?? 'Unknown connection'} · secret <code>{trigger.secretHint}</code> ·{' '}
            {trigger.counts.delivered} delivered, {trigger.counts.failed} failed,{' '}
            {trigger.counts.pending + trigger.counts.retrying} queued
          </p>
        </div>
        <div class="button-row">
          <button
            type="button"
            class="button primary small"
            disabled={busy !== undefined}
            onClick={() =>
              run('Test connection', async () => {
                setTest(await qualtricsApi.test(id));
                onChanged();
              })
            }
          >
            {busy === 'Test connection' ? 'Testing…' : 'Test connection'}
          </button>
          <button
            type="button"
            class="button small"
            disabled={busy !== undefined}
            onClick={() =>
              run('Saving', async () => {
                await qualtricsApi.updateTrigger(id, { enabled: !trigger.enabled });
                onChanged();
              })
            }
          >
            {trigger.enabled ? 'Disable' : 'Enable'}
          </button>
          <button type="button" class="button small" onClick={() => setConfirming('rotate')}>
            Rotate secret
          </button>
          <button type="button" class="button small ghost danger-text" onClick={() => setConfirming('delete')}>
            Delete
          </button>
        </div>
      </div>
      {confirming && (
        <div class="confirm">
          <span>
            {confirming === 'rotate'
              ? 'The current secret stops working at once. Rotate?'
              : 'Delete this trigger, its rules and its delivery history?'}
          </span>
          <button
            type="button"
            class="button danger small"
            disabled={busy !== undefined}
            onClick={() =>
              confirming === 'rotate'
                ? run('Rotating', async () => onSecret(await qualtricsApi.rotateSecret(id)))
                : run('Delete', async () => {
                    await qualtricsApi.deleteTrigger(id);
                    onDeleted();
                  })
            }
          >
            {confirming === 'rotate' ? 'Yes, rotate' : 'Yes, delete'}
          </button>
          <button type="button" class="button small" onClick={() => setConfirming(undefined)}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <TestOutcome answer={test} />
      <dl class="details trigger-details">
        <div>
          <dt>Webhook URL</dt>
          <dd>
            <code>{trigger.webhookUrl}</code>
          </dd>
        </div>
        <div>
          <dt>Qualtrics trigger URL</dt>
          <dd>{url ? <code>{url}</code> : <span class="error-text">not set</span>}</dd>
        </div>
        <div>
          <dt>Username (Basic auth)</dt>
          <dd>{username || <span class="muted">none: X-API-TOKEN</span>}</dd>
        </div>
        <div>
          <dt>Key/values</dt>
          <dd>
            {trigger.template.length === 0
              ? 'the webhook body as sent'
              : trigger.template.map((r) => (
                  <code key={r.key} class="kv">
                    {r.key} ← {r.value}
                  </code>
                ))}
          </dd>
        </div>
      </dl>
      <RuleList trigger={trigger} rules={rules} sources={sources} onChanged={onChanged} />
    </article>
  );
}

function TestOutcome({ answer }: { answer: TestAnswer | undefined }) {
  if (!answer) return <p class="visually-hidden" role="status" />;
  return (
    <div class={`notice ${answer.ok ? 'success' : 'error'} test-outcome`} role="status">
      <strong>Status {answer.status ?? '—'}</strong>
      {answer.ok ? (
        <>
          {' '}
          · eventId <code>{answer.eventId}</code> · requestId <code>{answer.requestId}</code>
        </>
      ) : (
        <>
          {' '}
          · {answer.error.code}: {answer.error.message}
          {answer.error.body !== undefined && (
            <pre class="mono small">{JSON.stringify(answer.error.body, null, 2)}</pre>
          )}
        </>
      )}
    </div>
  );
}

/** Hub events that fire this trigger: a `track` by name, from any source or one. */
function RuleList(props: { trigger: Trigger; rules: Rule[]; sources: Source[]; onChanged: () => void }) {
  const { trigger, rules, sources, onChanged } = props;
  const [event, setEvent] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [error, setError] = useState<string | undefined>();
  const sourceName = (sid: string | null) => (sid ? (sources.find((s) => s.id === sid)?.name ?? sid) : 'Any source');
  const prefix = `rule-${trigger.id}`;

  const add = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await qualtricsApi.createRule({ triggerId: trigger.id, event: event.trim(), sourceId: sourceId || null });
      setEvent('');
      onChanged();
    } catch (err) {
      if (!quiet(err)) setError(messageOf(err));
    }
  };

  return (
    <fieldset class="group">
      <legend>Event rules</legend>
      <p class="muted small">
        A hub <code>track</code> event with this name also fires the workflow (key/values from the event).
      </p>
      {rules.length > 0 && (
        <ul class="rule-list">
          {rules.map((r) => (
            <li key={r.id}>
              track <strong>{r.event}</strong> · {sourceName(r.sourceId)}{' '}
              <button
                type="button"
                class="button small ghost danger-text"
                aria-label={`Remove rule ${r.event}`}
                onClick={() => qualtricsApi.deleteRule(r.id).then(onChanged, (err) => setError(messageOf(err)))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-fields" onSubmit={add}>
        <div class="field">
          <label for={`${prefix}-event`}>Event name</label>
          <input
            id={`${prefix}-event`}
            value={event}
            placeholder="Onboarding Completed"
            onInput={(e) => setEvent(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${prefix}-source`}>Source</label>
          <select id={`${prefix}-source`} value={sourceId} onChange={(e) => setSourceId(e.currentTarget.value)}>
            <option value="">Any source</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-button">
          <button type="submit" class="button small" disabled={!event.trim()}>
            Add rule
          </button>
        </div>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
