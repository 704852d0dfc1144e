import { describe, expect, it } from 'vitest';
import { backlogLine, rateLabel } from './backlog.js';
import type { BacklogEntry } from './types.js';

const NOW = Date.UTC(2025, 2, 5, 12, 0);

const entry = (over: Partial<BacklogEntry> = {}): BacklogEntry => ({
  destinationId: 'd1',
  destinationName: 'Gainsight events',
  enabled: true,
  waiting: 499,
  retrying: 0,
  oldestReceivedAt: NOW - 12 * 60_000,
  budget: {
    label: 'Gainsight',
    connector: 'gainsight',
    bucket: 'sync',
    limit: 100,
    windowMs: 60_000,
    windowLabel: 'minute',
    perMinute: 100,
  },
  perCall: { events: 1, measured: false, calls: 0 },
  estimate: { calls: 499, ms: 299_400, limitedBy: null },
  ...over,
});
const text = (e: BacklogEntry) =>
  backlogLine(e, NOW)
    .parts.map((p) => p.text)
    .join(' · ');

describe('backlogLine', () => {
  it('says how many wait, since when, the budget and the estimate, as the issue asks', () => {
    expect(text(entry())).toBe('499 waiting · oldest 12 min old · Gainsight budget 100/min · about 5 min');
    const line = backlogLine(entry(), NOW);
    expect(line.parts[1]?.at).toBe(NOW - 12 * 60_000);
    expect(line.note).toBe('499 calls at 1 event per call assumed: no call was measured since the hub started.');
    expect(line.warn).toBe(false);
  });

  it('names the measured events per call and a longer window that holds the backlog back', () => {
    const line = backlogLine(
      entry({
        retrying: 20,
        perCall: { events: 4.5, measured: true, calls: 30 },
        estimate: {
          calls: 111,
          ms: 3_600_000 + 11 * 60_000,
          limitedBy: { windowLabel: 'day', windowMs: 86_400_000, remaining: 100, resetsAt: NOW + 3_600_000 },
        },
      }),
      NOW,
    );
    expect(line.parts.map((p) => p.text)).toEqual([
      '499 waiting (20 to retry)',
      'oldest 12 min old',
      'Gainsight budget 100/min',
      'about 1 h 11 min',
    ]);
    expect(line.note).toBe(
      '111 calls at 4.5 events per call, measured over the last 30 calls; the day budget has 100 calls left, so the rest waits for it to free up.',
    );
  });

  it('warns about events that go nowhere and paused destinations; says when there is no estimate', () => {
    const nowhere = backlogLine(
      entry({ destinationId: null, destinationName: null, enabled: false, waiting: 3, budget: null, estimate: null }),
      NOW,
    );
    expect(nowhere.name).toBe('Sources with no destination');
    expect(nowhere.warn).toBe(true);
    expect(nowhere.note).toMatch(/no destination/);
    expect(text(entry({ enabled: false, estimate: null }))).toBe(
      '499 waiting · oldest 12 min old · Gainsight budget 100/min · paused',
    );
    expect(backlogLine(entry({ budget: null, estimate: null }), NOW).note).toMatch(/No call budget/);
    expect(text(entry({ waiting: 0, oldestReceivedAt: null, estimate: null }))).toBe('Nothing waiting');
  });
});

describe('rateLabel', () => {
  it('reads as a rate', () => {
    expect(rateLabel(100, 60_000)).toBe('100/min');
    expect(rateLabel(10, 3_600_000)).toBe('10/hour');
    expect(rateLabel(50_000, 86_400_000)).toBe('50,000/day');
    expect(rateLabel(5, 10_000)).toBe('5 per 10 s');
    expect(rateLabel(5, 300_000)).toBe('5 per 5 min');
  });
});

describe('a short backlog', () => {
  it('says "under a minute", not "about under a minute"', () => {
    expect(text(entry({ waiting: 20, estimate: { calls: 20, ms: 12_000, limitedBy: null } }))).toBe(
      '20 waiting · oldest 12 min old · Gainsight budget 100/min · under a minute',
    );
  });
});
