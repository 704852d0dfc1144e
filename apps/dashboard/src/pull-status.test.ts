import { describe, expect, it } from 'vitest';
import {
  anyRunning,
  CUSTOM,
  countsLine,
  cronProblem,
  DEFAULT_PRESETS,
  presetOf,
  runAllOutcome,
  runStateOf,
  runWhen,
  unmappedFromRun,
} from './pull-status.js';
import type { Run } from './pulls-types.js';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const run = (over: Partial<Run>): Run => ({
  id: 1,
  number: 1,
  pipelineId: 'p1',
  status: 'completed',
  trigger: 'manual',
  startedAt: NOW - 10 * 60_000,
  finishedAt: NOW - 3 * 60_000,
  counts: { read: 120, written: 98, skipped: 22, failed: 0, reasons: {} },
  details: null,
  cursorBefore: null,
  cursorAfter: null,
  error: null,
  ...over,
});

describe('schedules', () => {
  it('names presets and calls anything else custom', () => {
    expect(presetOf('0 */4 * * *', DEFAULT_PRESETS)).toBe('every 4 hours');
    expect(presetOf(' 0  3 * * * ', DEFAULT_PRESETS)).toBe('daily');
    expect(presetOf('15 6 * * 1-5', DEFAULT_PRESETS)).toBe(CUSTOM);
  });

  it('wants five cron fields', () => {
    expect(cronProblem('0 6 * * 1-5')).toBeUndefined();
    expect(cronProblem('')).toMatch(/Enter a cron/);
    expect(cronProblem('0 6 * *')).toMatch(/5 fields.*has 4/);
  });
});

describe('run status', () => {
  it('says started while running and completed or failed once done', () => {
    expect(runWhen(run({ status: 'running', finishedAt: null }), NOW)).toBe('Started 10 min ago');
    expect(runWhen(run({}), NOW)).toBe('Completed 3 min ago');
    expect(runWhen(run({ status: 'failed' }), NOW)).toBe('Failed 3 min ago');
    expect(runWhen(run({ status: 'interrupted' }), NOW)).toBe('Interrupted 3 min ago');
    expect(runWhen(null, NOW)).toBe('No run yet');
  });

  it('treats a pipeline the runner reports busy as running even before its run row shows', () => {
    expect(runStateOf({ running: true, lastRun: run({}) })).toBe('running');
    expect(runStateOf({ running: false, lastRun: run({ status: 'failed' }) })).toBe('failed');
    expect(runStateOf({ running: false, lastRun: null })).toBe('never');
    expect(anyRunning([{ running: false, lastRun: run({ status: 'running' }) }])).toBe(true);
    expect(anyRunning([{ running: false, lastRun: run({}) }])).toBe(false);
  });

  it('summarises counts, leaving out zeros', () => {
    expect(countsLine(run({}))).toBe('120 read · 98 written · 22 skipped');
    expect(countsLine(run({ counts: { read: 0, written: 0, skipped: 0, failed: 2, reasons: {} } }))).toBe(
      '0 read · 2 failed',
    );
  });

  it('keeps Run all’s per-object failures apart', () => {
    const outcome = runAllOutcome({
      started: [
        { pipelineId: 'a', runId: 7 },
        { pipelineId: 'b', error: 'This pipeline is already running' },
      ],
    });
    expect(outcome['a']).toEqual({ ok: true, text: 'Started' });
    expect(outcome['b']).toEqual({ ok: false, text: 'Not started: This pipeline is already running' });
  });

  it('reads the unmapped categories of the last activity run in any of its shapes', () => {
    expect(
      unmappedFromRun(run({ details: { unmappedCategories: ['webinar', { category: 'qbr', count: 3 }] } })),
    ).toEqual(['webinar', 'qbr']);
    expect(unmappedFromRun(run({ details: { unmappedCategories: { webinar: 4 } } }))).toEqual(['webinar']);
    expect(unmappedFromRun(null)).toEqual([]);
  });
});
