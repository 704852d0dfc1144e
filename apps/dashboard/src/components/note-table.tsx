import { NOTE_CAP, type NoteTable } from '../run-log.js';
import { SortHeader, useSort } from './sortable.js';

/** Records a run noted (unmatched records with their reason…) as a sortable table. */
export function NoteTableView({ table, runNumber }: { table: NoteTable; runNumber: number }) {
  const { sorted, sort, toggle } = useSort(table.rows, (row, key) => row[key]);
  const caption = `${table.title} (${table.rows.length.toLocaleString()}${table.capped ? `, the first ${NOTE_CAP} kept` : ''})`;
  return (
    <div class="scroll-x note-table">
      <table class="table compact-table">
        <caption>
          {caption}
          <span class="visually-hidden"> in run {runNumber}</span>
        </caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <SortHeader key={c} label={c} column={c} sort={sort} onSort={toggle} />
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row, i) => (
            // Noted records have no id of their own: the position is the row's identity.
            <tr key={i}>
              {table.columns.map((c) => (
                <td key={c} class="note-cell">
                  {row[c] || <span class="muted">—</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
