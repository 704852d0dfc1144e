import { Time } from './time.js';
import type { EventRow } from '../types.js';
import { SortHeader, useSort } from './sortable.js';
import { STATE_LABELS, StateBadge } from './state-badge.js';

/** The id of the button that opens an event's detail: closing the detail returns focus to it. */
export const openerId = (id: number) => `event-open-${id}`;

interface Props {
  rows: EventRow[];
  selectedId: number | undefined;
  onSelect: (id: number) => void;
  onReplay: (id: number) => void;
  replayingId: number | undefined;
}

/** Recent events, newest first. A row opens the detail panel (the id button does the same from the keyboard). */
export function EventTable({ rows, selectedId, onSelect, onReplay, replayingId }: Props) {
  const { sorted, sort, toggle } = useSort(rows, (e, key) => {
    if (key === 'state') return STATE_LABELS[e.state];
    if (key === 'error') return e.lastError?.code;
    return e[key as 'id' | 'type' | 'label' | 'attempts' | 'receivedAt'];
  });
  const header = (label: string, column: string, num?: boolean) => (
    <SortHeader label={label} column={column} sort={sort} onSort={toggle} num={num} />
  );
  return (
    <div class="card table-card">
      <table class="table events-table">
        <caption class="visually-hidden">
          {sort ? 'Events loaded, sorted by the column marked' : 'Recent events, newest first'}
        </caption>
        <thead>
          <tr>
            {header('ID', 'id')}
            {header('Type', 'type')}
            {header('Label', 'label')}
            {header('State', 'state')}
            {header('Attempts', 'attempts', true)}
            {header('Received', 'receivedAt')}
            {header('Last error', 'error')}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((e) => {
            const selected = e.id === selectedId;
            return (
              <tr
                key={e.id}
                class={selected ? 'clickable selected' : 'clickable'}
                data-state={e.state}
                onClick={() => onSelect(e.id)}
              >
                <td>
                  <button
                    type="button"
                    id={openerId(e.id)}
                    class="link-button mono"
                    aria-label={`Show event ${e.id}`}
                    aria-expanded={selected}
                    aria-controls={selected ? 'event-detail' : undefined}
                    onClick={(ev) => {
                      ev.stopPropagation();
                      onSelect(e.id);
                    }}
                    onKeyDown={(ev) => {
                      if (ev.key === 'Escape' && selected) onSelect(e.id);
                    }}
                  >
                    {e.id}
                  </button>
                </td>
                <td>
                  <span class="type-tag">{e.type}</span>
                </td>
                <td class="label-cell">{e.label || <span class="muted">—</span>}</td>
                <td>
                  <StateBadge state={e.state} />
                </td>
                <td class="num">{e.attempts}</td>
                <td class="nowrap">
                  <Time at={e.receivedAt} />
                </td>
                <td class="error-cell">
                  {e.lastError ? (
                    <>
                      <code class="code">{e.lastError.code}</code> <span>{e.lastError.message}</span>
                    </>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td class="actions">
                  {e.state === 'failed' && (
                    <button
                      type="button"
                      class="button small"
                      aria-label={`Replay event ${e.id}`}
                      disabled={replayingId === e.id}
                      onClick={(ev) => {
                        ev.stopPropagation();
                        onReplay(e.id);
                      }}
                    >
                      {replayingId === e.id ? 'Replaying…' : 'Replay'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
