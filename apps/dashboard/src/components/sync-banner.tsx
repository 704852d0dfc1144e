import { formatTime } from '../format.js';
import { countsLine, RUN_LABELS, type RunState, runStateOf, runWhen } from '../pull-status.js';
import type { Pipeline } from '../pulls-types.js';

// The object sync status banner: one row per enabled pull with its latest run, a Run button per row and
// Run all, whose per-object failures show on their own rows.

export interface BannerRow {
  pipeline: Pipeline;
  title: string;
}

export type Outcome = { ok: boolean; text: string };

const BADGE: Record<RunState, string> = {
  running: 'running',
  completed: 'ok',
  failed: 'failed',
  interrupted: 'neutral',
  never: 'neutral',
};

export function RunBadge({ state }: { state: RunState }) {
  return <span class={`badge ${BADGE[state]}`}>{RUN_LABELS[state]}</span>;
}

interface Props {
  rows: BannerRow[];
  /** Why the pulls cannot run yet (no primary CRM, accounts not synced), if so. */
  gated?: string | null | undefined;
  outcomes: Record<string, Outcome>;
  starting: Set<string>;
  runningAll: boolean;
  now: number;
  onRun: (pipelineId: string) => void;
  onRunAll: () => void;
}

export function SyncBanner({ rows, gated, outcomes, starting, runningAll, now, onRun, onRunAll }: Props) {
  return (
    <section class="card sync-banner" aria-labelledby="sync-banner-title">
      <div class="sync-head">
        <div>
          <h2 id="sync-banner-title">Object sync status</h2>
          <p class="muted small">The latest run of each enabled object. Runs refresh here while they work.</p>
        </div>
        <button type="button" class="button primary" onClick={onRunAll} disabled={runningAll || rows.length === 0}>
          {runningAll ? 'Starting…' : 'Run all sync jobs'}
        </button>
      </div>
      {gated && (
        <p class="notice warn gate" role="status">
          <strong>Runs are gated.</strong> {gated}
        </p>
      )}
      {rows.length === 0 ? (
        <p class="muted sync-empty">
          No object is enabled yet. Enable Company, Activity, Surveys or Product usage below and save it.
        </p>
      ) : (
        <ul class="sync-rows">
          {rows.map(({ pipeline, title }) => {
            const state = runStateOf(pipeline);
            const run = pipeline.lastRun;
            const outcome = outcomes[pipeline.id];
            const reasons = Object.entries(run?.counts.reasons ?? {});
            return (
              <li key={pipeline.id} class={`sync-row sync-${state}`} data-kind={pipeline.kind} aria-label={title}>
                <div class="sync-main">
                  <strong class="sync-title">{title}</strong>
                  <RunBadge state={state} />
                  <span class="muted small" title={run ? `Started ${formatTime(run.startedAt, now)}` : undefined}>
                    {runWhen(run, now)}
                  </span>
                  {run && state !== 'running' && <span class="small sync-counts">{countsLine(run)}</span>}
                </div>
                <button
                  type="button"
                  class="button small"
                  onClick={() => onRun(pipeline.id)}
                  disabled={state === 'running' || starting.has(pipeline.id)}
                  aria-label={`Run ${title}`}
                >
                  {starting.has(pipeline.id) ? 'Starting…' : 'Run'}
                </button>
                {(state === 'failed' || state === 'interrupted') && run?.error && (
                  <p class="sync-error error-text">
                    <code class="code">{run.error.code}</code> {run.error.message}
                  </p>
                )}
                {reasons.length > 0 && state !== 'running' && (
                  <p class="sync-reasons muted small">
                    {reasons.map(([reason, n]) => `${n.toLocaleString()} ${reason}`).join(' · ')}
                  </p>
                )}
                {outcome && (!outcome.ok || state === 'running') && (
                  <p class={`sync-outcome small ${outcome.ok ? 'muted' : 'error-text'}`} role="status">
                    {outcome.text}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
