import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { pipelinesApi, type RunView } from '../pipeline-form.js';
import { RunItem } from './run-view.js';

/** A saved sync's Run button and its latest run: counts, reasons and each record's outcome. */
export function SyncRuns({ pipelineId, dirty }: { pipelineId: string; dirty: boolean }) {
  const [run, setRun] = useState<RunView | null>();
  const [error, setError] = useState<string>();
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    pipelinesApi.runs(pipelineId).then(
      (runs) => setRun(runs[0] ?? null),
      () => setRun(null),
    );
  }, [pipelineId]);

  // Follow a run in progress until it finishes.
  const running = run?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      pipelinesApi.runs(pipelineId).then(
        (runs) => runs[0] && setRun(runs[0]),
        () => {},
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [running, pipelineId]);

  const start = async () => {
    setStarting(true);
    setError(undefined);
    try {
      const { runId } = await pipelinesApi.run(pipelineId);
      const runs = await pipelinesApi.runs(pipelineId);
      setRun(runs.find((r) => r.id === runId) ?? runs[0] ?? null);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    }
    setStarting(false);
  };

  return (
    <section class="sync-runs" aria-labelledby="sync-runs-title">
      <div class="sync-runs-head">
        <h2 id="sync-runs-title">Latest run</h2>
        <button type="button" class="button primary" disabled={starting || running} onClick={() => void start()}>
          {running ? 'Running…' : 'Run now'}
        </button>
      </div>
      {dirty && <p class="notice warn small">A run uses the saved settings: save your changes first to run them.</p>}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {run === undefined && <p class="muted">Loading runs…</p>}
      {run === null && <p class="muted">Never run yet.</p>}
      {run && (
        <div class="run" aria-live="polite">
          <RunItem run={run} records />
        </div>
      )}
    </section>
  );
}
