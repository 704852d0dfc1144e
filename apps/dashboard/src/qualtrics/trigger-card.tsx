import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import type { Connection, Source } from '../types.js';
import {
  type Rule,
  type RuleCheck,
  type SecretAnswer,
  type TestAnswer,
  type TestPlan,
  type Trigger,
  qualtricsApi,
} from './api.js';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;

interface Props {
  trigger: Trigger;
  connection: Connection | undefined;
  /** Every Qualtrics connection: the trigger can move to another one. */
  connections: Connection[];
  rules: Rule[];
  sources: Source[];
  onChanged: () => void;
  onSecret: (answer: SecretAnswer) => void;
  onDeleted: () => void;
}

/** One workflow trigger: where it calls, its key/values, Test (dry run, then confirmed), event rules, actions. */
export function TriggerCard(props: Props) {
  const { trigger, connection, connections, rules, sources, onChanged, onSecret, onDeleted } = props;
  const { id, name } = trigger;
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | undefined>();
  const [test, setTest] = useState<TestAnswer | undefined>();
  const [plan, setPlan] = useState<TestPlan | undefined>();
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
            disabled={busy !== undefined || plan !== undefined}
            onClick={() =>
              run('Test', async () => {
                setTest(undefined);
                setPlan(await qualtricsApi.planTest(id));
                requestAnimationFrame(() => document.getElementById(`test-plan-${id}`)?.focus());
              })
            }
          >
            {busy === 'Test' ? 'Preparing…' : 'Test…'}
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
      {plan && (
        <TestPlanView
          id={`test-plan-${id}`}
          plan={plan}
          busy={busy === 'Sending test'}
          onSend={() =>
            run('Sending test', async () => {
              setTest(await qualtricsApi.test(id));
              setPlan(undefined);
              onChanged();
            })
          }
          onCancel={() => setPlan(undefined)}
        />
      )}
      <TestOutcome answer={test} />
      <dl class="details trigger-details">
        {connections.length > 1 && (
          <div>
            <dt>
              <label for={`trigger-${id}-connection`}>Qualtrics connection</label>
            </dt>
            <dd>
              <select
                id={`trigger-${id}-connection`}
                class="compact"
                value={trigger.connectionId}
                disabled={busy !== undefined}
                onChange={(e) => {
                  const connectionId = e.currentTarget.value;
                  void run('Moving', async () => {
                    await qualtricsApi.updateTrigger(id, { connectionId });
                    onChanged();
                  });
                }}
              >
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </dd>
          </div>
        )}
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

/** The request "Test" would send, and a send button that says the real workflow will run. */
function TestPlanView(props: { id: string; plan: TestPlan; busy: boolean; onSend: () => void; onCancel: () => void }) {
  const { id, plan, busy, onSend, onCancel } = props;
  const { request } = plan;
  return (
    <section class="test-plan" id={id} tabIndex={-1} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Test: the request the hub would send</h3>
      <p class="muted small">Nothing has been sent yet.</p>
      {request ? (
        <dl class="details plan-details">
          <div>
            <dt>Request</dt>
            <dd>
              <code>
                {request.method} {request.url}
              </code>
            </dd>
          </div>
          <div>
            <dt>Headers</dt>
            <dd>
              {Object.entries(request.headers).map(([name, value]) => (
                <code key={name} class="kv">
                  {name}: {value}
                </code>
              ))}
            </dd>
          </div>
          <div>
            <dt>Body</dt>
            <dd>
              <pre class="mono small">{JSON.stringify(request.body, null, 2)}</pre>
            </dd>
          </div>
        </dl>
      ) : (
        <p class="notice error" role="alert">
          No request can be built: {plan.error?.message ?? 'unknown reason'}
        </p>
      )}
      {request && (
        <p class="notice warn" role="note">
          <strong>A real workflow will run.</strong> {plan.warning}
        </p>
      )}
      <div class="button-row plan-actions">
        {request && (
          <button type="button" class="button danger small" disabled={busy} onClick={onSend}>
            {busy ? 'Sending…' : 'Send it: run the real workflow'}
          </button>
        )}
        <button type="button" class="button small" disabled={busy} onClick={onCancel}>
          {request ? 'Cancel' : 'Close'}
        </button>
      </div>
    </section>
  );
}

function TestOutcome({ answer }: { answer: TestAnswer | undefined }) {
  if (!answer) return <p class="visually-hidden" role="status" />;
  return (
    <div class={`notice ${answer.ok ? 'success' : 'error'} test-outcome`} role="status">
      <strong>
        {answer.ok ? 'Sent: the workflow ran' : 'Qualtrics refused the test'} · status {answer.status ?? '—'}
      </strong>
      {answer.ok ? (
        <>
          {' '}
          · eventId <code>{answer.eventId ?? 'not given'}</code> · requestId{' '}
          <code>{answer.requestId ?? 'not given'}</code>
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

/** What a new rule was checked against, in words. */
function checkText(check: RuleCheck, event: string): string {
  const against =
    check.sample.source === 'pasted'
      ? 'the pasted sample'
      : check.sample.source === 'event'
        ? `the latest “${event}” event (#${check.sample.eventId})`
        : `the shape of a track event (no “${event}” event is stored yet)`;
  const values = Object.entries(check.values)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  const later =
    check.unverified.length > 0
      ? ` ${check.unverified.join(', ')} can only be checked by a real event: paste a sample to check ${check.unverified.length === 1 ? 'it' : 'them'} now.`
      : '';
  return `Rule added. Key/values checked against ${against}${values ? `: ${values}` : ''}.${later}`;
}

/** Hub events that fire this trigger: a `track` by name, from any source or one, checked against a sample. */
function RuleList(props: { trigger: Trigger; rules: Rule[]; sources: Source[]; onChanged: () => void }) {
  const { trigger, rules, sources, onChanged } = props;
  const [event, setEvent] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [sample, setSample] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [added, setAdded] = useState<string | undefined>();
  const sourceName = (sid: string | null) => (sid ? (sources.find((s) => s.id === sid)?.name ?? sid) : 'Any source');
  const prefix = `rule-${trigger.id}`;

  const add = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setAdded(undefined);
    let parsed: Record<string, unknown> | undefined;
    if (sample.trim()) {
      try {
        parsed = JSON.parse(sample);
      } catch (err) {
        setError(`The sample event is not valid JSON: ${messageOf(err)}`);
        return;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        setError('The sample event must be a JSON object, e.g. {"type": "track", "event": "…", "properties": {…}}');
        return;
      }
    }
    try {
      const name = event.trim();
      const rule = await qualtricsApi.createRule({
        triggerId: trigger.id,
        event: name,
        sourceId: sourceId || null,
        sample: parsed,
      });
      setAdded(checkText(rule.check, name));
      setEvent('');
      setSample('');
      onChanged();
    } catch (err) {
      if (!quiet(err)) setError(messageOf(err));
    }
  };

  return (
    <fieldset class="group">
      <legend>Event rules</legend>
      <p class="muted small">
        A hub <code>track</code> event with this name also fires the workflow, with the key/values taken from the event.
        They are checked against a sample event when the rule is added; an event in which they all come out empty is
        kept as failed and not sent.
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
      <form class="rule-form" onSubmit={add}>
        <div class="inline-fields">
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
        </div>
        <details class="sample-event" open={sample !== '' || undefined}>
          <summary>Sample event (optional)</summary>
          <div class="field">
            <label for={`${prefix}-sample`}>Sample event (JSON)</label>
            <textarea
              id={`${prefix}-sample`}
              class="mono"
              rows={6}
              spellcheck={false}
              value={sample}
              aria-describedby={`${prefix}-sample-help`}
              placeholder={'{"type": "track", "event": "Onboarding Completed", "context": {"traits": {"email": "…"}}}'}
              onInput={(e) => setSample(e.currentTarget.value)}
            />
            <p class="help" id={`${prefix}-sample-help`}>
              An event as your app sends it. Without one, the key/values are checked against the latest stored event of
              that name, or only against the shape of a track event when none is stored yet.
            </p>
          </div>
        </details>
      </form>
      {error && (
        <p class="field-error rule-error" role="alert">
          {error}
        </p>
      )}
      {added && (
        <p class="notice success small" role="status">
          {added}
        </p>
      )}
    </fieldset>
  );
}
