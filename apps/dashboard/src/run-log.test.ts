import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { humanize, setZoneChoice } from './format.js';
import { explainCursor, markOf, nextSort, sortRows, splitDetails } from './run-log.js';

const NOW = Date.UTC(2025, 2, 6, 9, 0);
beforeEach(() => setZoneChoice('utc'));
afterEach(() => setZoneChoice('local'));

describe('explainCursor', () => {
  const at = (iso: string, ids: string[] = []) => JSON.stringify({ after: iso, ids });

  it('says in words where a run started, where it got to and what the next run does', () => {
    expect(explainCursor(null, at('2025-03-05T12:00:00.000Z', ['a', 'b']), NOW)).toBe(
      'Read everything changed up to Mar 5, 2025, 12:00:00 PM UTC (2 records changed at that moment already read). The next run reads only what changed after that.',
    );
    expect(explainCursor(at('2025-03-04T08:30:00Z'), at('2025-03-05T12:00:00Z'), NOW)).toBe(
      'Read what changed between Mar 4, 2025, 8:30:00 AM UTC and Mar 5, 2025, 12:00:00 PM UTC. The next run reads only what changed after that.',
    );
    expect(explainCursor(at('2025-03-05T12:00:00Z'), at('2025-03-05T12:00:00Z'), NOW)).toBe(
      'Nothing changed after Mar 5, 2025, 12:00:00 PM UTC, so the position stayed.',
    );
    expect(explainCursor('1', '3', NOW)).toBe('Read from position 1 to position 3. The next run goes on from there.');
    expect(explainCursor(null, '3', NOW)).toBe(
      'Read from the beginning to position 3. The next run goes on from there.',
    );
    expect(explainCursor(null, null)).toBe('No position is kept: each run reads everything.');
    expect(explainCursor('3', null)).toBe(
      'Started from position 3; the position was cleared, so the next run reads everything again.',
    );
  });

  it('unwraps a position tied to the settings, and reads plain dates, epochs and pages', () => {
    const wrapped = JSON.stringify({ f: '0123abcd', c: JSON.stringify({ after: 1741176000000, gsid: 'G1' }) });
    expect(markOf(wrapped)).toEqual({ at: 1741176000000, seen: 1, tied: true });
    expect(explainCursor(null, wrapped, NOW)).toMatch(/changing them starts over\.$/);
    expect(markOf('"2025-03-05T12:00:00Z"').at).toBe(Date.UTC(2025, 2, 5, 12));
    expect(markOf('2025-03-05').at).toBe(Date.UTC(2025, 2, 5));
    expect(markOf('1741176000')).toEqual({ at: 1741176000000, tied: false });
    expect(markOf('7')).toEqual({ position: '7', tied: false });
    expect(markOf(JSON.stringify({ after: 'page-9' }))).toEqual({ position: 'page-9', seen: undefined, tied: false });
    expect(markOf(JSON.stringify({ x: 'y'.repeat(80) }))).toEqual({ tied: false });
  });
});

describe('splitDetails', () => {
  it('turns noted records into tables with every column, and keeps the rest as facts', () => {
    const { tables, facts } = splitDetails({
      unmatched: [
        { Gsid: 'G1', Name: 'Acme', reason: 'no SfdcAccountId' },
        { Gsid: 'G2', reason: 'ambiguous', extra: { a: 1 } },
      ],
      discoveredCategories: ['Call', 'Email'],
      pages: 3,
    });
    expect(tables).toEqual([
      {
        key: 'unmatched',
        title: 'Unmatched',
        columns: ['Gsid', 'Name', 'reason', 'extra'],
        rows: [
          { Gsid: 'G1', Name: 'Acme', reason: 'no SfdcAccountId', extra: '' },
          { Gsid: 'G2', Name: '', reason: 'ambiguous', extra: 'A: 1' },
        ],
        capped: false,
      },
    ]);
    expect(facts).toEqual([
      { key: 'discoveredCategories', label: 'Discovered categories', value: 'Call, Email' },
      { key: 'pages', label: 'Pages', value: '3' },
    ]);
    expect(splitDetails(null)).toEqual({ tables: [], facts: [] });
    expect(splitDetails({ unmatched: [{}, {}] }).facts).toEqual([
      { key: 'unmatched', label: 'Unmatched', value: '2 noted, with no fields' },
    ]);
    expect(splitDetails({ unmatched: Array.from({ length: 100 }, (_, i) => ({ i })) }).tables[0]?.capped).toBe(true);
    expect(humanize('company_gsid')).toBe('Company gsid');
  });
});

describe('sorting', () => {
  const rows = [
    { name: 'b10', n: 3, note: 'x' },
    { name: 'B2', n: 10, note: '' },
    { name: 'a', n: 3, note: 'y' },
  ];
  const cell = (r: (typeof rows)[number], key: string) => r[key as keyof typeof r];

  it('sorts numbers as numbers and text as people read it, empty cells last, stable', () => {
    expect(sortRows(rows, { key: 'n', direction: 'ascending' }, cell).map((r) => r.name)).toEqual(['b10', 'a', 'B2']);
    expect(sortRows(rows, { key: 'n', direction: 'descending' }, cell).map((r) => r.name)).toEqual(['B2', 'b10', 'a']);
    expect(sortRows(rows, { key: 'name', direction: 'ascending' }, cell).map((r) => r.name)).toEqual([
      'a',
      'B2',
      'b10',
    ]);
    expect(sortRows(rows, { key: 'note', direction: 'descending' }, cell).map((r) => r.name)).toEqual([
      'a',
      'b10',
      'B2',
    ]);
    expect(sortRows(rows, undefined, cell)).toEqual(rows);
  });

  it('cycles a column ascending, descending, then back to the table’s order', () => {
    const first = nextSort(undefined, 'n');
    expect(first).toEqual({ key: 'n', direction: 'ascending' });
    const second = nextSort(first, 'n');
    expect(second).toEqual({ key: 'n', direction: 'descending' });
    expect(nextSort(second, 'n')).toBeUndefined();
    expect(nextSort(second, 'name')).toEqual({ key: 'name', direction: 'ascending' });
  });
});
