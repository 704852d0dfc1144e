import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { type FormError, FormActions, FormErrorNotice } from '../components/form-page.js';
import { RowEditor } from '../components/row-editor.js';
import { FieldLabel, SchemaField } from '../components/schema-field.js';
import { focusFirstInvalid, TextField } from '../components/text-field.js';
import {
  addRow,
  connectionLabel,
  initialKindState,
  type KindFormState,
  kindParts,
  kindSettings,
  routeKindIssues,
} from '../destination-kind.js';
import { setFlash } from '../flash.js';
import type { Part, Row } from '../pipeline-form.js';
import { navigate } from '../router.js';
import type { Connection, Destination, DestinationKind } from '../types.js';

interface Props {
  kind: DestinationKind;
  /** Connections of the kind's connector. */
  connections: Connection[];
  existing?: Destination | undefined;
  /** Every connection, for settings that name one (`…ConnectionId`). */
  allConnections: Connection[];
  picker: ComponentChildren;
}

/** A destination of any kind but Gainsight, its settings rendered from the kind's JSON Schema. */
export function KindForm({ kind, connections, existing, allConnections, picker }: Props) {
  const parts = useMemo(() => kindParts(kind.settingsSchema), [kind]);
  const [name, setName] = useState(existing?.name ?? '');
  const [connectionId, setConnectionId] = useState(
    existing?.connectionId ?? (connections.length === 1 ? connections[0]!.id : ''),
  );
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [state, setState] = useState<KindFormState>(() =>
    initialKindState(parts, existing?.settings, kind.settingsSchema),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormError>();
  const [busy, setBusy] = useState(false);
  const label = connectionLabel(kind.connectorId);

  const submit = async (event: Event) => {
    event.preventDefault();
    const { settings, errors: local } = kindSettings(parts, kind.settingsSchema, state);
    if (!name.trim()) local['name'] = 'Give the destination a name.';
    if (!connectionId) local['connectionId'] = `Pick the ${label} to deliver through.`;
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setFormError({ message: 'Please fix the highlighted fields.', more: [] });
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setFormError(undefined);
    const input = { name: name.trim(), connectionId, settings, enabled };
    try {
      if (existing) {
        await api.updateDestination(existing.id, input);
        setFlash(`Saved “${input.name}”.`);
      } else {
        await api.createDestination({ ...input, kind: kind.kind });
        setFlash(`Destination “${input.name}” created. Route a source to it on the Sources page.`);
      }
      navigate('/destinations');
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.issues.length > 0) {
        const routed = routeKindIssues(e.issues, parts, state.rows);
        setErrors(routed.byField);
        const fixable = Object.keys(routed.byField).length > 0;
        setFormError({
          message: fixable ? 'The hub refused some fields; see the messages next to them.' : e.message,
          more: routed.other,
        });
        focusFirstInvalid();
      } else {
        setFormError({ message: e instanceof Error ? e.message : String(e), more: [] });
      }
    }
  };

  const render = (p: Part) => {
    if (p.type === 'field') {
      const k = p.spec.key;
      return (
        <SchemaField
          key={k}
          field={p.spec}
          group="settings"
          value={state.values[k] ?? ''}
          error={errors[`settings.${k}`]}
          onChange={(v) => setState((s) => ({ ...s, values: { ...s.values, [k]: v } }))}
        />
      );
    }
    if (p.type === 'ref') {
      const id = `settings.${p.key}`;
      return (
        <ConnectionSelect
          key={p.key}
          id={`d-${p.key}`}
          label={p.label}
          required={p.required}
          value={state.refs[p.key] ?? ''}
          connections={allConnections.filter((c) => !p.connector || c.connectorId === p.connector)}
          error={errors[id]}
          onChange={(v) => setState((s) => ({ ...s, refs: { ...s.refs, [p.key]: v } }))}
        />
      );
    }
    return (
      <RowEditor<Row>
        key={p.key}
        title={p.label}
        description={p.description}
        name={p.key}
        columns={p.columns.map((c) => ({ key: c.key, label: c.label }))}
        rows={state.rows[p.key] ?? []}
        errors={errors}
        addLabel="Add row"
        emptyText="No rows yet."
        onChange={(next) => setState((s) => ({ ...s, rows: { ...s.rows, [p.key]: next } }))}
        newRow={() => addRow(p)}
      />
    );
  };

  return (
    <form class="card form-card" onSubmit={submit} noValidate>
      <FormErrorNotice error={formError} />
      {picker}
      <TextField id="d-name" label="Name" required value={name} error={errors['name']} onInput={setName} />
      <ConnectionSelect
        id="d-connection"
        label={label}
        required
        value={connectionId}
        connections={connections}
        error={errors['connectionId']}
        help={
          connections.length === 0 ? (
            <>
              No {label} yet: <a href="#/connections/new">add one</a> first.
            </>
          ) : (
            'Events are delivered through this connection’s writers.'
          )
        }
        onChange={setConnectionId}
      />
      <div class="field check">
        <div class="check-row">
          <input
            id="d-enabled"
            type="checkbox"
            role="switch"
            checked={enabled}
            aria-checked={enabled}
            aria-describedby="d-enabled-help"
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <label for="d-enabled">Enabled</label>
        </div>
        <p class="help" id="d-enabled-help">
          While disabled, events routed here are kept and wait; nothing is sent.
        </p>
      </div>
      {kind.messageTypes.length > 0 && <p class="small muted">Takes {kind.messageTypes.join(', ')} calls.</p>}

      {parts.length > 0 && (
        <fieldset class="group">
          <legend>Settings</legend>
          {parts.map(render)}
        </fieldset>
      )}

      <DeliveryFields
        flushWindowMs={state.flushWindowMs}
        maxAttempts={state.maxAttempts}
        errors={errors}
        flushHelp={
          kind.merge
            ? 'Calls for the same entity inside one window are merged into one record (100–60,000).'
            : 'Events are collected for this long and delivered together (100–60,000).'
        }
        onFlush={(v) => setState((s) => ({ ...s, flushWindowMs: v }))}
        onAttempts={(v) => setState((s) => ({ ...s, maxAttempts: v }))}
      />

      <FormActions
        busy={busy}
        editing={existing !== undefined}
        createLabel="Create destination"
        cancelHref="#/destinations"
      />
    </form>
  );
}

/** The host-level settings every destination has: flush window and max attempts. */
export function DeliveryFields(props: {
  flushWindowMs: string;
  maxAttempts: string;
  errors: Record<string, string | undefined>;
  flushHelp: string;
  onFlush: (value: string) => void;
  onAttempts: (value: string) => void;
}) {
  return (
    <fieldset class="group">
      <legend>Delivery</legend>
      <div class="two-col">
        <TextField
          id="d-flush"
          label="Flush window (ms)"
          type="number"
          value={props.flushWindowMs}
          error={props.errors['flushWindowMs']}
          help={props.flushHelp}
          onInput={props.onFlush}
        />
        <TextField
          id="d-attempts"
          label="Max attempts"
          type="number"
          value={props.maxAttempts}
          error={props.errors['maxAttempts']}
          help="Tries for temporary failures before an event is marked failed (1–50)."
          onInput={props.onAttempts}
        />
      </div>
    </fieldset>
  );
}

interface SelectProps {
  id: string;
  label: string;
  required: boolean;
  value: string;
  connections: Connection[];
  error?: string | undefined;
  help?: ComponentChildren;
  onChange: (value: string) => void;
}

function ConnectionSelect({ id, label, required, value, connections, error, help, onChange }: SelectProps) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <FieldLabel id={id} text={label} required={required} />
      <select
        id={id}
        value={value}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : help ? `${id}-help` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">Choose a connection…</option>
        {connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : (
        help && (
          <p class="help" id={`${id}-help`}>
            {help}
          </p>
        )
      )}
    </div>
  );
}
