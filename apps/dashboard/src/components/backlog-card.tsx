import { backlogLine, totalWaiting } from '../backlog.js';
import { formatTime } from '../format.js';
import type { BacklogEntry } from '../types.js';
import '../styles-backlog.css';

/**
 * What waits for delivery, one line per destination: how many, the oldest's age, the connection's budget
 * and how long that budget makes them wait (Overview and Events).
 */
export function BacklogCard({ entries, now }: { entries: BacklogEntry[] | undefined; now: number }) {
  if (!entries) return null;
  const lines = entries.map((e) => backlogLine(e, now));
  const total = totalWaiting(entries);
  return (
    <section class="card backlog-card" aria-labelledby="backlog-title">
      <div class="backlog-head">
        <h2 id="backlog-title">Waiting for delivery</h2>
        <span class="muted small" data-testid="backlog-total">
          {total === 0 ? 'nothing waiting' : `${total.toLocaleString()} in all`}
        </span>
      </div>
      {lines.length === 0 ? (
        <p class="muted small">
          No destinations yet. <a href="#/destinations">Add one</a> to deliver events.
        </p>
      ) : (
        <ul class="plain backlog-list">
          {lines.map((line) => (
            <li key={line.key} class={`backlog-item${line.warn ? ' warn' : ''}`} data-testid="backlog-line">
              <span class="backlog-name">{line.name}</span>
              <span class="backlog-parts">
                {line.parts.map((part, i) => (
                  <span key={part.text} class="backlog-part">
                    {i > 0 && <span aria-hidden="true"> · </span>}
                    {part.at === undefined ? (
                      part.text
                    ) : (
                      <time
                        dateTime={new Date(part.at).toISOString()}
                        title={`Received ${formatTime(part.at, now, { year: true })}`}
                      >
                        {part.text}
                      </time>
                    )}
                  </span>
                ))}
              </span>
              {line.note && <span class="backlog-note muted small">{line.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
