import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { FormActions } from '../components/form-page.js';
import { lazyPage } from '../components/lazy.js';
import { RowEditor } from '../components/row-editor.js';
import { focusFirstInvalid } from '../components/text-field.js';
import { ScheduleFields, scheduleOf } from '../components/schedule-fields.js';
import { FieldLabel, SchemaField } from '../components/schema-field.js';
import { setFlash } from '../flash.js';
import {
  newRow,
  type Part,
  partsOf,
  pipelinesApi,
  type Row,
  routeSettingsIssues,
  rowsFrom,
  rowsPayload,
} from '../pipeline-form.js';
import { presetOf } from '../pull-status.js';
import type { Pipeline, PipelineKindInfo } from '../pulls-types.js';
import { navigate } from '../router.js';
import { type FormValues, initialValues, toPayload } from '../schema-form.js';
import type { Connection } from '../types.js';

// Create or edit any pipeline kind: the form comes from the kind's settings schema (GET /api/pipelines/kinds).

export interface Loaded {
  kinds: PipelineKindInfo[];
  schedules: Record<string, string>;
  connections: Connection[];
  existing?: Pipeline | undefined;
}

// The generic sync's form (pickers from discover, mapping rows, preview) is its own chunk.
const SyncForm = lazyPage(() => import('./sync-form.js').then((m) => m.SyncForm));

/** `kind` preselects a kind for a new pipeline (`#/pipelines/new?kind=sync`). */
export function PipelineFormPage({ id, kind: wanted }: { id?: string | undefined; kind?: string | undefined }) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [kindId, setKindId] = useState(wanted ?? '');
  useEffect(() => {
    Promise.all([pipelinesApi.kinds(), api.connections(), id ? pipelinesApi.get(id) : undefined]).then(
      ([k, connections, existing]) => {
        setLoaded({ ...k, connections, existing });
        if (existing) setKindId(existing.kind);
      },
      (e: Error) => setError(e.message),
    );
  }, [id]);
  const kind = loaded?.kinds.find((k) => k.kind === kindId);
  const groups = [...new Set(loaded?.kinds.map((k) => k.group))];

  return (
    <section class={`page wide-form${kindId === 'sync' ? ' sync-page' : ''}`}>
      <p class="crumbs">
        <a href="#/pipelines">Pipelines</a>
      </p>
      <h1>{id ? `Edit ${loaded?.existing?.name ?? 'pipeline'}` : kindId === 'sync' ? 'New sync' : 'New pipeline'}</h1>
      {error && (
        <p class="notice error" role="alert">
          Could not load: {error}
        </p>
      )}
      {loaded && (
        <div class="card form-card">
          {loaded.existing ? (
            <p class="static">{kind?.title}</p>
          ) : (
            <div class="field">
              <label for="f-kind">Pipeline kind</label>
              <select id="f-kind" value={kindId} onChange={(e) => setKindId(e.currentTarget.value)}>
                <option value="">Choose a kind…</option>
                {groups.map((g) => (
                  <optgroup key={g} label={g}>
                    {loaded.kinds
                      .filter((k) => k.group === g)
                      .map((k) => (
                        <option key={k.kind} value={k.kind}>
                          {k.title}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </div>
          )}
          {kind && <p class="help kind-help">{kind.description}</p>}
          {kind?.kind === 'sync' && <SyncForm key={kind.kind} kind={kind} loaded={loaded} />}
          {kind && kind.kind !== 'sync' && <KindForm key={kind.kind} kind={kind} loaded={loaded} />}
        </div>
      )}
    </section>
  );
}

function KindForm({ kind, loaded }: { kind: PipelineKindInfo; loaded: Loaded }) {
  const { existing, connections, schedules } = loaded;
  const parts = useMemo(() => partsOf(kind.settingsSchema), [kind]);
  const specs = parts.flatMap((p) => (p.type === 'field' ? [p.spec] : []));
  const current = existing?.settings ?? {};
  const [name, setName] = useState(existing?.name ?? kind.title);
  const [connectionId, setConnectionId] = useState(existing?.connectionId ?? '');
  const [values, setValues] = useState<FormValues>(() => initialValues(specs, current));
  const [refs, setRefs] = useState<Record<string, string>>(() =>
    Object.fromEntries(parts.flatMap((p) => (p.type === 'ref' ? [[p.key, String(current[p.key] ?? '')]] : []))),
  );
  const [rows, setRows] = useState<Record<string, Row[]>>(() =>
    Object.fromEntries(
      parts.flatMap((p) => {
        if (p.type !== 'rows') return [];
        const list = rowsFrom(current[p.key], p.columns);
        return [[p.key, list.length > 0 ? list : [newRow(p.columns)]]];
      }),
    ),
  );
  const initial = existing?.schedule ?? kind.defaultSchedule;
  const [preset, setPreset] = useState(() => presetOf(initial, schedules));
  const [cron, setCron] = useState(initial);
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  // Moving a saved pipeline to another connection: go on from its cursor (a replacement connection to
  // the same account) unless asked to start over (another account).
  const moved = existing !== undefined && connectionId !== existing.connectionId;
  const [startOver, setStartOver] = useState(false);

  const of = (connector?: string) => connections.filter((c) => !connector || c.connectorId === connector);

  const submit = async (event: Event) => {
    event.preventDefault();
    const plain = toPayload(specs, values);
    const settings: Record<string, unknown> = { ...plain.value };
    for (const p of parts) {
      if (p.type === 'ref' && refs[p.key]) settings[p.key] = refs[p.key];
      if (p.type === 'rows') settings[p.key] = rowsPayload(rows[p.key] ?? [], p, kind.settingsSchema);
    }
    const schedule = scheduleOf(preset, cron, schedules);
    const body = existing
      ? {
          name: name.trim(),
          connectionId,
          settings,
          schedule,
          enabled,
          ...(moved && startOver ? { resetCursor: true } : {}),
        }
      : { kind: kind.kind, name: name.trim(), connectionId, settings, schedule, enabled };
    setBusy(true);
    try {
      const { pipeline } = await pipelinesApi.save(existing?.id, body);
      setFlash(`Saved “${pipeline.name}”.`);
      navigate('/pipelines');
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 401) return;
      const issues = e instanceof ApiError ? e.issues : [];
      const routed = routeSettingsIssues(issues, parts, rows, ['name', 'connectionId', 'schedule']);
      for (const [k, m] of Object.entries(plain.errors)) routed.byField[`settings.${k}`] = m;
      setErrors(routed.byField);
      setOther(issues.length === 0 ? [(e as Error).message] : routed.other);
      // As the other forms do: the keyboard lands on the first field to fix.
      focusFirstInvalid();
    }
  };

  const select = (
    id: string,
    label: string,
    value: string,
    list: Connection[],
    onChange: (v: string) => void,
    required = true,
  ) => (
    <div class={`field${errors[id] ? ' invalid' : ''}`}>
      <FieldLabel id={`f-${id}`} text={label} required={required} />
      <select
        id={`f-${id}`}
        value={value}
        aria-invalid={errors[id] ? true : undefined}
        aria-describedby={errors[id] ? `f-${id}-error` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">Choose a connection…</option>
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {errors[id] && (
        <p class="field-error" id={`f-${id}-error`}>
          {errors[id]}
        </p>
      )}
    </div>
  );

  const render = (p: Part) => {
    if (p.type === 'field') {
      const k = p.spec.key;
      return (
        <SchemaField
          key={k}
          field={p.spec}
          group="settings"
          value={values[k] ?? ''}
          error={errors[`settings.${k}`]}
          onChange={(v) => setValues((prev) => ({ ...prev, [k]: v }))}
        />
      );
    }
    if (p.type === 'ref') {
      return (
        <div key={p.key}>
          {select(
            `settings.${p.key}`,
            p.label,
            refs[p.key] ?? '',
            of(p.connector),
            (v) => setRefs((r) => ({ ...r, [p.key]: v })),
            p.required,
          )}
        </div>
      );
    }
    return (
      <RowEditor<Row>
        key={p.key}
        title={p.label}
        description={p.description}
        name={p.key}
        columns={p.columns.map((c) => ({ key: c.key, label: c.label, mono: true }))}
        rows={rows[p.key] ?? []}
        errors={errors}
        addLabel="Add row"
        emptyText="No rows yet."
        onChange={(next) => setRows((r) => ({ ...r, [p.key]: next }))}
        newRow={() => newRow(p.columns)}
      />
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      {other.length > 0 && (
        <div class="notice error" role="alert">
          <p>The hub refused these settings:</p>
          <ul>
            {other.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {Object.keys(errors).length > 0 && other.length === 0 && (
        <p class="notice error" role="alert">
          Please fix the highlighted fields.
        </p>
      )}
      <div class={`field${errors['name'] ? ' invalid' : ''}`}>
        <FieldLabel id="f-name" text="Name" required />
        <input
          id="f-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="off"
          aria-invalid={errors['name'] ? true : undefined}
          aria-describedby={errors['name'] ? 'f-name-error' : undefined}
        />
        {errors['name'] && (
          <p class="field-error" id="f-name-error">
            {errors['name']}
          </p>
        )}
      </div>
      {select(
        'connectionId',
        kind.connectorId === '*'
          ? 'Connection'
          : `${kind.connectorId[0]!.toUpperCase()}${kind.connectorId.slice(1)} connection`,
        connectionId,
        of(kind.connectorId === '*' ? undefined : kind.connectorId),
        setConnectionId,
      )}
      {moved && (
        <div class="field">
          <div class="check-row">
            <input
              id="f-start-over"
              type="checkbox"
              checked={startOver}
              aria-describedby="f-start-over-help"
              onChange={(e) => setStartOver(e.currentTarget.checked)}
            />
            <label for="f-start-over">Start from the beginning on the new connection</label>
          </div>
          <p class="help" id="f-start-over-help">
            Leave it unticked when the new connection reaches the same account (a replacement): the pipeline goes on
            where it stopped. Tick it for another account: the next run reads everything again.
          </p>
        </div>
      )}
      <fieldset class="group">
        <legend>Settings</legend>
        {parts.map(render)}
      </fieldset>
      <ScheduleFields
        schedules={schedules}
        preset={preset}
        cron={cron}
        enabled={enabled}
        error={errors['schedule']}
        onPreset={setPreset}
        onCron={setCron}
        onEnabled={setEnabled}
      />
      <FormActions
        busy={busy}
        editing={existing !== undefined}
        createLabel="Create pipeline"
        cancelHref="#/pipelines"
      />
    </form>
  );
}
