import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { prettyJson } from '../format.js';
import { pipelinesApi, type RunView } from '../pipeline-form.js';
import { RUN_LABELS } from '../pull-status.js';
import type { RecordStatus, RunRecord } from '../pulls-types.js';
import { explainCursor, splitDetails } from '../run-log.js';
import { NoteTableView } from './note-table.js';
import '../styles-tables.css';
import { Time } from './time.js';

// One run as the Pipelines page and the sync form show it: status, counts and reasons, cursor, error,
// details, and (for syncs) the outcome of each record.

export const RUN_BADGE = {
  completed: 'ok',
  failed: 'failed',
  running: 'neutral',
  // Retried by the hub: not the pipeline's failure.
  interrupted: 'neutral',
  never: 'neutral',
} as const;

const COUNT_LABELS = { read: 'Read', written: 'Written', skipped: 'Skipped', failed: 'Failed' } as const;

export function RunItem({ run: r, records = false }: { run: RunView; records?: boolean }) {
  // Hubs before run numbers sent only the id (counted over every pipeline).
  const number = r.number ?? r.id;
  const { tables, facts } = splitDetails(r.details);
  return (
    <>
      <p>
        <span class={`badge ${RUN_BADGE[r.status]}`}>{RUN_LABELS[r.status]}</span> <strong>Run {number}</strong> ·{' '}
        {r.trigger} · started <Time at={r.startedAt} />
        {r.finishedAt !== null && ` · took ${Math.max(0, Math.round((r.finishedAt - r.startedAt) / 100) / 10)} s`}
      </p>
      <dl class="run-counts">
        {(['read', 'written', 'skipped', 'failed'] as const).map((k) => (
          <div key={k}>
            <dt>{COUNT_LABELS[k]}</dt>
            <dd>{r.counts[k].toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(r.counts.reasons).length > 0 && (
        <ul class="small">
          {Object.entries(r.counts.reasons).map(([reason, n]) => (
            <li key={reason}>
              {n.toLocaleString()} × {reason}
            </li>
          ))}
        </ul>
      )}
      {(r.cursorBefore || r.cursorAfter) && (
        <div class="small cursor-line">
          <p>{explainCursor(r.cursorBefore, r.cursorAfter)}</p>
          <details>
            <summary>Saved position as stored</summary>
            <p class="muted">
              <code>{r.cursorBefore ?? 'none'}</code> → <code>{r.cursorAfter ?? 'none'}</code>
            </p>
          </details>
        </div>
      )}
      {r.error && (
        // An interrupted run is retried by itself: a warning, not a failure.
        <div class={r.status === 'interrupted' ? 'notice warn' : 'notice error'}>
          <p>
            <strong>{r.error.code}</strong>
            {r.error.vendorCode && ` (${r.error.vendorCode})`}
            {r.error.status && ` HTTP ${r.error.status}`}: {r.error.message}
          </p>
          {r.error.body !== undefined && <pre class="json">{prettyJson(r.error.body)}</pre>}
        </div>
      )}
      {facts.length > 0 && (
        <dl class="run-facts small">
          {facts.map((f) => (
            <div key={f.key}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {tables.map((t) => (
        <NoteTableView key={t.key} table={t} runNumber={number} />
      ))}
      {records && r.status !== 'running' && r.counts.read > 0 && <RunRecords run={r} />}
    </>
  );
}

const PAGE = 50;
const STATUS_LABELS: Record<RecordStatus, string> = { written: 'Written', skipped: 'Skipped', failed: 'Failed' };
const STATUS_BADGE: Record<RecordStatus, string> = { written: 'ok', skipped: 'neutral', failed: 'failed' };

/** The outcome of each record of a finished sync run, filterable by status, 50 at a time. */
export function RunRecords({ run }: { run: RunView }) {
  const [status, setStatus] = useState<RecordStatus | ''>(run.counts.failed > 0 ? 'failed' : '');
  const [list, setList] = useState<{ records: RunRecord[]; total: number }>();
  const [error, setError] = useState<string>();
  const [more, setMore] = useState(false);

  useEffect(() => {
    let live = true;
    setList(undefined);
    setError(undefined);
    pipelinesApi.runRecords(run.id, { status: status || undefined, limit: PAGE }).then(
      (answer) => live && setList(answer),
      (e: unknown) => live && !(e instanceof ApiError && e.status === 401) && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [run.id, status]);

  const loadMore = async () => {
    if (!list) return;
    setMore(true);
    try {
      const next = await pipelinesApi.runRecords(run.id, {
        status: status || undefined,
        limit: PAGE,
        offset: list.records.length,
      });
      setList({ records: [...list.records, ...next.records], total: next.total });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError((e as Error).message);
    }
    setMore(false);
  };

  const filterId = `run-${run.id}-status`;
  return (
    <section class="run-records" aria-label={`Record outcomes of run ${run.number ?? run.id}`}>
      <div class="run-records-head">
        <h3>Record outcomes</h3>
        <label class="visually-hidden" for={filterId}>
          Show records
        </label>
        <select
          id={filterId}
          class="compact"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as RecordStatus | '')}
        >
          <option value="">
            All ({(run.counts.written + run.counts.skipped + run.counts.failed).toLocaleString()})
          </option>
          {(['written', 'skipped', 'failed'] as const).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]} ({run.counts[s].toLocaleString()})
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p class="notice error" role="alert">
          Could not load the records: {error}
        </p>
      )}
      {!list && !error && <p class="muted small">Loading records…</p>}
      {list && list.records.length === 0 && <p class="muted small">No records with this outcome.</p>}
      {list && list.records.length > 0 && (
        <div class="scroll-x">
          <table class="table compact-table outcomes-table">
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {list.records.map((rec, i) => (
                <tr key={`${rec.key}-${i}`}>
                  <td class="record-key">{rec.key ?? <span class="muted">(no key)</span>}</td>
                  <td>
                    <span class={`badge ${STATUS_BADGE[rec.status]}`}>{STATUS_LABELS[rec.status]}</span>
                  </td>
                  <td class="small reason-cell">
                    <Reason record={rec} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.records.length < list.total && (
        <button type="button" class="button small" disabled={more} onClick={() => void loadMore()}>
          {more ? 'Loading…' : `Show more (${(list.total - list.records.length).toLocaleString()} left)`}
        </button>
      )}
    </section>
  );
}

/**
 * Why a record was skipped or failed. A failure shows the vendor's message; a skip is expected (no match,
 * no key), so its vendor detail stays behind a click.
 */
function Reason({ record: rec }: { record: RunRecord }) {
  const e = rec.error;
  const said = e && [e.code, e.vendorCode && `(${e.vendorCode})`].filter(Boolean).join(' ');
  const message = e?.message ? `${said ? `${said}: ` : ''}${e.message}` : said;
  const failed = rec.status === 'failed';
  return (
    <>
      {rec.reason ?? (failed ? null : '')}
      {failed && message && <div class="error-text">{message}</div>}
      {e && (!failed || e.body !== undefined) && (
        <details>
          <summary>Vendor’s answer</summary>
          {!failed && message && <p class="small">{message}</p>}
          {e.body !== undefined && <pre class="json">{prettyJson(e.body)}</pre>}
        </details>
      )}
    </>
  );
}
