import { timeAgo } from './format.js';
import type { Pipeline, Run, RunAllAnswer } from './pulls-types.js';

// Schedules and run status for the Gainsight wizard and its sync status banner. Pure, so it is unit-tested.

/** The presets the wizard offers, in order, when the hub does not list its own. */
export const DEFAULT_PRESETS: Record<string, string> = {
  daily: '0 3 * * *',
  'every 4 hours': '0 */4 * * *',
  weekly: '0 4 * * 1',
};

export const CUSTOM = 'custom';

/** The preset a cron expression is, or `custom`. */
export function presetOf(cron: string, presets: Record<string, string>): string {
  const normal = cron.trim().replace(/\s+/g, ' ');
  return Object.entries(presets).find(([, value]) => value === normal)?.[0] ?? CUSTOM;
}

/** A five-field cron expression; the hub checks the values themselves. */
export function cronProblem(cron: string): string | undefined {
  const parts = cron.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return 'Enter a cron expression, e.g. 0 6 * * 1-5.';
  if (parts.length !== 5)
    return `A cron expression has 5 fields (minute hour day month weekday); this has ${parts.length}.`;
  return undefined;
}

/** `interrupted`: the process running it stopped; the hub retries it (several hubs: another one does). */
export type RunState = 'running' | 'completed' | 'failed' | 'interrupted' | 'never';

export const RUN_LABELS: Record<RunState, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted',
  never: 'Never run',
};

/** What a banner row shows: a run in progress (even one not in `lastRun` yet) counts as running. */
export function runStateOf(pipeline: Pick<Pipeline, 'running' | 'lastRun'>): RunState {
  if (pipeline.running || pipeline.lastRun?.status === 'running') return 'running';
  return pipeline.lastRun?.status ?? 'never';
}

const iso = (ms: number) => new Date(ms).toISOString();

/** "Started 3 min ago" while running, "Completed 2 h ago" once done (a failed run says when it ended too). */
export function runWhen(run: Run | null, now = Date.now()): string {
  if (!run) return 'No run yet';
  if (run.status === 'running' || run.finishedAt === null) return `Started ${timeAgo(iso(run.startedAt), now)}`;
  return `${RUN_LABELS[run.status]} ${timeAgo(iso(run.finishedAt), now)}`;
}

/** "120 read · 98 written · 22 skipped" (zeros left out, except read). */
export function countsLine(run: Run | null): string {
  if (!run) return '';
  const c = run.counts;
  const parts = [`${c.read.toLocaleString()} read`];
  if (c.written) parts.push(`${c.written.toLocaleString()} written`);
  if (c.skipped) parts.push(`${c.skipped.toLocaleString()} skipped`);
  if (c.failed) parts.push(`${c.failed.toLocaleString()} failed`);
  return parts.join(' · ');
}

/** Whether anything on the page is still running, so the page keeps polling. */
export const anyRunning = (pipelines: Pick<Pipeline, 'running' | 'lastRun'>[]) =>
  pipelines.some((p) => runStateOf(p) === 'running');

/** Run all's answer as one message per pipeline: the ones that could not start carry their own reason. */
export function runAllOutcome(answer: RunAllAnswer): Record<string, { ok: boolean; text: string }> {
  const out: Record<string, { ok: boolean; text: string }> = {};
  for (const s of answer.started) {
    out[s.pipelineId] = s.error ? { ok: false, text: `Not started: ${s.error}` } : { ok: true, text: 'Started' };
  }
  return out;
}

/** The categories the last activity run saw but could not map (`details.unmappedCategories`). */
export function unmappedFromRun(run: Run | null): string[] {
  const value = run?.details?.['unmappedCategories'];
  if (Array.isArray(value)) {
    return value.flatMap((v) => {
      if (typeof v === 'string') return [v];
      if (v && typeof v === 'object') {
        const name = (v as Record<string, unknown>)['category'] ?? (v as Record<string, unknown>)['name'];
        return typeof name === 'string' ? [name] : [];
      }
      return [];
    });
  }
  if (value && typeof value === 'object') return Object.keys(value);
  return [];
}
