import type { ComponentChildren } from 'preact';
import { type MappingRow, newMappingRow, ROW_KINDS, type RowKind, TARGET_TYPES } from '../sync-form.js';
import { FieldPicker } from './pickers.js';

// The sync's mapping: one row per target field, each a source field, a constant, a template or a lookup
// table, with an optional type coercion. Source fields come from discover of the stream's object, target
// fields from discover of the writer's object.

interface Props {
  rows: MappingRow[];
  errors: Record<string, string>;
  sourceConnectionId: string;
  sourceObject: string | undefined;
  targetConnectionId: string;
  targetObject: string | undefined;
  onChange: (rows: MappingRow[]) => void;
}

const SOURCE_LABEL: Record<RowKind, string> = {
  field: 'Source field',
  constant: 'Value',
  template: 'Template',
  lookup: 'Source field',
};

export function MappingRows(props: Props) {
  const { rows, errors, onChange } = props;
  const set = (key: number, patch: Partial<MappingRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () => {
    const row = newMappingRow();
    onChange([...rows, row]);
    requestAnimationFrame(() => document.getElementById(`mapping-${row.key}-kind`)?.focus());
  };

  return (
    <fieldset class="group mapping">
      <legend>Mapping</legend>
      <p class="muted small">
        Each row sets one field of the destination: from a source field, a constant value, a template such as{' '}
        <code>{'{{FirstName}} {{LastName}}'}</code>, or a lookup table that translates values.
      </p>
      {errors['mapping'] && (
        <p class="field-error" role="alert">
          {errors['mapping']}
        </p>
      )}
      {rows.length === 0 ? (
        <p class="muted small empty-rows">No rows yet: nothing would be written.</p>
      ) : (
        <>
          <div class="map-head" aria-hidden="true">
            <span>Kind</span>
            <span>Source</span>
            <span />
            <span>Destination field</span>
            <span>Convert to</span>
            <span />
          </div>
          <ol class="plain map-rows">
            {rows.map((row, i) => (
              <Row key={row.key} row={row} n={i + 1} {...props} set={(patch) => set(row.key, patch)} />
            ))}
          </ol>
        </>
      )}
      <button type="button" class="button small" onClick={add}>
        Add mapping row
      </button>
    </fieldset>
  );
}

function Row(props: Props & { row: MappingRow; n: number; set: (patch: Partial<MappingRow>) => void }) {
  const { row, n, errors, set, rows, onChange } = props;
  const id = (column: string) => `mapping-${row.key}-${column}`;
  const error = (column: string) => errors[`mapping.${row.key}.${column}`];
  const rowError = errors[`mapping.${row.key}.row`];

  /** One labelled cell: its label is visible on narrow screens, the header names it on wide ones. */
  const cell = (column: string, label: string, control: ComponentChildren, extra = '') => (
    <div class={`map-cell map-${column}${error(column) ? ' invalid' : ''}${extra}`}>
      <label class="cell-label" for={id(column)}>
        {label}
        <span class="visually-hidden">, row {n}</span>
      </label>
      {control}
      {error(column) && (
        <p class="field-error" id={`${id(column)}-error`}>
          {error(column)}
        </p>
      )}
    </div>
  );
  const aria = (column: string) => ({
    id: id(column),
    'aria-invalid': error(column) ? true : undefined,
    'aria-describedby': error(column) ? `${id(column)}-error` : undefined,
  });
  const picker = (column: 'from' | 'to', connectionId: string, object: string | undefined, label: string) => (
    <FieldPicker
      id={id(column)}
      label={`${label}, row ${n}`}
      value={row[column]}
      required
      invalid={error(column) !== undefined}
      describedBy={error(column) ? `${id(column)}-error` : undefined}
      connectionId={connectionId || null}
      object={object}
      onChange={(v) => set({ [column]: typeof v === 'string' ? v : '' })}
    />
  );

  let source: ComponentChildren;
  if (row.kind === 'constant') {
    source = (
      <input
        {...aria('value')}
        value={row.value}
        autoComplete="off"
        spellcheck={false}
        placeholder="e.g. Salesforce"
        onInput={(e) => set({ value: e.currentTarget.value })}
      />
    );
  } else if (row.kind === 'template') {
    source = (
      <input
        {...aria('template')}
        class="mono"
        value={row.template}
        autoComplete="off"
        spellcheck={false}
        placeholder="{{FirstName}} {{LastName}}"
        onInput={(e) => set({ template: e.currentTarget.value })}
      />
    );
  } else {
    source = picker('from', props.sourceConnectionId, props.sourceObject, 'Source field');
  }
  const sourceColumn = row.kind === 'constant' ? 'value' : row.kind === 'template' ? 'template' : 'from';

  return (
    <li class={`map-row${rowError ? ' invalid' : ''}`} aria-label={`Mapping row ${n}`}>
      {cell(
        'kind',
        'Kind',
        <select {...aria('kind')} value={row.kind} onChange={(e) => set({ kind: e.currentTarget.value as RowKind })}>
          {ROW_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>,
      )}
      {cell(sourceColumn, SOURCE_LABEL[row.kind], source, ' map-source')}
      <span class="map-arrow" aria-hidden="true">
        →
      </span>
      {cell('to', 'Destination field', picker('to', props.targetConnectionId, props.targetObject, 'Destination field'))}
      {cell(
        'type',
        row.kind === 'constant' ? 'Value type' : 'Convert to',
        <select {...aria('type')} value={row.type} onChange={(e) => set({ type: e.currentTarget.value })}>
          {TARGET_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {row.kind === 'constant' && t.value === '' ? 'Text' : t.label}
            </option>
          ))}
        </select>,
      )}
      <div class="map-cell map-remove">
        <button
          type="button"
          class="button small ghost danger-text"
          aria-label={`Remove mapping row ${n}`}
          onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
        >
          Remove
        </button>
      </div>
      {row.kind === 'lookup' && (
        <div class="map-lookup">
          {cell(
            'lookup',
            'Lookup table',
            <textarea
              {...aria('lookup')}
              class="mono"
              rows={3}
              spellcheck={false}
              value={row.lookup}
              placeholder={'Gold = Tier 1\nSilver = Tier 2'}
              onInput={(e) => set({ lookup: e.currentTarget.value })}
            />,
          )}
          {cell(
            'lookupDefault',
            'Otherwise',
            <input
              {...aria('lookupDefault')}
              value={row.lookupDefault}
              autoComplete="off"
              spellcheck={false}
              placeholder="Optional"
              onInput={(e) => set({ lookupDefault: e.currentTarget.value })}
            />,
          )}
          <p class="help">
            One “source value = destination value” per line. “Otherwise” is written for values the table does not list;
            without it, such a record fails.
          </p>
        </div>
      )}
      {rowError && <p class="field-error map-row-error">{rowError}</p>}
    </li>
  );
}
