import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { CopyField } from '../components/copy-box.js';
import { RowEditor } from '../components/row-editor.js';
import { FieldLabel } from '../components/schema-field.js';
import type { Connection } from '../types.js';
import { type SecretAnswer, qualtricsApi } from './api.js';

type Row = { key: number; name: string; value: string };
let nextKey = 1;
const newRow = (name = '', value = ''): Row => ({ key: nextKey++, name, value });
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A new workflow trigger: name, Qualtrics connection, optional URL/username overrides and the key/values. */
export function NewTriggerForm(props: {
  connections: Connection[];
  onCreated: (answer: SecretAnswer) => void;
  onCancel?: (() => void) | undefined;
}) {
  const { connections, onCreated, onCancel } = props;
  const [name, setName] = useState('');
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? '');
  const [triggerUrl, setTriggerUrl] = useState('');
  const [username, setUsername] = useState('');
  const [rows, setRows] = useState<Row[]>(() => [newRow('Company GSID', '$.Company GSID')]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      const answer = await qualtricsApi.createTrigger({
        name: name.trim(),
        connectionId,
        triggerUrl: triggerUrl.trim() || null,
        username: username.trim() || null,
        template: rows.map((r) => ({ key: r.name.trim(), value: r.value })),
      });
      setName('');
      setRows([newRow('Company GSID', '$.Company GSID')]);
      onCreated(answer);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      // Issues name `template.<index>.<key|value>`; the row editor keys errors by row key and column.
      const byField: Record<string, string> = {};
      for (const issue of e instanceof ApiError ? e.issues : []) {
        const m = /^template\.(\d+)\.(key|value)$/.exec(issue.path);
        const row = m ? rows[Number(m[1])] : undefined;
        if (row && m) byField[`template.${row.key}.${m[2] === 'key' ? 'name' : 'value'}`] = issue.message;
        else byField[issue.path] = issue.message;
      }
      setErrors(byField);
      setFormError(Object.keys(byField).length ? 'Please fix the highlighted fields.' : messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const field = (id: string, label: string, value: string, set: (v: string) => void, help: string, key: string) => (
    <div class={`field${errors[key] ? ' invalid' : ''}`}>
      <FieldLabel id={id} text={label} required={key === 'name'} />
      <input
        id={id}
        value={value}
        autoComplete="off"
        spellcheck={false}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={`${id}-help`}
        onInput={(e) => set(e.currentTarget.value)}
      />
      <p class={errors[key] ? 'field-error' : 'help'} id={`${id}-help`}>
        {errors[key] ?? help}
      </p>
    </div>
  );

  return (
    <form class="card form-card" onSubmit={submit} noValidate aria-labelledby="new-trigger-title">
      <h2 id="new-trigger-title">New workflow trigger</h2>
      {formError && (
        <p class="notice error" role="alert">
          {formError}
        </p>
      )}
      {field('trigger-name', 'Trigger name', name, setName, 'e.g. “Renewal check-in survey”.', 'name')}
      <div class={`field${errors.connectionId ? ' invalid' : ''}`}>
        <label for="trigger-connection">Qualtrics connection</label>
        <select
          id="trigger-connection"
          value={connectionId}
          aria-describedby="trigger-connection-help"
          onChange={(e) => setConnectionId(e.currentTarget.value)}
        >
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <p class={errors.connectionId ? 'field-error' : 'help'} id="trigger-connection-help">
          {errors.connectionId ?? 'Holds the API token; its trigger URL and username are the defaults.'}
        </p>
      </div>
      {field(
        'trigger-url',
        'JSON-event trigger URL',
        triggerUrl,
        setTriggerUrl,
        'The workflow’s JSON Event URL (…/inbound-event/v1/events/json/triggers?urlTokenId=…). Empty: the connection’s.',
        'triggerUrl',
      )}
      {field(
        'trigger-username',
        'Qualtrics username',
        username,
        setUsername,
        'Sent as Basic auth with the API token (base64 of username:token). Empty: the connection’s.',
        'username',
      )}
      <RowEditor<Row>
        title="Key/value pairs"
        description={
          <>
            Each key becomes “Event Data” in the workflow. A value is literal text, or <code>$.path</code> taken from
            what Gainsight sends (<code>$.Company GSID</code>) or from a hub event (<code>$.context.traits.email</code>
            ). No rows: Gainsight’s body is forwarded as is.
          </>
        }
        name="template"
        columns={[
          { key: 'name', label: 'Key', placeholder: 'Renewal Date' },
          { key: 'value', label: 'Value', placeholder: '$.Renewal Date', mono: true },
        ]}
        rows={rows}
        errors={errors}
        addLabel="Add key/value"
        emptyText="No key/values: the webhook body is forwarded unchanged."
        onChange={setRows}
        newRow={() => newRow()}
      />
      <div class="form-actions">
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create trigger'}
        </button>
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** The one time a webhook secret is visible, with how to set Gainsight's External Action up. */
export function SecretReveal(props: { answer: SecretAnswer; reason: 'created' | 'rotated'; onDone: () => void }) {
  const { answer, reason, onDone } = props;
  const pairs = answer.trigger.template.map((r) => `"${r.key}": "…"`).join(', ');
  return (
    <section class="card reveal" aria-labelledby="secret-title">
      <h2 id="secret-title">
        {reason === 'created'
          ? `Trigger “${answer.trigger.name}” created`
          : `New webhook secret for “${answer.trigger.name}”`}
      </h2>
      <p class="notice warn" role="note">
        <strong>Copy this webhook secret now: it won’t be shown again.</strong>{' '}
        {reason === 'rotated'
          ? 'The previous secret has stopped working; update Gainsight’s connector.'
          : 'The hub keeps only a hash of it; if you lose it, rotate it.'}
      </p>
      <CopyField id="reveal-webhook-url" label="Webhook URL" value={answer.webhookUrl} />
      <CopyField id="reveal-webhook-secret" label="Webhook secret" value={answer.secret} />
      <h3>Set it up in Gainsight</h3>
      <ol class="setup-steps">
        <li>
          Administration → Connectors 2.0: add a custom connector for the hub with the header{' '}
          <code>X-Synchub-Secret: &lt;webhook secret&gt;</code> (or{' '}
          <code>Authorization: Bearer &lt;webhook secret&gt;</code>
          ).
        </li>
        <li>
          Add an External Action on it: method <code>POST</code>, the webhook URL above, and a JSON payload with the
          key/values, e.g. <code>{`{${pairs || '"Company GSID": "…", "Renewal Date": "…"'}}`}</code> — or just{' '}
          <code>{'{ }'}</code> to only start the workflow.
        </li>
        <li>
          In the Rules Engine, use the “Call External API” action with it. Each row is one call: the hub answers 202,
          then triggers the Qualtrics workflow and records its eventId and requestId below.
        </li>
      </ol>
      <div class="form-actions">
        <button type="button" class="button primary" onClick={onDone}>
          I’ve stored the secret
        </button>
      </div>
    </section>
  );
}
