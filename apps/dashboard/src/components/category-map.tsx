import { useEffect, useState } from 'preact/hooks';
import { suggestActivityType, unmappedCategories, type Widget } from '../pull-form.js';
import type { DiscoveredCategories } from '../pulls-api.js';

// ReportingCategory → activity type rows, with live category discovery and one-click "Add" chips for the
// categories the timeline (or the last run) has that the map does not cover yet.

type MapWidget = Extract<Widget, { type: 'category-map' }>;

const KNOWN_TYPES: Record<string, string> = {
  EMAIL: 'An email sent to or received from the customer.',
  MEETING: 'A meeting or a call with the customer (calls count as meetings).',
  TYPE_MANUAL: 'A note someone logged by hand: an update, a risk, anything that is not a meeting or an email.',
};

interface Row {
  category: string;
  type: string;
}

function rowsOf(value: unknown, w: MapWidget): Row[] {
  if (w.shape === 'record') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
    return Object.entries(value as Record<string, unknown>).map(([category, type]) => ({
      category,
      type: String(type ?? ''),
    }));
  }
  if (!Array.isArray(value)) return [];
  return value.map((r) => {
    const o = (r ?? {}) as Record<string, unknown>;
    return { category: String(o[w.keyName] ?? ''), type: String(o[w.valueName] ?? '') };
  });
}

function toMapValue(rows: Row[], w: MapWidget): unknown {
  if (w.shape === 'record') return Object.fromEntries(rows.map((r) => [r.category, r.type]));
  return rows.map((r) => ({ [w.keyName]: r.category, [w.valueName]: r.type }));
}

/** Why these rows cannot be saved (the map is keyed by category), or undefined. */
export function mapProblem(rows: { category: string; type: string }[]): string | undefined {
  if (rows.some((r) => !r.category.trim())) return 'Enter a category in every row, or remove the empty row.';
  const seen = new Set<string>();
  for (const r of rows) {
    const key = r.category.trim().toLowerCase();
    if (seen.has(key)) return `“${r.category.trim()}” is mapped twice: keep one row.`;
    seen.add(key);
  }
  if (rows.some((r) => !r.type)) return 'Choose an activity type for every row.';
  return undefined;
}

interface Props {
  id: string;
  label: string;
  description?: string | undefined;
  widget: MapWidget;
  path: string;
  value: unknown;
  errors: Record<string, string>;
  /** Samples the activity timeline (a sample size steps down from the default 1000). */
  discover: (sampleSize?: number) => Promise<DiscoveredCategories>;
  unmappedSeen: string[];
  onChange: (value: unknown) => void;
  setProblem: (problem: string | undefined) => void;
}

export function CategoryMap({
  id,
  label,
  description,
  widget,
  path,
  value,
  errors,
  discover,
  unmappedSeen,
  onChange,
  setProblem,
}: Props) {
  const [rows, setRows] = useState(() => rowsOf(value, widget));
  const [found, setFound] = useState<DiscoveredCategories | undefined>();
  const [discovering, setDiscovering] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const types = widget.types.length > 0 ? widget.types : Object.keys(KNOWN_TYPES);
  const serialized = JSON.stringify(value ?? null);

  // A save or reset from outside replaces the rows; the user's own edits already match the value.
  useEffect(() => {
    if (JSON.stringify(toMapValue(rows, widget)) !== serialized) setRows(rowsOf(value, widget));
  }, [serialized]);

  const update = (next: Row[]) => {
    setRows(next);
    setProblem(mapProblem(next));
    onChange(toMapValue(next, widget));
  };
  const add = (category = '') => {
    update([...rows, { category, type: category ? suggestActivityType(category, types) : (types[0] ?? '') }]);
    if (!category) requestAnimationFrame(() => document.getElementById(`${id}-${rows.length}-category`)?.focus());
  };
  const sample = async () => {
    setDiscovering({ busy: true });
    try {
      setFound(await discover(found ? (found.nextSampleSize ?? found.sampleSize) : undefined));
      setDiscovering({ busy: false });
    } catch (e) {
      setDiscovering({ busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };

  const mapped = rows.map((r) => r.category);
  const chipsFromSample = found
    ? unmappedCategories(
        found.categories.map((c) => c.category),
        mapped,
      )
    : [];
  const chipsFromRun = unmappedCategories(unmappedSeen, [...mapped, ...chipsFromSample]);
  const countOf = (category: string) => found?.categories.find((c) => c.category === category)?.count;
  const listError = errors[path];

  return (
    <fieldset class={`group category-map${listError ? ' invalid' : ''}`}>
      <legend>
        {label}
        <details class="type-help">
          <summary aria-label="What the activity types mean">?</summary>
          <div class="type-help-pop">
            <dl>
              {types.map((t) => (
                <div key={t}>
                  <dt>{t}</dt>
                  <dd>{KNOWN_TYPES[t] ?? 'A custom activity type.'}</dd>
                </div>
              ))}
            </dl>
            <p class="small muted">
              Pick by what the activity is (a meeting, an email, a note), not by its Gainsight name.
            </p>
          </div>
        </details>
      </legend>
      {description && <p class="help">{description}</p>}
      {listError && (
        <p class="field-error" role="alert">
          {listError}
        </p>
      )}
      {rows.length === 0 ? (
        <p class="muted small">No categories mapped: every activity would be skipped.</p>
      ) : (
        <table class="row-table map-table">
          <thead>
            <tr>
              <th scope="col">ReportingCategory</th>
              <th scope="col">Activity type</th>
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const base = `${path}.${i}`;
              const catError = errors[`${base}.${widget.keyName}`] ?? errors[base];
              const typeError = errors[`${base}.${widget.valueName}`];
              return (
                <tr key={i}>
                  <td class={catError ? 'invalid' : undefined}>
                    <input
                      id={`${id}-${i}-category`}
                      value={row.category}
                      aria-label={`Category, row ${i + 1}`}
                      aria-invalid={catError ? true : undefined}
                      autoComplete="off"
                      spellcheck={false}
                      onInput={(e) =>
                        update(rows.map((r, j) => (j === i ? { ...r, category: e.currentTarget.value } : r)))
                      }
                    />
                    {catError && <p class="field-error">{catError}</p>}
                  </td>
                  <td class={typeError ? 'invalid' : undefined}>
                    <select
                      value={row.type}
                      aria-label={`Activity type, row ${i + 1}`}
                      aria-invalid={typeError ? true : undefined}
                      onChange={(e) =>
                        update(rows.map((r, j) => (j === i ? { ...r, type: e.currentTarget.value } : r)))
                      }
                    >
                      {!types.includes(row.type) && <option value={row.type}>{row.type || 'Choose…'}</option>}
                      {types.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </select>
                    {typeError && <p class="field-error">{typeError}</p>}
                  </td>
                  <td class="remove-cell">
                    <button
                      type="button"
                      class="button small ghost danger-text"
                      aria-label={`Remove category row ${i + 1}`}
                      onClick={() => update(rows.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div class="button-row start">
        <button type="button" class="button small" onClick={() => add()}>
          Add mapping
        </button>
        <button type="button" class="button small" onClick={sample} disabled={discovering.busy}>
          {discovering.busy
            ? 'Sampling activities…'
            : found
              ? `Resample (${found.nextSampleSize ?? found.sampleSize ?? 'again'})`
              : 'Discover categories'}
        </button>
      </div>
      {discovering.error && (
        <p class="field-error" role="alert">
          Could not sample the activity timeline: {discovering.error}
        </p>
      )}
      {found && (
        <div class="discovered" role="status">
          <p class="small">
            {found.categories.length === 0
              ? 'The sample has no categories.'
              : `${found.categories.length} ${found.categories.length === 1 ? 'category' : 'categories'} in a sample of ${found.sampled ?? found.sampleSize ?? 'the latest'} activities:`}
          </p>
          <ul class="chips" aria-label="Discovered categories">
            {found.categories.map((c) => {
              const open = chipsFromSample.includes(c.category);
              return (
                <li key={c.category}>
                  {open ? (
                    <button
                      type="button"
                      class="chip add"
                      onClick={() => add(c.category)}
                      aria-label={`Add ${c.category}`}
                    >
                      + {c.category} <span class="chip-count">{c.count}</span>
                    </button>
                  ) : (
                    <span class="chip mapped" title="Already mapped">
                      ✓ {c.category} <span class="chip-count">{c.count}</span>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {chipsFromRun.length > 0 && (
        <div class="discovered">
          <p class="small">Seen in the last run but not mapped:</p>
          <ul class="chips" aria-label="Unmapped categories from the last run">
            {chipsFromRun.map((c) => (
              <li key={c}>
                <button type="button" class="chip add" onClick={() => add(c)} aria-label={`Add ${c}`}>
                  + {c}
                  {countOf(c) !== undefined && <span class="chip-count">{countOf(c)}</span>}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </fieldset>
  );
}
