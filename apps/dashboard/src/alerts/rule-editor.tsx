import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { FieldLabel } from '../components/schema-field.js';
import { focusFirstInvalid } from '../components/text-field.js';
import { type AlertRule, alertsApi, type Budget } from './api.js';
import { bodyFrom, CONDITIONS, formFrom, placeIssues, type RuleForm } from './rule-form.js';

export interface ScopeOptions {
  pipelines: Array<{ id: string; name: string }>;
  destinations: Array<{ id: string; name: string }>;
  budgets: Budget[];
}

type Errors = Partial<Record<keyof RuleForm, string>>;

/** New or edit: name, a condition with its parameters and scope, the channels (webhook, e-mail), enabled. */
export function RuleEditor(props: {
  rule?: AlertRule | undefined;
  options: ScopeOptions;
  onSaved: (rule: AlertRule) => void;
  onCancel?: (() => void) | undefined;
}) {
  const { rule, options, onSaved, onCancel } = props;
  const [form, setForm] = useState<RuleForm>(() => formFrom(rule));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<{ message: string; more: string[] }>();
  const [busy, setBusy] = useState(false);
  const prefix = rule ? `edit-${rule.id.slice(0, 8)}` : 'new-rule';
  const idOf = (key: string) => `${prefix}-${key}`;
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      const body = bodyFrom(form);
      onSaved(rule ? await alertsApi.update(rule.id, body) : await alertsApi.create(body));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const { byField, rest } = placeIssues(e instanceof ApiError ? e.issues : [], form.type);
      setErrors(byField);
      const message = Object.keys(byField).length
        ? 'Please fix the highlighted fields.'
        : e instanceof Error
          ? e.message
          : String(e);
      setFormError({ message, more: rest });
      focusFirstInvalid();
    } finally {
      setBusy(false);
    }
  };

  /** A labelled input with its help or error (the error replaces the help, as the other forms do). */
  const field = (
    key: keyof RuleForm,
    label: string,
    help: ComponentChildren,
    input: { type?: string; required?: boolean; placeholder?: string; inputMode?: 'numeric' | 'email' | 'url' } = {},
  ) => {
    const id = idOf(key);
    return (
      <div class={`field${errors[key] ? ' invalid' : ''}`}>
        <FieldLabel id={id} text={label} required={input.required ?? false} />
        <input
          id={id}
          type={input.type ?? 'text'}
          value={String(form[key])}
          placeholder={input.placeholder}
          inputMode={input.inputMode}
          autoComplete={input.type === 'password' ? 'new-password' : 'off'}
          spellcheck={false}
          aria-required={input.required || undefined}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={`${id}-help`}
          onInput={(e) => set(key, e.currentTarget.value as never)}
        />
        <p class={errors[key] ? 'field-error' : 'help'} id={`${id}-help`}>
          {errors[key] ?? help}
        </p>
      </div>
    );
  };

  const select = (
    key: 'pipelineId' | 'destinationId' | 'budget',
    label: string,
    all: string,
    items: Array<[string, string]>,
    help: string,
  ) => {
    const id = idOf(key);
    return (
      <div class={`field${errors[key] ? ' invalid' : ''}`}>
        <label for={id}>{label}</label>
        <select
          id={id}
          value={form[key]}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={`${id}-help`}
          onChange={(e) => set(key, e.currentTarget.value)}
        >
          <option value="">{all}</option>
          {items.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
        <p class={errors[key] ? 'field-error' : 'help'} id={`${id}-help`}>
          {errors[key] ?? help}
        </p>
      </div>
    );
  };

  const pipelines = options.pipelines.map((p): [string, string] => [p.id, p.name]);
  const destinations = options.destinations.map((d): [string, string] => [d.id, d.name]);
  const condition = CONDITIONS.find((c) => c.type === form.type);
  const check = (key: 'enabled' | 'emailOn' | 'secure', label: string, help?: string) => (
    <div class="field check">
      <div class="check-row">
        <input
          id={idOf(key)}
          type="checkbox"
          checked={form[key]}
          aria-describedby={help ? `${idOf(key)}-help` : undefined}
          onChange={(e) => set(key, e.currentTarget.checked)}
        />
        <label for={idOf(key)}>{label}</label>
      </div>
      {help && (
        <p class="help" id={`${idOf(key)}-help`}>
          {help}
        </p>
      )}
    </div>
  );

  return (
    <form class="card form-card alert-form" onSubmit={submit} noValidate aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{rule ? `Edit “${rule.name}”` : 'New alert rule'}</h2>
      {formError && (
        <div class="notice error" role="alert">
          <p>{formError.message}</p>
          {formError.more.length > 0 && (
            <ul>
              {formError.more.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {field('name', 'Rule name', 'e.g. “Nightly pulls failing”.', { required: true })}
      <div class={`field${errors.type ? ' invalid' : ''}`}>
        <label for={idOf('type')}>Condition</label>
        <select
          id={idOf('type')}
          value={form.type}
          aria-describedby={`${idOf('type')}-help`}
          onChange={(e) => set('type', e.currentTarget.value as RuleForm['type'])}
        >
          {CONDITIONS.map((c) => (
            <option key={c.type} value={c.type}>
              {c.label}
            </option>
          ))}
        </select>
        <p class={errors.type ? 'field-error' : 'help'} id={`${idOf('type')}-help`}>
          {errors.type ?? condition?.help}
        </p>
      </div>
      <div class="alert-params">
        {(form.type === 'run_failed' || form.type === 'pipeline_stale') &&
          select(
            'pipelineId',
            'Pipeline',
            'All pipelines',
            pipelines,
            'One pipeline, or every pipeline (each alerts on its own).',
          )}
        {form.type === 'pipeline_stale' &&
          field('periods', 'Schedule periods', 'Alert after this many schedule intervals without a successful run.', {
            type: 'number',
            required: true,
            inputMode: 'numeric',
          })}
        {(form.type === 'failed_events' || form.type === 'waiting_age') &&
          select(
            'destinationId',
            'Destination',
            'All destinations',
            destinations,
            form.type === 'failed_events'
              ? 'Count failures of one destination, or of all together.'
              : 'One destination, or every destination (each alerts on its own).',
          )}
        {form.type === 'failed_events' &&
          field('threshold', 'More than (events)', 'Alert when more events than this failed in the period (0: any).', {
            type: 'number',
            required: true,
            inputMode: 'numeric',
          })}
        {form.type === 'failed_events' &&
          field('periodMinutes', 'In the last (minutes)', 'The period counted, ending now.', {
            type: 'number',
            required: true,
            inputMode: 'numeric',
          })}
        {form.type === 'budget_used' &&
          select(
            'budget',
            'Budget',
            'All budgets',
            options.budgets.map((b): [string, string] => [b.key, `${b.label} · ${b.percent}% now`]),
            'A vendor account’s bucket, as the Limits page shows it.',
          )}
        {form.type === 'budget_used' &&
          field('percent', 'At or above (%)', 'The fullest of the budget’s windows (or what the vendor reports).', {
            type: 'number',
            required: true,
            inputMode: 'numeric',
          })}
        {form.type === 'budget_used' &&
          field('holdMinutes', 'For (minutes)', 'How long it must stay there before the alert (0: at once).', {
            type: 'number',
            inputMode: 'numeric',
          })}
        {form.type === 'waiting_age' &&
          field('waitMinutes', 'Older than (minutes)', 'Age of the oldest event still waiting to be delivered.', {
            type: 'number',
            required: true,
            inputMode: 'numeric',
          })}
      </div>
      <fieldset class="group">
        <legend>Channels</legend>
        <p class="help channels-help">
          Each condition sends one alert when it starts and one “resolved” message when it clears. With no channel,
          alerts show here only.
        </p>
        {field(
          'webhookUrl',
          'Webhook URL',
          <>
            A Slack incoming webhook or any endpoint taking JSON (<code>text</code>, <code>blocks</code> and the alert’s
            fields). https, or http to this machine only.
            {rule?.channels.webhook
              ? ' The saved URL is stored encrypted and shown masked: leave it as it is to keep it.'
              : ' Stored encrypted; only its host is shown again.'}
          </>,
          { placeholder: 'https://hooks.slack.com/services/…', inputMode: 'url' },
        )}
        {check('emailOn', 'Send e-mail (SMTP)')}
        {form.emailOn && (
          <div class="alert-email">
            {field('host', 'SMTP host', 'e.g. smtp.example.com.', { required: true })}
            {field('port', 'Port', 'Empty: 465 with TLS from the start, else 587.', {
              type: 'number',
              inputMode: 'numeric',
            })}
            {check(
              'secure',
              'TLS from the start (port 465)',
              'Unticked, the hub uses STARTTLS when the server offers it, and requires it to send a password to another machine.',
            )}
            {field('user', 'Username', 'Empty: no login.')}
            {field(
              'password',
              'Password',
              form.passwordStored
                ? 'A password is stored (encrypted). Leave empty to keep it.'
                : 'Stored encrypted; never shown again.',
              { type: 'password', placeholder: form.passwordStored ? '•••••• (stored)' : '' },
            )}
            {field('from', 'From', 'The sender address, e.g. synchub@example.com.', {
              required: true,
              inputMode: 'email',
            })}
            {field('to', 'To', 'One or more addresses, separated by commas.', { required: true, inputMode: 'email' })}
          </div>
        )}
      </fieldset>
      {check('enabled', 'Enabled', 'A disabled rule is not evaluated and keeps no state.')}
      <div class="form-actions">
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Saving…' : rule ? 'Save changes' : 'Create rule'}
        </button>
        {onCancel && (
          <button type="button" class="button ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
