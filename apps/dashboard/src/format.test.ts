import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDetail,
  formatDuration,
  formatTime,
  isMidnight,
  relativeTime,
  setZoneChoice,
  timeHint,
  zoneAbbrev,
  zoneChoice,
  zoneOffset,
} from './format.js';

const AT = Date.UTC(2025, 2, 5, 14, 3, 7); // Wed 5 Mar 2025 14:03:07 UTC
const SAME_YEAR = Date.UTC(2025, 5, 1);

// The browser's zone in these tests: New York (UTC−5 in March), so the two choices differ.
let tz: string | undefined;
beforeEach(() => {
  tz = process.env.TZ;
  process.env.TZ = 'America/New_York';
  setZoneChoice('local');
});
afterEach(() => {
  process.env.TZ = tz;
  setZoneChoice('local');
});

describe('formatTime', () => {
  it('shows date, time and zone, in the browser’s zone or in UTC', () => {
    expect(formatTime(AT, SAME_YEAR, { zone: 'utc' })).toBe('Mar 5, 2:03:07 PM UTC');
    expect(formatTime(AT, SAME_YEAR, { zone: 'local' })).toBe('Mar 5, 9:03:07 AM EST');
    setZoneChoice('utc');
    expect(zoneChoice()).toBe('utc');
    expect(formatTime(AT, SAME_YEAR)).toBe('Mar 5, 2:03:07 PM UTC');
    // Another year's date carries its year; seconds can be left out.
    expect(formatTime(AT, Date.UTC(2026, 0, 2), { seconds: false })).toBe('Mar 5, 2025, 2:03 PM UTC');
    expect(formatDate(new Date(AT).toISOString())).toBe('Mar 5, 2025, 2:03 PM UTC');
  });

  it('is the same day in the zone shown, not in the browser’s', () => {
    // 02:00 UTC on 6 March is still 5 March in New York.
    const late = Date.UTC(2025, 2, 6, 2, 0);
    expect(formatTime(late, SAME_YEAR, { zone: 'local', seconds: false })).toBe('Mar 5, 9:00 PM EST');
    expect(formatTime(late, SAME_YEAR, { zone: 'utc', seconds: false })).toBe('Mar 6, 2:00 AM UTC');
  });
});

describe('hints and zones', () => {
  it('gives the relative time and the other zone as the hint', () => {
    expect(timeHint(AT, AT + 3 * 60_000)).toBe('3 min ago · Mar 5, 2025, 2:03:07 PM UTC');
    setZoneChoice('utc');
    expect(timeHint(AT, AT - 2 * 3_600_000)).toBe('in 2 h · Mar 5, 2025, 9:03:07 AM EST');
  });

  it('says relative times both ways', () => {
    expect(relativeTime(AT, AT + 10_000)).toBe('just now');
    expect(relativeTime(AT + 10_000, AT)).toBe('in a few seconds');
    expect(relativeTime(AT, AT + 5 * 60_000)).toBe('5 min ago');
    expect(relativeTime(AT + 3 * 86_400_000, AT)).toBe('in 3 d');
  });

  it('puts chart grids on the shown zone’s midnight', () => {
    const utcMidnight = Date.UTC(2025, 2, 5);
    expect(zoneOffset(AT, 'utc')).toBe(0);
    expect(zoneOffset(AT, 'local')).toBe(-5 * 3_600_000);
    expect(isMidnight(utcMidnight)).toBe(false);
    expect(isMidnight(utcMidnight + 5 * 3_600_000)).toBe(true);
    setZoneChoice('utc');
    expect(isMidnight(utcMidnight)).toBe(true);
    expect(zoneAbbrev(AT)).toBe('UTC');
  });

  it('remembers the choice in localStorage when there is one', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    };
    Object.assign(globalThis, { localStorage: storage });
    try {
      setZoneChoice('utc');
      expect(store.get('synchub.timeZone')).toBe('utc');
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });
});

describe('formatDuration', () => {
  it('is short and whole', () => {
    expect(formatDuration(20_000)).toBe('under a minute');
    expect(formatDuration(299_400)).toBe('5 min');
    expect(formatDuration(71 * 60_000)).toBe('1 h 11 min');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(76 * 3_600_000)).toBe('3 d 4 h');
  });
});

describe('formatDetail', () => {
  it('reads an object of plain values as labelled parts, and anything deeper as short JSON', () => {
    expect(
      formatDetail({ connection: 'Salesforce sandbox', object: 'Account', fields: ['Pendo_a__c', 'Pendo_b__c'] }),
    ).toBe('Connection: Salesforce sandbox · Object: Account · Fields: Pendo_a__c, Pendo_b__c');
    expect(formatDetail({ windowDays: 30, dryRun: false, last: null })).toBe(
      'Window days: 30 · Dry run: false · Last: —',
    );
    expect(formatDetail({ nested: { a: 1 } })).toBe('{"nested":{"a":1}}');
    expect(formatDetail({})).toBe('{}');
    expect(formatDetail(Array.from({ length: 7 }, (_, i) => i))).toBe('0, 1, 2, 3, 4 … (7 in all)');
  });
});
