import type { ComponentChildren } from 'preact';

export interface Column<R> {
  key: keyof R & string;
  /** Column header; inputs are labelled "<label>, row <n>" so each one is unambiguous to screen readers. */
  label: string;
  placeholder?: string;
  optional?: boolean;
  mono?: boolean;
}

interface Props<R extends { key: number }> {
  /** Legend of the fieldset (the group's accessible name). */
  title: string;
  description: ComponentChildren;
  /** Prefix of input ids and error keys, e.g. `personFieldMap`. */
  name: string;
  columns: Column<R>[];
  rows: R[];
  /** Error per `${name}.${row.key}.${column}` (and `${name}.${row.key}.row`, `${name}` for the list). */
  errors: Record<string, string>;
  addLabel: string;
  emptyText: string;
  onChange: (rows: R[]) => void;
  newRow: () => R;
}

/** Editable rows (trait → field, event → version): add, edit, remove; each cell shows its own error. */
export function RowEditor<R extends { key: number }>(props: Props<R>) {
  const { title, description, name, columns, rows, errors, addLabel, emptyText, onChange, newRow } = props;
  const listError = errors[name];
  const set = (key: number, column: keyof R & string, value: string) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, [column]: value } : r)));

  const add = () => {
    const row = newRow();
    onChange([...rows, row]);
    // Focus the new row's first input once it is rendered.
    requestAnimationFrame(() => document.getElementById(`${name}-${row.key}-${columns[0]!.key}`)?.focus());
  };

  return (
    <fieldset class="group rows">
      <legend>{title}</legend>
      <p class="muted small">{description}</p>
      {listError && (
        <p class="field-error" role="alert">
          {listError}
        </p>
      )}
      {rows.length === 0 ? (
        <p class="muted small empty-rows">{emptyText}</p>
      ) : (
        <table class="row-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                  {c.optional && <span class="muted"> (optional)</span>}
                </th>
              ))}
              <th scope="col">
                <span class="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const rowError = errors[`${name}.${row.key}.row`];
              return (
                <tr key={row.key}>
                  {columns.map((c) => {
                    const id = `${name}-${row.key}-${c.key}`;
                    const error = errors[`${name}.${row.key}.${c.key}`];
                    return (
                      <td key={c.key} class={error ? 'invalid' : undefined}>
                        <input
                          id={id}
                          class={c.mono ? 'mono' : undefined}
                          value={String(row[c.key] ?? '')}
                          placeholder={c.placeholder}
                          autoComplete="off"
                          spellcheck={false}
                          aria-label={`${c.label}, row ${i + 1}`}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `${id}-error` : undefined}
                          onInput={(e) => set(row.key, c.key, e.currentTarget.value)}
                        />
                        {error && (
                          <p class="field-error" id={`${id}-error`}>
                            {error}
                          </p>
                        )}
                      </td>
                    );
                  })}
                  <td class="remove-cell">
                    <button
                      type="button"
                      class="button small ghost danger-text"
                      aria-label={`Remove row ${i + 1} of ${title.toLowerCase()}`}
                      onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                    >
                      Remove
                    </button>
                    {rowError && <p class="field-error">{rowError}</p>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" class="button small" onClick={add}>
        {addLabel}
      </button>
    </fieldset>
  );
}
