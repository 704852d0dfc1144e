import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import {
  duplicateRows,
  getAt,
  type Node,
  prune,
  renderedPaths,
  routeSettingsIssues,
  setAt,
  withDefaults,
} from '../pull-form.js';
import { CUSTOM, cronProblem, presetOf, unmappedFromRun } from '../pull-status.js';
import { pullsApi } from '../pulls-api.js';
import type { Pipeline, PipelineKindInfo } from '../pulls-types.js';
import type { Connection } from '../types.js';
import { type FieldsContext, SettingsFields } from './pull-fields.js';

// One accordion of the Gainsight wizard: a pull kind's Enabled toggle, schedule and settings. Saving
// creates the object's pipeline (first time) or updates it; the hub's 400 issues land next to the fields.

/** The object a kind pulls, for its field pickers when the settings do not name one. */
const DEFAULT_OBJECT: Record<string, string> = {
  company: 'company',
  activity: 'activity_timeline',
  surveys: 'survey_response',
};

const SHORT_TITLES: Record<string, string> = {
  company: 'Company',
  activity: 'Activity',
  surveys: 'Surveys',
  usage: 'Product usage',
};

export const kindSuffix = (kind: string) => kind.slice(kind.lastIndexOf('.') + 1);
export const shortTitle = (k: Pick<PipelineKindInfo, 'kind' | 'title'>) => SHORT_TITLES[kindSuffix(k.kind)] ?? k.title;

/** A detect-fields answer as a mapping, whatever it is wrapped in. */
interface Props {
  kind: PipelineKindInfo;
  pipeline: Pipeline | undefined;
  connection: Connection;
  crmId: string | null;
  presets: Record<string, string>;
  onSaved: (pipeline: Pipeline) => void;
}

export function PullSection({ kind, pipeline, connection, crmId, presets, onSaved }: Props) {
  const schema = kind.settingsSchema as Node;
  const suffix = kindSuffix(kind.kind);
  const idBase = `gs-${suffix}`;
  const [enabled, setEnabled] = useState(pipeline?.enabled ?? false);
  const [schedule, setSchedule] = useState(pipeline?.schedule ?? kind.defaultSchedule);
  const [preset, setPreset] = useState(() => presetOf(pipeline?.schedule ?? kind.defaultSchedule, presets));
  const [settings, setSettings] = useState(() => withDefaults(schema, pipeline?.settings ?? {}));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  const object = useMemo(() => {
    const named = getAt(settings, 'object');
    return typeof named === 'string' && named ? named : DEFAULT_OBJECT[suffix];
  }, [settings, suffix]);

  const ctx: FieldsContext = {
    idBase,
    gainsightId: connection.id,
    crmId,
    object,
    errors: { ...errors, ...problems },
    root: settings,
    setProblem: (path, problem) =>
      setProblems((p) => {
        if (p[path] === problem) return p;
        const next = { ...p };
        if (problem) next[path] = problem;
        else delete next[path];
        return next;
      }),
    unmappedSeen: unmappedFromRun(pipeline?.lastRun ?? null),
    detect: /survey/i.test(suffix)
      ? async (path) => {
          const row = path.split('.').slice(0, -1).join('.');
          const rowObject = row ? getAt(settings, `${row}.object`) : undefined;
          const firstRow = getAt(settings, 'objects.0.object');
          const multi = getAt(settings, 'mode') === 'multi';
          const target = [rowObject, multi ? firstRow : getAt(settings, 'object'), object].find(
            (o): o is string => typeof o === 'string' && o !== '',
          );
          if (!target) throw new Error('Choose the survey response object first.');
          return (await pullsApi.detectSurveyFields(connection.id, target)).fieldMappings;
        }
      : undefined,
  };

  const change = (path: string, value: unknown) => {
    setSettings((s: unknown) => setAt(s, path, value));
    setNotice(undefined);
    // The hub's issue on a field goes once the user edits it (a new save says whether it still holds).
    setErrors((e) => {
      const stale = Object.keys(e).filter((k) => k === path || k.startsWith(`${path}.`));
      if (stale.length === 0) return e;
      const next = { ...e };
      for (const k of stale) delete next[k];
      return next;
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setNotice(undefined);
    const local: Record<string, string> = {};
    const cron = cronProblem(schedule);
    if (cron) local['schedule'] = cron;
    for (const i of duplicateRows(getAt(settings, 'objects'), 'object')) {
      local[`objects.${i}.object`] = 'This object is already listed: each object can appear only once.';
    }
    // Problems of inputs no longer shown (a removed row, the other survey mode) do not block the save.
    const shown = new Set(renderedPaths(schema, settings));
    const blocking = Object.keys(problems).filter((p) => shown.has(p));
    if (blocking.length > 0 || Object.keys(local).length > 0) {
      setErrors(local);
      setOther(['Please fix the highlighted fields.']);
      return;
    }
    setBusy(true);
    setErrors({});
    setOther([]);
    const body = { settings: prune(settings) as Record<string, unknown>, enabled, schedule: schedule.trim() };
    try {
      const saved = pipeline
        ? await pullsApi.updatePipeline(pipeline.id, body)
        : await pullsApi.createPipeline({
            ...body,
            kind: kind.kind,
            name: `${connection.name} · ${shortTitle(kind)}`,
            connectionId: connection.id,
          });
      setSettings(withDefaults(schema, saved.settings));
      setNotice(pipeline ? 'Saved.' : `Saved: the ${shortTitle(kind).toLowerCase()} pull is set up.`);
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.issues.length > 0) {
        const top = e.issues.filter((i) => !i.path.startsWith('settings'));
        const routed = routeSettingsIssues(
          e.issues.filter((i) => i.path.startsWith('settings')),
          renderedPaths(schema, settings),
        );
        const byPath = { ...routed.byPath };
        const rest = [...routed.other];
        for (const i of top) {
          if (i.path === 'schedule') byPath['schedule'] = i.message;
          else rest.push(i.path ? `${i.path}: ${i.message}` : i.message);
        }
        setErrors(byPath);
        // When every issue sits next to its field, the summary only points at them.
        setOther(rest.length > 0 ? [e.message, ...rest] : ['Please fix the highlighted fields.']);
        requestAnimationFrame(() =>
          document.querySelector<HTMLElement>(`#${idBase}-form [aria-invalid="true"]`)?.focus(),
        );
      } else {
        setOther([e instanceof Error ? e.message : String(e)]);
      }
    } finally {
      setBusy(false);
    }
  };

  const presetNames = Object.keys(presets);
  const state = pipeline ? (pipeline.enabled ? 'Enabled' : 'Disabled') : 'Not set up';
  const scheduleName = presetOf(pipeline?.schedule ?? '', presets);
  return (
    <details class="card accordion" id={`${idBase}-section`}>
      <summary>
        <span class="accordion-title">{shortTitle(kind)}</span>
        <span class={`badge ${pipeline?.enabled ? 'ok' : 'neutral'}`}>{state}</span>
        {pipeline && <span class="muted small">{scheduleName === CUSTOM ? pipeline.schedule : scheduleName}</span>}
      </summary>
      <form
        id={`${idBase}-form`}
        class="accordion-body"
        onSubmit={save}
        noValidate
        aria-label={`${shortTitle(kind)} settings`}
      >
        <p class="muted small">{kind.description}</p>
        {other.length > 0 && (
          <div class="notice error" role="alert">
            <p>{other[0]}</p>
            {other.length > 1 && (
              <ul>
                {other.slice(1).map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div class="field check">
          <div class="check-row">
            <input
              id={`${idBase}-enabled`}
              type="checkbox"
              checked={enabled}
              onChange={(e) => setEnabled(e.currentTarget.checked)}
            />
            <label for={`${idBase}-enabled`}>Enable {shortTitle(kind).toLowerCase()} pull</label>
          </div>
          <p class="help">Runs on the schedule below; the Run buttons work either way.</p>
        </div>
        <div class="inline-fields schedule-fields">
          <div class={`field${errors['schedule'] && preset !== CUSTOM ? ' invalid' : ''}`}>
            <label for={`${idBase}-schedule`}>Schedule</label>
            <select
              id={`${idBase}-schedule`}
              value={preset}
              onChange={(e) => {
                const name = e.currentTarget.value;
                setPreset(name);
                if (name !== CUSTOM) setSchedule(presets[name] ?? schedule);
              }}
            >
              {presetNames.map((name) => (
                <option key={name} value={name}>
                  {name.charAt(0).toUpperCase() + name.slice(1)}
                  {name === presetOf(kind.defaultSchedule, presets) ? ' (default)' : ''}
                </option>
              ))}
              <option value={CUSTOM}>Custom (cron)</option>
            </select>
          </div>
          {preset === CUSTOM && (
            <div class={`field${errors['schedule'] ? ' invalid' : ''}`}>
              <label for={`${idBase}-cron`}>Cron expression (UTC)</label>
              <input
                id={`${idBase}-cron`}
                class="mono"
                value={schedule}
                placeholder="0 6 * * 1-5"
                spellcheck={false}
                autoComplete="off"
                aria-invalid={errors['schedule'] ? true : undefined}
                aria-describedby={errors['schedule'] ? `${idBase}-cron-error` : undefined}
                onInput={(e) => setSchedule(e.currentTarget.value)}
              />
            </div>
          )}
        </div>
        {errors['schedule'] && (
          <p class="field-error" id={`${idBase}-cron-error`}>
            {errors['schedule']}
          </p>
        )}
        <SettingsFields schema={schema} value={settings} prefix="" ctx={ctx} onChange={change} />
        <div class="form-actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Saving…' : `Save ${shortTitle(kind).toLowerCase()}`}
          </button>
          {notice && (
            <span class="row-status" role="status">
              {notice}
            </span>
          )}
        </div>
      </form>
    </details>
  );
}
