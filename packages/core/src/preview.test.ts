import { describe, expect, it } from 'vitest';
import type { DryRun } from './flow.js';
import { previewLeft, previewPageOption, previewPages, previewPageSize, previewTake } from './preview.js';

const dry = (limit: number): { dryRun: DryRun } => ({ dryRun: { limit, sample() {} } });

async function* pagesOf(...sizes: number[]) {
  let n = 0;
  for (const size of sizes) yield { records: Array.from({ length: size }, () => n++), cursor: String(n) };
}

describe('preview helpers', () => {
  it('change nothing outside a dry run', async () => {
    const run = {};
    expect(previewLeft(run)).toBe(Number.POSITIVE_INFINITY);
    expect(previewTake(run, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(previewPageSize(run, 500)).toBe(500);
    expect(previewPageOption(run)).toEqual({});
    const pages = [];
    for await (const page of previewPages(run, pagesOf(2, 2))) pages.push(page.records);
    expect(pages).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('spend one budget for the whole run and ask for no page beyond it', async () => {
    const run = dry(5);
    expect(previewPageOption(run)).toEqual({ pageSize: 5 });
    expect(previewTake(run, [1, 2])).toEqual([1, 2]);
    expect(previewLeft(run)).toBe(3);
    expect(previewPageSize(run, 1000)).toBe(3);
    let asked = 0;
    async function* counted() {
      for await (const page of pagesOf(2, 2, 2)) {
        asked++;
        yield page;
      }
    }
    const pages = [];
    for await (const page of previewPages(run, counted())) pages.push(page.records);
    expect(pages).toEqual([[0, 1], [2]]);
    expect(asked).toBe(2);
    expect(previewLeft(run)).toBe(0);
    expect(previewTake(run, [9])).toEqual([]);
  });
});
