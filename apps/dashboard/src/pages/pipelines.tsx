import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { enc, pipelinesApi, type RunView } from '../pipeline-form.js';
import { RUN_BADGE as BADGE, RunItem, RunRecords } from '../components/run-view.js';
import { takeFlash } from '../flash.js';
import { SortHeader, useSort } from '../components/sortable.js';
import { Time } from '../components/time.js';
import { anyRunning, countsLine, CUSTOM, presetOf, RUN_LABELS, runStateOf } from '../pull-status.js';
import type { Pipeline, PipelineKindInfo } from '../pulls-types.js';
import type { Connection } from '../types.js';
import '../styles-pipelines.css';

export { PipelineFormPage } from './pipeline-form.js';

// Every scheduled pipeline (Gainsight pulls, the Pendo ↔ Salesforce ↔ Gainsight bridge, …), grouped by
// the kind's group: schedule, next and last run, a Run button and each run's counts, cursor and error.

const nameOf = (connections: Connection[], id: unknown) => connections.find((c) => c.id === id)?.name ?? '?';

/** The pipeline's connection; a sync reads one and writes another, so it shows both. */
function connectionLine(p: Pipeline, connections: Connection[]): string {
  const target = p.kind === 'sync' ? p.settings['destinationConnectionId'] : undefined;
  const source = nameOf(connections, p.connectionId);
  return target ? `${source} → ${nameOf(connections, target)}` : source;
}

export function PipelinesPage() {
  const [data, setData] = useState<{
    kinds: PipelineKindInfo[];
    schedules: Record<string, string>;
    pipelines: Pipeline[];
    connections: Connection[];
  }>();
  const [error, setError] = useState<string>();
  const [notice] = useState(takeFlash);
  const [open, setOpen] = useState<string>();
  const [tick, setTick] = useState(0);

  const refresh = useCallback(async () => {
    try {
      const [k, pipelines, connections] = await Promise.all([
        pipelinesApi.kinds(),
        pipelinesApi.list(),
        api.connections(),
      ]);
      setData({ ...k, pipelines, connections });
      setError(undefined);
      setTick((t) => t + 1);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  // While a run is in progress, follow it.
  const running = data ? anyRunning(data.pipelines) : false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), 1500);
    return () => clearInterval(timer);
  }, [running, refresh]);

  const run = async (p: Pipeline) => {
    try {
      await pipelinesApi.run(p.id);
      setOpen(p.id);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError(`${p.name}: ${(e as Error).message}`);
    }
    await refresh();
  };

  const groups = new Map<string, Pipeline[]>();
  for (const p of data?.pipelines ?? []) {
    const group = data?.kinds.find((k) => k.kind === p.kind)?.group ?? 'Other';
    groups.set(group, [...(groups.get(group) ?? []), p]);
  }

  return (
    <section class="page wide">
      <div class="page-head">
        <div>
          <h1>Pipelines</h1>
          <p class="muted">Scheduled pulls and pushes between your connections, with the history of each run.</p>
        </div>
        <div class="button-row">
          {data?.kinds.some((k) => k.kind === 'sync') && (
            <a class="button" href="#/pipelines/new?kind=sync">
              New sync
            </a>
          )}
          <a class="button primary" href="#/pipelines/new">
            New pipeline
          </a>
        </div>
      </div>
      {notice && (
        <p class="notice success" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p class="muted">Loading pipelines…</p>}
      {data && groups.size === 0 && (
        <div class="card empty">
          <h2>No pipelines yet</h2>
          <p class="muted">Create one to move data between your connections on a schedule.</p>
        </div>
      )}
      {data &&
        [...groups].map(([group, list]) => (
          <PipelineGroup
            key={group}
            group={group}
            list={list}
            data={data}
            open={open}
            setOpen={setOpen}
            tick={tick}
            onRun={(p) => void run(p)}
          />
        ))}
    </section>
  );
}

interface GroupProps {
  group: string;
  list: Pipeline[];
  data: { kinds: PipelineKindInfo[]; schedules: Record<string, string>; connections: Connection[] };
  open: string | undefined;
  setOpen: (id: string | undefined) => void;
  tick: number;
  onRun: (p: Pipeline) => void;
}

/** One group's pipelines (a kind's group, e.g. the Pendo bridge), sortable by any column. */
function PipelineGroup({ group, list, data, open, setOpen, tick, onRun }: GroupProps) {
  // A group name has spaces and arrows: the heading's id is generated, not made from it.
  const headingId = useId();
  const { sorted, sort, toggle } = useSort(list, (p, key) => {
    if (key === 'name') return p.name;
    if (key === 'schedule') {
      const preset = presetOf(p.schedule, data.schedules);
      return preset === CUSTOM ? p.schedule : preset;
    }
    if (key === 'next') return p.enabled ? p.nextRunAt : null;
    return p.lastRun ? (p.lastRun.finishedAt ?? p.lastRun.startedAt) : null;
  });
  const header = (label: string, column: string) => (
    <SortHeader label={label} column={column} sort={sort} onSort={toggle} />
  );
  return (
    <section class="card table-card pipeline-group" aria-labelledby={headingId}>
      <h2 id={headingId}>{group}</h2>
      <table class="table">
        <caption class="visually-hidden">
          {sort ? `${group} pipelines, sorted by the column marked` : `${group} pipelines`}
        </caption>
        <thead>
          <tr>
            {header('Pipeline', 'name')}
            {header('Schedule', 'schedule')}
            {header('Next run', 'next')}
            {header('Last run', 'last')}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((p) => {
            const kind = data.kinds.find((k) => k.kind === p.kind);
            const state = runStateOf(p);
            const preset = presetOf(p.schedule, data.schedules);
            const shown = open === p.id;
            return [
              <tr key={p.id}>
                <th scope="row" class="name-cell">
                  {p.name}
                  <div class="muted small">
                    {kind?.title ?? p.kind} · {connectionLine(p, data.connections)}
                  </div>
                </th>
                <td data-label="Schedule">
                  {preset === CUSTOM ? <code>{p.schedule}</code> : preset}
                  {!p.enabled && <div class="badge neutral">Disabled</div>}
                </td>
                <td class="nowrap" data-label="Next run">
                  {p.enabled && p.nextRunAt ? <Time at={p.nextRunAt} seconds={false} /> : '—'}
                </td>
                <td aria-live="polite" data-label="Last run">
                  <span class={`badge ${BADGE[state]}`}>{RUN_LABELS[state]}</span>{' '}
                  {p.lastRun && (
                    <span class="small">
                      <Time at={p.lastRun.finishedAt ?? p.lastRun.startedAt} seconds={false} />
                    </span>
                  )}
                  <div class="muted small">{countsLine(p.lastRun)}</div>
                </td>
                <td class="actions">
                  <div class="button-row">
                    <button
                      type="button"
                      class="button small"
                      disabled={state === 'running'}
                      onClick={() => onRun(p)}
                      aria-label={`Run ${p.name}`}
                    >
                      Run
                    </button>
                    <a class="button small ghost" href={`#/pipelines/${enc(p.id)}/edit`} aria-label={`Edit ${p.name}`}>
                      Edit
                    </a>
                    <button
                      type="button"
                      class="button small ghost"
                      aria-expanded={shown}
                      aria-label={`History of ${p.name}`}
                      onClick={() => setOpen(shown ? undefined : p.id)}
                    >
                      History
                    </button>
                  </div>
                </td>
              </tr>,
              shown && (
                <tr key={`${p.id}-h`}>
                  <td colSpan={5}>
                    <RunHistory pipelineId={p.id} tick={tick} records={p.kind === 'sync'} />
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}

function RunHistory({ pipelineId, tick, records }: { pipelineId: string; tick: number; records: boolean }) {
  const [runs, setRuns] = useState<RunView[]>();
  useEffect(() => {
    pipelinesApi.runs(pipelineId).then(setRuns, () => setRuns([]));
  }, [pipelineId, tick]);
  if (!runs) return <p class="muted">Loading runs…</p>;
  if (runs.length === 0) return <p class="muted">No runs yet.</p>;
  return (
    <ol class="plain runs" aria-label="Run history">
      {runs.map((r, i) => (
        <li key={r.id} class="run">
          {/* Per-record outcomes of the latest sync run; older runs keep theirs behind a click. */}
          {records && i > 0 ? (
            <>
              <RunItem run={r} />
              <details class="run-more">
                <summary>Record outcomes</summary>
                <RunRecords run={r} />
              </details>
            </>
          ) : (
            <RunItem run={r} records={records} />
          )}
        </li>
      ))}
    </ol>
  );
}
