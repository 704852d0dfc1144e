import { describe, expect, it } from 'vitest';
import {
  bucketTimes,
  callChart,
  describeChart,
  eventChart,
  fillSeries,
  HOUR,
  isErrorStatus,
  MINUTE,
  niceTicks,
  type OverviewAnswer,
  stackTotals,
  timeTicks,
} from './overview-data.js';

const T0 = Date.UTC(2025, 0, 6, 12, 0); // a Monday, on a 5-minute boundary
const B = 5 * MINUTE;

function answer(over: Partial<OverviewAnswer> = {}): OverviewAnswer {
  return {
    since: T0,
    bucketMinutes: 5,
    events: { received: [], delivered: [], failed: [] },
    calls: [],
    counts: { received: 0, retrying: 0, delivered: 0, failed: 0 },
    ...over,
  };
}

describe('bucketTimes', () => {
  it('lists every bucket from since through the one holding until', () => {
    expect(bucketTimes(T0, B, T0 + 12 * MINUTE)).toEqual([T0, T0 + B, T0 + 2 * B]);
    expect(bucketTimes(T0, B, T0)).toEqual([T0]);
  });

  it('is empty for an until before since or a bad bucket size, and capped for absurd spans', () => {
    expect(bucketTimes(T0, B, T0 - 1)).toEqual([]);
    expect(bucketTimes(T0, 0, T0 + HOUR)).toEqual([]);
    expect(bucketTimes(T0, 1, T0 + HOUR)).toHaveLength(2000);
  });
});

describe('fillSeries', () => {
  const times = bucketTimes(T0, B, T0 + HOUR); // 13 buckets

  it('puts zeros in the buckets the hub left out', () => {
    const values = fillSeries(
      [
        { t: T0 + B, n: 4 },
        { t: T0 + 5 * B, n: 2 },
      ],
      times,
      B,
    );
    expect(values).toHaveLength(13);
    expect(values).toEqual([0, 4, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('adds rows that fall in the same bucket and drops rows outside the grid', () => {
    const values = fillSeries(
      [
        { t: T0 + 2 * B, n: 1 },
        { t: T0 + 2 * B + 60_000, n: 2 },
        { t: T0 - B, n: 99 },
        { t: T0 + 20 * B, n: 99 },
      ],
      times,
      B,
    );
    expect(values[2]).toBe(3);
    expect(values.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('is empty for an empty grid', () => {
    expect(fillSeries([{ t: T0, n: 1 }], [], B)).toEqual([]);
  });
});

describe('isErrorStatus', () => {
  it('treats 4xx, 5xx and calls without an answer as errors', () => {
    expect(['200', '201', '204', '304'].map(isErrorStatus)).toEqual([false, false, false, false]);
    expect(['400', '401', '429', '500', '503', 'network'].map(isErrorStatus)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('eventChart', () => {
  it('gives received, delivered and failed on one grid ending at now', () => {
    const data = eventChart(
      answer({
        events: {
          received: [{ t: T0, n: 10 }],
          delivered: [{ t: T0 + B, n: 8 }],
          failed: [{ t: T0 + B, n: 2 }],
        },
      }),
      T0 + 3 * B + 1,
    );
    expect(data.times).toEqual([T0, T0 + B, T0 + 2 * B, T0 + 3 * B]);
    expect(data.series.map((s) => [s.key, s.values, s.error])).toEqual([
      ['received', [10, 0, 0, 0], false],
      ['delivered', [0, 8, 0, 0], false],
      ['failed', [0, 2, 0, 0], true],
    ]);
  });

  it('stretches the grid to the newest row when the browser clock is behind the hub', () => {
    const data = eventChart(answer({ events: { received: [{ t: T0 + 4 * B, n: 1 }], delivered: [], failed: [] } }), T0);
    expect(data.times).toHaveLength(5);
    expect(data.series[0]?.values.at(-1)).toBe(1);
  });
});

describe('callChart', () => {
  it('splits each connector into successes and errors, connectors in name order', () => {
    const data = callChart(
      answer({
        calls: [
          { t: T0, connector: 'salesforce', status: '200', n: 3 },
          { t: T0, connector: 'gainsight', status: '200', n: 5 },
          { t: T0 + B, connector: 'gainsight', status: '201', n: 1 },
          { t: T0 + B, connector: 'gainsight', status: '429', n: 2 },
          { t: T0 + B, connector: 'gainsight', status: 'network', n: 1 },
        ],
      }),
      T0 + B,
    );
    expect(data.series.map((s) => [s.key, s.values, s.error])).toEqual([
      ['gainsight:ok', [5, 1], false],
      ['gainsight:error', [0, 3], true],
      ['salesforce:ok', [3, 0], false],
    ]);
    expect(stackTotals(data.series, data.times.length)).toEqual([8, 4]);
  });

  it('has no series when there were no calls', () => {
    expect(callChart(answer(), T0 + HOUR).series).toEqual([]);
  });
});

describe('niceTicks', () => {
  it('reaches at least the maximum on round whole-number steps', () => {
    expect(niceTicks(10)).toEqual([0, 5, 10]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('timeTicks', () => {
  it('labels an hour every 15 minutes and a week at midnights (in the given time zone)', () => {
    expect(timeTicks(T0, T0 + HOUR, 4).map((t) => (t - T0) / MINUTE)).toEqual([0, 15, 30, 45, 60]);
    const week = timeTicks(T0, T0 + 168 * HOUR, 8);
    expect(week).toHaveLength(7);
    for (const t of week) expect(new Date(t).getUTCHours()).toBe(0);
    // Two hours east of UTC, daily ticks land on local midnight (22:00 UTC).
    for (const t of timeTicks(T0, T0 + 168 * HOUR, 8, 2 * HOUR)) expect(new Date(t).getUTCHours()).toBe(22);
  });

  it('never gives more labels than asked for', () => {
    for (const hours of [1, 6, 24, 168])
      for (const max of [2, 4, 8]) expect(timeTicks(T0, T0 + hours * HOUR, max).length).toBeLessThanOrEqual(max + 1);
    expect(timeTicks(T0, T0, 4)).toEqual([]);
  });
});

describe('describeChart', () => {
  it('sums each series and names the busiest bucket', () => {
    const data = eventChart(
      answer({ events: { received: [{ t: T0 + B, n: 7 }], delivered: [{ t: T0 + B, n: 6 }], failed: [] } }),
      T0 + 2 * B,
    );
    const text = describeChart(data, 'Events', 1);
    expect(text).toMatch(/^Events over the last hour, in 5-minute buckets: 7 received, 6 delivered, 0 failed; /);
    expect(text).toMatch(/busiest bucket .+ with 13\.$/);
  });

  it('says none for an empty chart', () => {
    expect(describeChart(callChart(answer(), T0 + HOUR), 'Vendor calls', 168)).toBe(
      'Vendor calls over the last 7 days, in 5-minute buckets: none.',
    );
  });
});
