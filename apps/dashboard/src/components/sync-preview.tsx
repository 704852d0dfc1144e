import { prettyJson } from '../format.js';
import type { PlannedRequest, Preview } from '../pulls-types.js';
import { readPath, showValue } from '../sync-form.js';

// A preview (dry run): each record as read and as it would be written, and every request a run would
// send. Nothing was written and no cursor moved.

interface Props {
  preview: Preview;
  /** Source paths the mapping reads: shown first for each record, the rest behind "more fields". */
  paths: string[];
  /** What was previewed: the saved pipeline, or the form's unsaved settings. */
  saved: boolean;
}

export function SyncPreview({ preview, paths, saved }: Props) {
  const { counts, records, requests, error } = preview;
  return (
    <section class="preview-panel" aria-labelledby="preview-title" tabIndex={-1} id="sync-preview">
      <h2 id="preview-title">Preview</h2>
      <p class="muted small">
        {saved ? 'The saved settings' : 'These settings'}, on up to {preview.limit} records. Nothing was written and the
        sync’s position did not move.
      </p>
      <dl class="run-counts" aria-label="Preview counts">
        {(
          [
            ['Read', counts.read],
            ['Would write', counts.written],
            ['Skipped', counts.skipped],
            ['Failed', counts.failed],
          ] as const
        ).map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{n.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(counts.reasons).length > 0 && (
        <ul class="small">
          {Object.entries(counts.reasons).map(([reason, n]) => (
            <li key={reason}>
              {n.toLocaleString()} × {reason}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p class="notice error" role="alert">
          <strong>{error.code}</strong>: {error.message}
        </p>
      )}

      <h3>Records ({records.length})</h3>
      {records.length === 0 ? (
        <p class="muted small">The stream has no records to sync (from where the sync left off).</p>
      ) : (
        <table class="table preview-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Before (as read)</th>
              <th scope="col">After (as it would be written)</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r, i) => (
              <tr key={i}>
                <td class="num" data-label="Record">
                  {i + 1}
                </td>
                <td data-label="Before">
                  <Before record={r.before} paths={paths} />
                </td>
                <td data-label="After">
                  {r.after ? <Pairs entries={Object.entries(r.after)} /> : <span class="badge neutral">Skipped</span>}
                  {r.note && <p class={`small ${r.after ? 'muted' : 'error-text'}`}>{r.note}</p>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Requests a run would send ({requests.length})</h3>
      {requests.length === 0 ? (
        <p class="muted small">None: no record would be written.</p>
      ) : (
        <ol class="plain requests">
          {requests.map((req, i) => (
            <li key={i}>
              <RequestView request={req} open={i === 0} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Before({ record, paths }: { record: Record<string, unknown>; paths: string[] }) {
  const mapped = paths.filter((p) => readPath(record, p) !== undefined);
  const rest = Object.entries(record).filter(([k]) => !mapped.some((p) => p === k || p.startsWith(`${k}.`)));
  return (
    <>
      <Pairs entries={mapped.map((p) => [p, readPath(record, p)])} />
      {rest.length > 0 && (
        <details class="more-fields">
          <summary>
            {rest.length} more field{rest.length === 1 ? '' : 's'}
          </summary>
          <Pairs entries={rest} />
        </details>
      )}
    </>
  );
}

function Pairs({ entries }: { entries: [string, unknown][] }) {
  if (entries.length === 0) return <span class="muted small">(no fields)</span>;
  return (
    <dl class="pairs">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd class={v === null || v === undefined ? 'muted' : undefined}>{showValue(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** How many records a body carries, when it says (an array, or `records`/`data` arrays). */
function recordCount(body: unknown): number | undefined {
  if (Array.isArray(body)) return body.length;
  if (body && typeof body === 'object') {
    for (const key of ['records', 'data', 'batch']) {
      const list = (body as Record<string, unknown>)[key];
      if (Array.isArray(list)) return list.length;
    }
  }
  return undefined;
}

function RequestView({ request: r, open }: { request: PlannedRequest; open: boolean }) {
  const n = recordCount(r.body);
  return (
    <details class="request" open={open}>
      <summary>
        <span class="method">{r.method}</span> <span class="url">{r.url}</span>
        {n !== undefined && (
          <span class="muted small">
            {' '}
            · {n} record{n === 1 ? '' : 's'}
          </span>
        )}
      </summary>
      <h4>Headers</h4>
      <dl class="pairs">
        {Object.entries(r.headers).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h4>Body</h4>
      {r.body === undefined || r.body === null ? (
        <p class="muted small">No body.</p>
      ) : (
        <pre class="json">{typeof r.body === 'string' ? r.body : prettyJson(r.body)}</pre>
      )}
    </details>
  );
}
