import type { ComponentChildren } from 'preact';
import { getAt, groupOff, hiddenByMode, join, type Node, type Prop, propsOf, withDefaults } from '../pull-form.js';
import { pullsApi } from '../pulls-api.js';
import { CategoryMap } from './category-map.js';
import { FieldPicker, ListInput, ObjectPicker } from './pickers.js';
import { JsonInput, NumberInput } from './pull-inputs.js';
import { FieldLabel } from './schema-field.js';

// Renders a pull kind's settings (a JSON Schema object) as inputs, recursively: nested groups as fieldsets,
// lists of objects as row cards, and pickers sourced from describe wherever a setting names a field.

export interface FieldsContext {
  /** Prefix of input ids, e.g. `gs-activity`. */
  idBase: string;
  gainsightId: string;
  /** The primary CRM connection (its Account fields feed the GSID override pickers). */
  crmId: string | null;
  /** The Gainsight object whose fields the pickers list (a row with its own `object` overrides it). */
  object: string | undefined;
  /** Errors by settings path (`objects.0.object`), from the hub or the browser. */
  errors: Record<string, string>;
  /** A client-side problem at a path (bad number, bad JSON), or undefined once fixed. */
  setProblem: (path: string, problem: string | undefined) => void;
  /** The whole settings value (for the category discovery's object and field). */
  root: unknown;
  /** Categories the last activity run saw but could not map. */
  unmappedSeen: string[];
  /** Fills a field-mapping JSON editor from the hub's auto-detection, when the kind supports it. */
  detect?: ((path: string) => Promise<unknown>) | undefined;
}

interface Props {
  schema: Node | undefined;
  value: unknown;
  prefix: string;
  ctx: FieldsContext;
  onChange: (path: string, value: unknown) => void;
  /** Keys shown elsewhere (the section header shows `enabled`). */
  skip?: string[];
}

export const domId = (ctx: FieldsContext, path: string) => `${ctx.idBase}-${path.replace(/\./g, '-')}`;

export function SettingsFields({ schema, value, prefix, ctx, onChange, skip = [] }: Props) {
  const props = propsOf(schema).filter((p) => !skip.includes(p.key));
  const off = groupOff(props, value);
  const mode = getAt(value, 'mode');
  return (
    <>
      {props.map((p) => {
        if ((off && p.key !== 'enabled') || hiddenByMode(p.key, mode)) return null;
        const path = join(prefix, p.key);
        return <PropField key={p.key} prop={p} path={path} value={getAt(value, p.key)} ctx={ctx} onChange={onChange} />;
      })}
    </>
  );
}

interface FieldProps {
  prop: Prop;
  path: string;
  value: unknown;
  ctx: FieldsContext;
  onChange: (path: string, value: unknown) => void;
}

function PropField({ prop, path, value, ctx, onChange }: FieldProps) {
  const id = domId(ctx, path);
  const error = ctx.errors[path];
  const helpId = prop.description ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const set = (next: unknown) => onChange(path, next);
  const w = prop.widget;
  const help = prop.description && (
    <p class="help" id={helpId}>
      {prop.description}
    </p>
  );
  const problem = error && (
    <p class="field-error" id={errorId}>
      {error}
    </p>
  );

  if (w.type === 'group') {
    const switched = propsOf(prop.schema).some((p) => p.key === 'enabled');
    if (!switched) {
      // Optional overrides (a row's field names) stay folded until they hold something or have an issue.
      const filled = Object.values((value ?? {}) as Record<string, unknown>).some((v) => v !== undefined && v !== '');
      const flagged = Object.keys(ctx.errors).some((k) => k === path || k.startsWith(`${path}.`));
      return (
        <details class={`group nested folding${error ? ' invalid' : ''}`} open={filled || flagged}>
          <summary>{prop.label}</summary>
          {help}
          {problem}
          <SettingsFields schema={prop.schema} value={value} prefix={path} ctx={ctx} onChange={onChange} />
        </details>
      );
    }
    return (
      <fieldset class={`group nested${error ? ' invalid' : ''}`}>
        <legend>{prop.label}</legend>
        {help}
        {problem}
        <SettingsFields schema={prop.schema} value={value} prefix={path} ctx={ctx} onChange={onChange} />
      </fieldset>
    );
  }
  if (w.type === 'rows') {
    return <RowCards prop={prop} path={path} value={value} ctx={ctx} onChange={onChange} />;
  }
  if (w.type === 'category-map') {
    return (
      <CategoryMap
        id={id}
        label={prop.label}
        description={prop.description}
        widget={w}
        path={path}
        value={value}
        errors={ctx.errors}
        discover={(sampleSize) =>
          pullsApi.discoverCategories(ctx.gainsightId, {
            sampleSize,
            object: ctx.object,
            categoryField: stringAt(ctx.root, 'categoryField'),
          })
        }
        unmappedSeen={ctx.unmappedSeen}
        onChange={set}
        setProblem={(problem) => ctx.setProblem(path, problem)}
      />
    );
  }
  if (w.type === 'boolean') {
    return (
      <div class={`field check${error ? ' invalid' : ''}`}>
        <div class="check-row">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            aria-describedby={describedBy}
            onChange={(e) => set(e.currentTarget.checked)}
          />
          <label for={id}>{prop.label}</label>
        </div>
        {help}
        {problem}
      </div>
    );
  }
  if (w.type === 'mode') {
    return (
      <fieldset class={`field radios${error ? ' invalid' : ''}`} aria-describedby={describedBy}>
        <legend class="label">{prop.label}</legend>
        <div class="radio-row">
          {w.options.map((o) => (
            <label key={o} class="radio">
              <input type="radio" name={id} value={o} checked={value === o} onChange={() => set(o)} />
              {modeLabel(o)}
            </label>
          ))}
        </div>
        {help}
        {problem}
      </fieldset>
    );
  }

  const common = {
    id,
    label: prop.label,
    describedBy,
    invalid: Boolean(error),
    required: prop.required,
    value,
    onChange: set,
  };
  let control: ComponentChildren;
  switch (w.type) {
    case 'select':
      control = (
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => set(e.currentTarget.value)}
        >
          {(prop.schema.default === undefined || !prop.required) && <option value="">— Not set —</option>}
          {w.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      control = <NumberInput {...common} integer={w.integer} schema={prop.schema} path={path} ctx={ctx} />;
      break;
    case 'object':
      control = <ObjectPicker {...common} connectionId={ctx.gainsightId} />;
      break;
    case 'field':
      control = <FieldPicker {...common} connectionId={ctx.gainsightId} object={ctx.object} multiple={w.multiple} />;
      break;
    case 'crm-field':
      control = <FieldPicker {...common} connectionId={ctx.crmId} object="Account" multiple={w.multiple} />;
      break;
    case 'list':
      control = <ListInput {...common} />;
      break;
    case 'json':
      control = <JsonInput {...common} must={w.must} path={path} ctx={ctx} detect={/mapping/i.test(prop.key)} />;
      break;
    default:
      control = (
        <input
          id={id}
          value={typeof value === 'string' ? value : ''}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          spellcheck={false}
          onInput={(e) => set(e.currentTarget.value)}
        />
      );
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <FieldLabel id={id} text={prop.label} required={prop.required} />
      {control}
      {help}
      {problem}
    </div>
  );
}

const stringAt = (value: unknown, path: string) => {
  const v = getAt(value, path);
  return typeof v === 'string' && v ? v : undefined;
};

const modeLabel = (o: string) =>
  o === 'single' ? 'Single object' : o === 'multi' || o === 'multiple' ? 'Multiple objects' : o;

/** A list of objects (survey response objects): one card per row, each with its own pickers. */
function RowCards({ prop, path, value, ctx, onChange }: FieldProps) {
  const rows = Array.isArray(value) ? value : [];
  const item = prop.schema.items as Node | undefined;
  const error = ctx.errors[path];
  const noun = prop.label.replace(/s$/, '').toLowerCase();
  const add = () => onChange(path, [...rows, withDefaults(item, {})]);
  return (
    <fieldset class={`group rows-cards${error ? ' invalid' : ''}`}>
      <legend>{prop.label}</legend>
      {prop.description && <p class="help">{prop.description}</p>}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {rows.length === 0 && <p class="muted small">No rows yet.</p>}
      {rows.map((row, i) => {
        const rowPath = join(path, i);
        const rowObject = getAt(row, 'object');
        const rowCtx = { ...ctx, object: typeof rowObject === 'string' && rowObject ? rowObject : ctx.object };
        return (
          <div key={i} class={`row-card${ctx.errors[rowPath] ? ' invalid' : ''}`}>
            <div class="row-card-head">
              <strong>
                {prop.label.replace(/s$/, '')} {i + 1}
              </strong>
              <button
                type="button"
                class="button small ghost danger-text"
                aria-label={`Remove ${noun} ${i + 1}`}
                onClick={() =>
                  onChange(
                    path,
                    rows.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </button>
            </div>
            {ctx.errors[rowPath] && <p class="field-error">{ctx.errors[rowPath]}</p>}
            <SettingsFields schema={item} value={row} prefix={rowPath} ctx={rowCtx} onChange={onChange} />
          </div>
        );
      })}
      <button type="button" class="button small" onClick={add}>
        Add {noun}
      </button>
    </fieldset>
  );
}
