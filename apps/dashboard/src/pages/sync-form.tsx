import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { type FormError, FormErrorNotice } from '../components/form-page.js';
import { MappingRows } from '../components/mapping-rows.js';
import { OptionFields } from '../components/option-fields.js';
import { ScheduleFields, scheduleOf } from '../components/schedule-fields.js';
import { FieldLabel } from '../components/schema-field.js';
import { SyncPreview } from '../components/sync-preview.js';
import { SyncRuns } from '../components/sync-runs.js';
import { setFlash } from '../flash.js';
import { pipelinesApi } from '../pipeline-form.js';
import { presetOf } from '../pull-status.js';
import type { PipelineKindInfo, Preview } from '../pulls-types.js';
import { navigate } from '../router.js';
import {
  buildSync,
  initialOptionValues,
  keyCandidates,
  type MappingRow,
  needsKey,
  newMappingRow,
  objectOf,
  type OptionValues,
  optionParts,
  routeSyncIssues,
  rowsFromMapping,
  sourcePaths,
} from '../sync-form.js';
import type { Connection, Connector, StreamDetail, WriterDetail, WriterMode } from '../types.js';
import type { Loaded } from './pipeline-form.js';
import '../styles-sync.css';

// A generic sync (reverse ETL): read a stream of one connection, map its fields, write them through a
// writer of another. Streams, writers, objects and fields are all picked from what the connectors and
// discover say, so a plugin connector's streams and writers work here with no dashboard change.

/** Records a preview reads (the hub's default). */
const PREVIEW_LIMIT = 20;

export function SyncForm({ kind, loaded }: { kind: PipelineKindInfo; loaded: Loaded }) {
  const [connectors, setConnectors] = useState<Connector[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.connectors().then(setConnectors, (e: unknown) => {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    });
  }, []);
  if (error) {
    return (
      <p class="notice error" role="alert">
        Could not load the connectors: {error}
      </p>
    );
  }
  if (!connectors) return <p class="muted">Loading connectors…</p>;
  return <SyncEditor kind={kind} loaded={loaded} connectors={connectors} />;
}

/** Stream details, or (from a hub that lists only names) names without options. */
const streamsOf = (c: Connector | undefined): StreamDetail[] =>
  c?.streamDetails ??
  (c?.streams ?? []).map((s) => ({
    name: typeof s === 'string' ? s : String((s as { name?: unknown }).name),
    optionsSchema: null,
  }));
const writersOf = (c: Connector | undefined): WriterDetail[] => c?.writers ?? [];

const MODE_HELP: Record<WriterMode, string> = {
  insert: 'Creates a record for every record read.',
  update: 'Changes the record the key finds; a record with no match is skipped and counted with the reason.',
  upsert: 'Changes the record the key finds, or creates it when there is none.',
  publish: 'Sends every record as one message (an event).',
};

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const record = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function SyncEditor({ kind, loaded, connectors }: { kind: PipelineKindInfo; loaded: Loaded; connectors: Connector[] }) {
  const { existing, connections, schedules } = loaded;
  const saved = existing?.settings ?? {};
  const connectorOf = (connectionId: string) =>
    connectors.find((c) => c.id === connections.find((x) => x.id === connectionId)?.connectorId);

  const [name, setName] = useState(existing?.name ?? '');
  const [connectionId, setConnectionId] = useState(existing?.connectionId ?? '');
  const [stream, setStream] = useState(text(saved['stream']));
  const [destinationId, setDestinationId] = useState(text(saved['destinationConnectionId']));
  const [writer, setWriter] = useState(text(saved['writer']));

  const streams = streamsOf(connectorOf(connectionId));
  const writers = writersOf(connectorOf(destinationId));
  const streamDetail = streams.find((s) => s.name === stream);
  const writerDetail = writers.find((w) => w.name === writer);
  const streamParts = useMemo(() => optionParts(streamDetail?.optionsSchema, 'stream'), [streamDetail]);
  const writerParts = useMemo(() => optionParts(writerDetail?.optionsSchema, 'writer'), [writerDetail]);

  const [streamOptions, setStreamOptions] = useState<OptionValues>(() =>
    initialOptionValues(streamParts, record(saved['streamOptions'])),
  );
  const [writerOptions, setWriterOptions] = useState<OptionValues>(() =>
    initialOptionValues(writerParts, record(saved['writerOptions'])),
  );
  const [mapping, setMapping] = useState<MappingRow[]>(() => {
    const rows = rowsFromMapping(saved['mapping']);
    return rows.length > 0 ? rows : [newMappingRow()];
  });
  const [key, setKey] = useState(text(saved['key']));
  const initialCron = existing?.schedule ?? kind.defaultSchedule;
  const [preset, setPreset] = useState(() => presetOf(initialCron, schedules));
  const [cron, setCron] = useState(initialCron);
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);

  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormError>();
  const [busy, setBusy] = useState<'save' | 'preview'>();
  const [preview, setPreview] = useState<{ preview: Preview; saved: boolean }>();

  const sourceObject = objectOf(streamParts, streamOptions, streamDetail?.object);
  const targetObject = objectOf(writerParts, writerOptions, writerDetail?.object);
  const shape = { streamParts, writerParts, writerMode: writerDetail?.mode };
  const built = buildSync(
    {
      name,
      connectionId,
      stream,
      streamOptions,
      destinationConnectionId: destinationId,
      writer,
      writerOptions,
      mapping,
      key,
      schedule: scheduleOf(preset, cron, schedules),
      enabled,
    },
    shape,
  );
  // Whether the form still holds what is saved: a saved, unchanged sync previews by id (from its cursor).
  const first = useRef(JSON.stringify(built.body));
  const dirty = JSON.stringify(built.body) !== first.current;

  const chooseSource = (id: string) => {
    setConnectionId(id);
    const list = streamsOf(connectorOf(id));
    chooseStream(list.some((s) => s.name === stream) ? stream : list.length === 1 ? list[0]!.name : '', list);
  };
  const chooseStream = (next: string, list = streams) => {
    setStream(next);
    setStreamOptions(initialOptionValues(optionParts(list.find((s) => s.name === next)?.optionsSchema, 'stream')));
  };
  const chooseDestination = (id: string) => {
    setDestinationId(id);
    const list = writersOf(connectorOf(id));
    chooseWriter(list.some((w) => w.name === writer) ? writer : list.length === 1 ? list[0]!.name : '', list);
  };
  const chooseWriter = (next: string, list = writers) => {
    setWriter(next);
    setWriterOptions(initialOptionValues(optionParts(list.find((w) => w.name === next)?.optionsSchema, 'writer')));
  };

  /** Local problems first (nothing is sent); else the hub's 400 issues land next to their inputs. */
  const refused = (e: unknown, what: string) => {
    if (e instanceof ApiError && e.status === 401) return;
    if (e instanceof ApiError && e.issues.length > 0) {
      const routed = routeSyncIssues(e.issues, built.sent, shape);
      setErrors(routed.byField);
      const fixable = Object.keys(routed.byField).length > 0;
      setFormError({
        message: fixable ? `The hub refused ${what}; see the messages next to the fields.` : e.message,
        more: routed.other,
      });
      focusFirstInvalid();
    } else {
      setErrors({});
      setFormError({ message: e instanceof Error ? e.message : String(e), more: [] });
    }
  };
  const checkLocal = (forSave: boolean): boolean => {
    const local = { ...built.errors };
    if (forSave && !built.body.name) local['name'] = 'Give the sync a name.';
    setErrors(local);
    if (Object.keys(local).length === 0) return true;
    setFormError({ message: 'Please fix the highlighted fields.', more: [] });
    focusFirstInvalid();
    return false;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!checkLocal(true)) return;
    // An edit may move the sync to another source connection; the kind is fixed.
    const { kind: _k, ...patch } = built.body;
    setBusy('save');
    setFormError(undefined);
    try {
      const { pipeline } = await pipelinesApi.save(existing?.id, existing ? patch : built.body);
      setFlash(`Saved “${pipeline.name}”.`);
      navigate('/pipelines');
    } catch (e) {
      setBusy(undefined);
      refused(e, 'these settings');
    }
  };

  const runPreview = async () => {
    if (!checkLocal(false)) return;
    setBusy('preview');
    setFormError(undefined);
    const byId = existing !== undefined && !dirty;
    try {
      const answer = await pipelinesApi.preview(
        byId ? existing.id : undefined,
        byId ? { limit: PREVIEW_LIMIT } : { ...built.body, name: built.body.name || 'Preview', limit: PREVIEW_LIMIT },
      );
      setPreview({ preview: answer, saved: byId });
      requestAnimationFrame(() => document.getElementById('sync-preview')?.focus());
    } catch (e) {
      setPreview(undefined);
      refused(e, 'the preview');
    }
    setBusy(undefined);
  };

  const sources = connections.filter((c) => streamsOf(connectorOf(c.id)).length > 0);
  const targets = connections.filter((c) => writersOf(connectorOf(c.id)).length > 0);
  const candidates = keyCandidates(mapping);
  const keyRequired = needsKey(writerDetail?.mode);
  // The hub reads the fields the mapping uses when the stream's field list is left out.
  const fieldList = streamParts.find((p) => p.type === 'fields' && ['fields', 'select'].includes(p.spec.key));
  const paths = sourcePaths(mapping);
  // The hub matches on the sync's key when the writer's own match keys are left out.
  const writerHints = writerParts.some((p) => p.type === 'fields' && p.spec.key === 'keys')
    ? { keys: 'Leave empty to match on the key chosen under “Match records”.' }
    : {};
  const hints = fieldList
    ? {
        [fieldList.spec.key]:
          `Leave empty to read just the fields the mapping uses${paths.length > 0 ? ` (${paths.join(', ')})` : ''}.`,
      }
    : {};

  const select = (
    id: string,
    label: string,
    value: string,
    options: { value: string; label: string }[],
    onChange: (v: string) => void,
    opts: { placeholder: string; help?: string | undefined; required?: boolean; disabled?: boolean } = {
      placeholder: 'Choose…',
    },
  ) => {
    const error = errors[id];
    const describedBy = [opts.help ? `f-${id}-help` : '', error ? `f-${id}-error` : ''].filter(Boolean).join(' ');
    return (
      <div class={`field${error ? ' invalid' : ''}`}>
        <FieldLabel id={`f-${id}`} text={label} required={opts.required ?? true} />
        <select
          id={`f-${id}`}
          value={value}
          disabled={opts.disabled}
          aria-required={opts.required ?? true}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          <option value="">{opts.placeholder}</option>
          {value && !options.some((o) => o.value === value) && <option value={value}>{value} (not found)</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        {opts.help && (
          <p class="help" id={`f-${id}-help`}>
            {opts.help}
          </p>
        )}
        {error && (
          <p class="field-error" id={`f-${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };
  const asOptions = (list: Connection[]) => list.map((c) => ({ value: c.id, label: c.name }));

  return (
    <>
      <form onSubmit={submit} noValidate class="sync-form">
        <div class={`field${errors['name'] ? ' invalid' : ''}`}>
          <FieldLabel id="f-name" text="Name" required />
          <input
            id="f-name"
            value={name}
            autoComplete="off"
            placeholder="e.g. Salesforce accounts → Gainsight companies"
            aria-invalid={errors['name'] ? true : undefined}
            aria-describedby={errors['name'] ? 'f-name-error' : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {errors['name'] && (
            <p class="field-error" id="f-name-error">
              {errors['name']}
            </p>
          )}
        </div>

        <fieldset class="group">
          <legend>Read from</legend>
          {select('connectionId', 'Source connection', connectionId, asOptions(sources), chooseSource, {
            placeholder: 'Choose a connection…',
            help:
              sources.length === 0 ? 'No connection offers a stream yet: add one on the Connections page.' : undefined,
          })}
          {connectionId &&
            select(
              'stream',
              'Stream',
              stream,
              streams.map((s) => ({ value: s.name, label: s.name })),
              (v) => chooseStream(v),
              { placeholder: 'Choose a stream…', help: streamDetail?.description ?? undefined },
            )}
          {streamDetail && (
            <OptionFields
              group="streamOptions"
              parts={streamParts}
              values={streamOptions}
              errors={errors}
              connectionId={connectionId}
              object={sourceObject}
              hints={hints}
              onChange={(k, v) => setStreamOptions((o) => ({ ...o, [k]: v }))}
            />
          )}
          {errors['streamOptions'] && <p class="field-error">{errors['streamOptions']}</p>}
        </fieldset>

        <fieldset class="group">
          <legend>Write to</legend>
          {select(
            'destinationConnectionId',
            'Destination connection',
            destinationId,
            asOptions(targets),
            chooseDestination,
            {
              placeholder: 'Choose a connection…',
              help:
                targets.length === 0
                  ? 'No connection offers a writer yet: add one on the Connections page.'
                  : undefined,
            },
          )}
          {destinationId &&
            select(
              'writer',
              'Writer',
              writer,
              writers.map((w) => ({ value: w.name, label: `${w.name} (${w.mode}, ${w.batchSize}/call)` })),
              (v) => chooseWriter(v),
              {
                placeholder: 'Choose a writer…',
                help: writerDetail
                  ? [
                      writerDetail.description,
                      MODE_HELP[writerDetail.mode],
                      `Sends up to ${writerDetail.batchSize} record${writerDetail.batchSize === 1 ? '' : 's'} per call.`,
                    ]
                      .filter(Boolean)
                      .join(' ')
                  : undefined,
              },
            )}
          {writerDetail && (
            <OptionFields
              group="writerOptions"
              parts={writerParts}
              values={writerOptions}
              errors={errors}
              connectionId={destinationId}
              object={targetObject}
              hints={writerHints}
              onChange={(k, v) => setWriterOptions((o) => ({ ...o, [k]: v }))}
            />
          )}
          {errors['writerOptions'] && <p class="field-error">{errors['writerOptions']}</p>}
        </fieldset>

        <MappingRows
          rows={mapping}
          errors={errors}
          sourceConnectionId={connectionId}
          sourceObject={sourceObject}
          targetConnectionId={destinationId}
          targetObject={targetObject}
          onChange={setMapping}
        />

        <fieldset class="group">
          <legend>Match records</legend>
          {select(
            'key',
            'Match on (key)',
            key,
            candidates.map((c) => ({ value: c, label: c })),
            setKey,
            {
              placeholder: keyRequired ? 'Choose a mapped field…' : '— None —',
              required: keyRequired,
              help: keyRequired
                ? `The destination field that finds the record to ${writerDetail?.mode}. Pick one of the mapped fields.`
                : 'Optional for this writer. Update and upsert writers need one.',
            },
          )}
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

        <FormErrorNotice error={formError} />
        <div class="form-actions wrap">
          <button type="submit" class="button primary" disabled={busy !== undefined}>
            {busy === 'save' ? 'Saving…' : existing ? 'Save changes' : 'Create sync'}
          </button>
          <button type="button" class="button" disabled={busy !== undefined} onClick={() => void runPreview()}>
            {busy === 'preview' ? 'Previewing…' : 'Preview'}
          </button>
          <a class="button ghost" href="#/pipelines">
            Cancel
          </a>
        </div>
        <p class="help">
          Preview reads up to {PREVIEW_LIMIT} records and shows what would be written and the requests a run would send.
          It writes nothing.
        </p>
      </form>
      {preview && <SyncPreview preview={preview.preview} paths={paths} saved={preview.saved} />}
      {existing && <SyncRuns pipelineId={existing.id} dirty={dirty} />}
    </>
  );
}

function focusFirstInvalid(): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus();
  });
}
