import { useMemo, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { type FormError, FormActions, FormErrorNotice, useLoadFor } from '../components/form-page.js';
import { LoadStatus } from '../components/load.js';
import { FieldLabel, SchemaField, inputId } from '../components/schema-field.js';
import { setFlash } from '../flash.js';
import { navigate } from '../router.js';
import {
  type FieldSpec,
  type FormValues,
  fieldsFromSchema,
  initialValues,
  routeIssues,
  toPayload,
} from '../schema-form.js';
import type { Connection, Connector, PluginError } from '../types.js';

/** Add a connection (no id) or edit one (id): connector picker, name, then fields from the connector's schemas. */
export function ConnectionFormPage({ id }: { id?: string }) {
  const editing = id !== undefined;
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [pluginErrors, setPluginErrors] = useState<PluginError[]>([]);
  const [existing, setExisting] = useState<Connection | undefined>();
  const [connectorId, setConnectorId] = useState('');
  const load = useLoadFor(
    id,
    () => Promise.all([api.catalog(), id ? api.connection(id) : Promise.resolve(undefined)]),
    ([{ connectors: kinds, errors }, connection]) => {
      setConnectors(kinds);
      setPluginErrors(errors);
      setExisting(connection);
      if (connection) setConnectorId(connection.connectorId);
      else if (kinds.length === 1) setConnectorId(kinds[0]!.id);
    },
  );

  const connector = connectors.find((c) => c.id === connectorId);

  return (
    <section class="page narrow">
      <p class="crumbs">
        <a href="#/connections">← Connections</a>
      </p>
      <h1>{editing ? `Edit ${existing?.name ?? 'connection'}` : 'Add connection'}</h1>
      <LoadStatus load={load} />
      {load.state === 'ready' && !editing && pluginErrors.length > 0 && (
        <details class="notice warn">
          <summary>
            {pluginErrors.length === 1 ? '1 connector package' : `${pluginErrors.length} connector packages`} could not
            be loaded
          </summary>
          <ul>
            {pluginErrors.map((e) => (
              <li key={e.message}>{e.message}</li>
            ))}
          </ul>
        </details>
      )}
      {load.state === 'ready' && (
        <div class="card form-card">
          {editing ? (
            <div class="field">
              <span class="label">Connector</span>
              <p class="static">{connector?.name ?? existing?.connectorId}</p>
            </div>
          ) : (
            <div class="field">
              <label for="f-connector">Connector</label>
              <select id="f-connector" value={connectorId} onChange={(e) => setConnectorId(e.currentTarget.value)}>
                <option value="">Choose a connector…</option>
                {connectors.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
              {connector?.description && <p class="help">{connector.description}</p>}
            </div>
          )}
          {connector ? (
            // Keyed so switching connector starts a fresh form.
            <ConnectionForm key={connector.id} connector={connector} existing={existing} />
          ) : (
            !editing && <p class="muted">Pick a connector to see its settings.</p>
          )}
        </div>
      )}
    </section>
  );
}

interface FormProps {
  connector: Connector;
  existing?: Connection;
}

function ConnectionForm({ connector, existing }: FormProps) {
  const settingsFields = useMemo(() => fieldsFromSchema(connector.settingsSchema), [connector]);
  const secretFields = useMemo(() => fieldsFromSchema(connector.secretsSchema, { secret: true }), [connector]);
  const [name, setName] = useState(existing?.name ?? connector.name);
  const [settings, setSettings] = useState<FormValues>(() => initialValues(settingsFields, existing?.settings));
  const [secrets, setSecrets] = useState<FormValues>(() => initialValues(secretFields, undefined, true));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormError | undefined>();
  const [busy, setBusy] = useState(false);

  const fieldIds = [
    'name',
    ...settingsFields.map((f) => `settings.${f.key}`),
    ...secretFields.map((f) => `secrets.${f.key}`),
  ];

  const submit = async (event: Event) => {
    event.preventDefault();
    const s = toPayload(settingsFields, settings);
    const x = toPayload(secretFields, secrets);
    const local: Record<string, string> = {};
    if (!name.trim()) local['name'] = 'Give the connection a name.';
    for (const [k, m] of Object.entries(s.errors)) local[`settings.${k}`] = m;
    for (const [k, m] of Object.entries(x.errors)) local[`secrets.${k}`] = m;
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setFormError({ message: 'Please fix the highlighted fields.', more: [] });
      return;
    }
    setBusy(true);
    setFormError(undefined);
    try {
      if (existing) {
        // Blank secrets were left out by toPayload: the hub keeps their current values.
        const patch = {
          name: name.trim(),
          settings: s.value,
          ...(Object.keys(x.value).length ? { secrets: x.value } : {}),
        };
        await api.updateConnection(existing.id, patch);
        setFlash(`Saved “${name.trim()}”.`);
      } else {
        await api.createConnection({
          connectorId: connector.id,
          name: name.trim(),
          settings: s.value,
          secrets: x.value,
        });
        setFlash(`Connection “${name.trim()}” created. Validate it to check the credentials.`);
      }
      navigate('/connections');
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.issues.length > 0) {
        const routed = routeIssues(e.issues, fieldIds);
        setErrors(routed.byField);
        const message = routed.other.length > 0 ? e.message : 'Please fix the highlighted fields.';
        setFormError({ message, more: routed.other });
        focusFirstError(Object.keys(routed.byField), fieldIds);
      } else {
        setFormError({ message: e instanceof Error ? e.message : String(e), more: [] });
      }
    }
  };

  const secretSet = (key: string) => existing !== undefined && key in existing.secrets;

  return (
    <form onSubmit={submit} noValidate>
      <FormErrorNotice error={formError} />
      <div class={`field${errors['name'] ? ' invalid' : ''}`}>
        <FieldLabel id="f-name" text="Name" required />
        <input
          id="f-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-required
          aria-invalid={errors['name'] ? true : undefined}
          aria-describedby={errors['name'] ? 'f-name-error' : 'f-name-help'}
          autoComplete="off"
        />
        {errors['name'] ? (
          <p class="field-error" id="f-name-error">
            {errors['name']}
          </p>
        ) : (
          <p class="help" id="f-name-help">
            A label for you, e.g. “Gainsight production”.
          </p>
        )}
      </div>
      <FieldGroup
        title="Settings"
        group="settings"
        fields={settingsFields}
        values={settings}
        onChange={setSettings}
        errors={errors}
      />
      <FieldGroup
        title="Secrets"
        note={
          existing
            ? 'Stored encrypted and never shown again. Leave a field blank to keep its current value.'
            : 'Stored encrypted and never shown again.'
        }
        group="secrets"
        fields={secretFields}
        values={secrets}
        onChange={setSecrets}
        errors={errors}
        placeholder={(key) => (secretSet(key) ? '•••••• (unchanged)' : undefined)}
      />
      <FormActions
        busy={busy}
        editing={existing !== undefined}
        createLabel="Create connection"
        cancelHref="#/connections"
      />
    </form>
  );
}

interface GroupProps {
  title: string;
  note?: string;
  group: 'settings' | 'secrets';
  fields: FieldSpec[];
  values: FormValues;
  errors: Record<string, string>;
  onChange: (next: (values: FormValues) => FormValues) => void;
  placeholder?: (key: string) => string | undefined;
}

function FieldGroup({ title, note, group, fields, values, errors, onChange, placeholder }: GroupProps) {
  if (fields.length === 0) return null;
  return (
    <fieldset class="group">
      <legend>{title}</legend>
      {note && <p class="muted small">{note}</p>}
      {fields.map((field) => (
        <SchemaField
          key={field.key}
          field={field}
          group={group}
          value={values[field.key] ?? ''}
          error={errors[`${group}.${field.key}`]}
          placeholder={placeholder?.(field.key)}
          onChange={(value) => onChange((prev) => ({ ...prev, [field.key]: value }))}
        />
      ))}
    </fieldset>
  );
}

function focusFirstError(withErrors: string[], order: string[]): void {
  const first = order.find((f) => withErrors.includes(f));
  if (!first) return;
  const [group, key] = first.includes('.') ? first.split('.', 2) : ['', first];
  const el = document.getElementById(group ? inputId(group, key!) : `f-${key}`);
  el?.focus();
}
