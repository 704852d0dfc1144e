import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { type FormError, FormActions, FormErrorNotice, useLoadFor } from '../components/form-page.js';
import { LoadStatus } from '../components/load.js';
import { RowEditor } from '../components/row-editor.js';
import { FieldLabel } from '../components/schema-field.js';
import { focusFirstInvalid, TextField } from '../components/text-field.js';
import {
  buildInput,
  type DestinationForm,
  initialForm,
  newTraitRow,
  newVersionRow,
  routeDestinationIssues,
  type TraitRow,
  type VersionRow,
} from '../destination-form.js';
import { defaultKind } from '../destination-kind.js';
import { setFlash } from '../flash.js';
import { navigate } from '../router.js';
import type { Connection, Destination, DestinationKind, GainsightDestination } from '../types.js';
import { DeliveryFields, KindForm } from './destination-kind-form.js';

/**
 * Add (no id) or edit (id) an event destination. The kinds come from the hub (every connector that offers
 * a destination); Gainsight keeps its own form (custom field rows, event versions), any other kind's form
 * is rendered from its settings schema.
 */
export function DestinationFormPage({ id }: { id?: string }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [kinds, setKinds] = useState<DestinationKind[]>([]);
  const [existing, setExisting] = useState<Destination | undefined>();
  const [kindId, setKindId] = useState('');
  const load = useLoadFor(
    id,
    () =>
      Promise.all([api.connections(), api.destinationKinds(), id ? api.destination(id) : Promise.resolve(undefined)]),
    ([list, available, destination]) => {
      setConnections(list);
      setKinds(available);
      setExisting(destination);
      setKindId(destination?.kind ?? defaultKind(available, list));
    },
  );
  const kind = kinds.find((k) => k.kind === kindId);
  const ofKind = connections.filter((c) => c.connectorId === (kind?.connectorId ?? kindId));

  const picker = !existing && kinds.length > 1 && (
    <div class="field">
      <FieldLabel id="d-kind" text="Destination type" required />
      <select id="d-kind" value={kindId} aria-required onChange={(e) => setKindId(e.currentTarget.value)}>
        <option value="">Choose where events go…</option>
        {kinds.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.title}
          </option>
        ))}
      </select>
      <p class="help">Every installed connector that can take events is listed.</p>
    </div>
  );

  return (
    <section class="page narrow wide-form">
      <p class="crumbs">
        <a href="#/destinations">← Destinations</a>
      </p>
      <h1>
        {id ? `Edit ${existing?.name ?? 'destination'}` : kind ? `Add ${kind.title} destination` : 'Add destination'}
      </h1>
      {kind?.kind === 'gainsight' ? (
        <p class="muted">
          Identify calls upsert Gainsight people, group calls upsert companies (and link the person), track calls are
          published to the Events Framework.
        </p>
      ) : (
        kind?.description && <p class="muted">{kind.description}</p>
      )}
      <LoadStatus load={load} />
      {load.state === 'ready' && kinds.length === 0 && (
        <p class="notice warn">No installed connector offers an event destination.</p>
      )}
      {load.state === 'ready' && existing && !kind && (
        <p class="notice error" role="alert">
          This destination’s kind “{existing.kind}” is not installed any more: install its connector to edit it.
        </p>
      )}
      {load.state === 'ready' && !existing && !kind && picker && <div class="card form-card">{picker}</div>}
      {load.state === 'ready' &&
        kind &&
        (kind.kind === 'gainsight' ? (
          <Form
            key={existing?.id ?? 'new-gainsight'}
            connections={ofKind}
            existing={existing as GainsightDestination | undefined}
            picker={picker}
          />
        ) : (
          <KindForm
            key={existing?.id ?? `new-${kind.kind}`}
            kind={kind}
            connections={ofKind}
            existing={existing}
            allConnections={connections}
            picker={picker}
          />
        ))}
    </section>
  );
}

interface FormProps {
  connections: Connection[];
  existing?: GainsightDestination | undefined;
  /** The destination type select, when there is a choice. */
  picker: ComponentChildren;
}

/** The Gainsight destination: connection, custom field maps, events, delivery. */
function Form({ connections, existing, picker }: FormProps) {
  const [form, setForm] = useState<DestinationForm>(() =>
    initialForm(existing, connections.length === 1 ? connections[0]!.id : ''),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormError | undefined>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof DestinationForm>(key: K, value: DestinationForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const connection = connections.find((c) => c.id === form.connectionId);

  const submit = async (event: Event) => {
    event.preventDefault();
    const { input, sent, errors: local } = buildInput(form);
    if (!input.name) local['name'] = 'Give the destination a name.';
    if (!input.connectionId) local['connectionId'] = 'Pick the Gainsight connection to deliver through.';
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setFormError({ message: 'Please fix the highlighted fields.', more: [] });
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    setFormError(undefined);
    try {
      if (existing) {
        const { kind: _kind, ...patch } = input;
        await api.updateDestination(existing.id, patch);
        setFlash(`Saved “${input.name}”.`);
      } else {
        await api.createDestination(input);
        setFlash(`Destination “${input.name}” created. Route a source to it on the Sources page.`);
      }
      navigate('/destinations');
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.issues.length > 0) {
        const routed = routeDestinationIssues(e.issues, sent);
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

  return (
    <form class="card form-card" onSubmit={submit} noValidate>
      <FormErrorNotice error={formError} />
      {picker}
      <TextField
        id="d-name"
        label="Name"
        required
        value={form.name}
        error={errors['name']}
        help="e.g. “Gainsight production”."
        onInput={(v) => set('name', v)}
      />
      <div class={`field${errors['connectionId'] ? ' invalid' : ''}`}>
        <FieldLabel id="d-connection" text="Gainsight connection" required />
        <select
          id="d-connection"
          value={form.connectionId}
          aria-required
          aria-invalid={errors['connectionId'] ? true : undefined}
          aria-describedby={errors['connectionId'] ? 'd-connection-error' : 'd-connection-help'}
          onChange={(e) => set('connectionId', e.currentTarget.value)}
        >
          <option value="">Choose a connection…</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {errors['connectionId'] ? (
          <p class="field-error" id="d-connection-error">
            {errors['connectionId']}
          </p>
        ) : (
          <p class="help" id="d-connection-help">
            {connections.length === 0 ? (
              <>
                No Gainsight connection yet: <a href="#/connections/new">add one</a> first.
              </>
            ) : (
              'Domain and access key come from the connection; track calls also need its Tenant ID and Events shared secret.'
            )}
          </p>
        )}
        {connection && <EventsReadiness connection={connection} />}
      </div>
      <div class="field check">
        <div class="check-row">
          <input
            id="d-enabled"
            type="checkbox"
            role="switch"
            checked={form.enabled}
            aria-checked={form.enabled}
            aria-describedby="d-enabled-help"
            onChange={(e) => set('enabled', e.currentTarget.checked)}
          />
          <label for="d-enabled">Enabled</label>
        </div>
        <p class="help" id="d-enabled-help">
          While disabled, events routed here are kept and wait; nothing is sent to Gainsight.
        </p>
      </div>

      <RowEditor<TraitRow>
        title="Custom person fields"
        name="personFieldMap"
        description={
          <>
            Identify traits to Person custom fields (names end in <code>__gc</code>). Standard traits such as email,
            name and firstName are mapped for you.
          </>
        }
        columns={[
          { key: 'trait', label: 'Trait', placeholder: 'plan' },
          { key: 'field', label: 'Gainsight field', placeholder: 'Plan__gc', mono: true },
        ]}
        rows={form.personFieldMap}
        errors={errors}
        addLabel="Add person field"
        emptyText="No custom person fields."
        onChange={(rows) => set('personFieldMap', rows)}
        newRow={() => newTraitRow()}
      />
      <RowEditor<TraitRow>
        title="Custom company fields"
        name="companyFieldMap"
        description={
          <>
            Group traits to Company custom fields (<code>__gc</code>). Standard traits such as name, arr, industry and
            stage are mapped for you.
          </>
        }
        columns={[
          { key: 'trait', label: 'Trait', placeholder: 'segment' },
          { key: 'field', label: 'Gainsight field', placeholder: 'Segment__gc', mono: true },
        ]}
        rows={form.companyFieldMap}
        errors={errors}
        addLabel="Add company field"
        emptyText="No custom company fields."
        onChange={(rows) => set('companyFieldMap', rows)}
        newRow={() => newTraitRow()}
      />

      <fieldset class="group">
        <legend>Events (track calls)</legend>
        <TextField
          id="d-topic"
          label="Topic name"
          value={form.topicName}
          error={errors['topicName']}
          help="The Events Framework topic the events are registered under. Required to send track calls."
          onInput={(v) => set('topicName', v)}
        />
        <TextField
          id="d-contract"
          label="Contract ID"
          value={form.contractId}
          error={errors['contractId']}
          help="Optional. A gainsightEventContractId in a call’s context.externalId wins over it."
          onInput={(v) => set('contractId', v)}
        />
      </fieldset>
      <RowEditor<VersionRow>
        title="Event versions"
        name="eventVersions"
        description="Only track events listed here are sent. Names are case-sensitive; leave the Gainsight name blank when it is the same."
        columns={[
          { key: 'event', label: 'Event', placeholder: 'Report Exported' },
          { key: 'eventName', label: 'Gainsight event name', placeholder: 'same as event', optional: true },
          { key: 'version', label: 'Version', placeholder: 'v01', mono: true },
        ]}
        rows={form.eventVersions}
        errors={errors}
        addLabel="Add event"
        emptyText="No events mapped: track calls will fail with “event version mapping not provided”."
        onChange={(rows) => set('eventVersions', rows)}
        newRow={() => newVersionRow()}
      />

      <DeliveryFields
        flushWindowMs={form.flushWindowMs}
        maxAttempts={form.maxAttempts}
        errors={errors}
        flushHelp="Calls for the same person or company inside one window are merged into one Gainsight call (100–60,000)."
        onFlush={(v) => set('flushWindowMs', v)}
        onAttempts={(v) => set('maxAttempts', v)}
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

/** Warns early when the connection cannot publish events (the hub would fail every track call). */
function EventsReadiness({ connection }: { connection: Connection }) {
  const missing: string[] = [];
  if (!connection.settings['tenantId']) missing.push('Tenant ID');
  if (!('sharedSecret' in connection.secrets)) missing.push('Events shared secret');
  if (missing.length === 0) return null;
  return (
    <p class="notice warn small">
      “{connection.name}” has no {missing.join(' or ')}: identify and group calls will be delivered, track calls will
      fail. <a href={`#/connections/${encodeURIComponent(connection.id)}/edit`}>Edit the connection</a>.
    </p>
  );
}
