import { useMemo, useState } from 'preact/hooks';
import { nextSort, type SortState, sortRows } from '../run-log.js';
import '../styles-tables.css';

/**
 * A table's sort: click a column header for ascending, again for descending, a third time for the table's
 * own order. Sorts the rows the table has (a paged list sorts the rows loaded).
 */
export function useSort<T>(
  rows: readonly T[],
  cell: (row: T, key: string) => string | number | null | undefined,
): { sorted: T[]; sort: SortState | undefined; toggle: (key: string) => void } {
  const [sort, setSort] = useState<SortState | undefined>();
  // `cell` is a new function each render; the rows and the sort decide the order.
  const sorted = useMemo(() => sortRows(rows, sort, cell), [rows, sort]);
  return { sorted, sort, toggle: (key) => setSort((s) => nextSort(s, key)) };
}

/** A column header that sorts: a button inside the `th`, its state in `aria-sort`. */
export function SortHeader({
  label,
  column,
  sort,
  onSort,
  num,
}: {
  label: string;
  column: string;
  sort: SortState | undefined;
  onSort: (key: string) => void;
  num?: boolean | undefined;
}) {
  const active = sort?.key === column ? sort.direction : undefined;
  return (
    <th scope="col" class={num ? 'num' : undefined} aria-sort={active ?? 'none'}>
      <button type="button" class="sort-button" onClick={() => onSort(column)}>
        {label}
        <span class="sort-mark" aria-hidden="true">
          {active === 'ascending' ? '▲' : active === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}
