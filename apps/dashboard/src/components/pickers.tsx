import { useEffect, useState } from 'preact/hooks';
import { pullsApi } from '../pulls-api.js';
import type { DiscoveredField, DiscoveredObject } from '../pulls-types.js';

// Selects sourced from a connection's describe: its objects, or one object's fields. When describe fails
// the picker falls back to a text input and says why, so a slow or broken vendor never blocks a save.

type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; items: T[] };

function useLoaded<T>(load: (() => Promise<T[]>) | undefined, deps: unknown[]): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (!load) {
      setLoaded({ state: 'ready', items: [] });
      return;
    }
    let live = true;
    setLoaded({ state: 'loading' });
    load().then(
      (items) => live && setLoaded({ state: 'ready', items }),
      (e: unknown) => live && setLoaded({ state: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return loaded;
}

export function useFields(connectionId: string | null | undefined, object: string | undefined) {
  return useLoaded<DiscoveredField>(
    connectionId && object ? () => pullsApi.describe(connectionId, object).then((o) => o?.fields ?? []) : undefined,
    [connectionId, object],
  );
}

export function useObjects(connectionId: string | null | undefined) {
  return useLoaded<DiscoveredObject>(connectionId ? () => pullsApi.objects(connectionId) : undefined, [connectionId]);
}

interface PickerProps {
  id: string;
  /** The field's label (names the checkbox group of a multi-field picker). */
  label?: string | undefined;
  value: unknown;
  required: boolean;
  describedBy?: string | undefined;
  invalid: boolean;
  onChange: (value: unknown) => void;
}

const optionLabel = (o: { name: string; label?: string | undefined }) =>
  o.label && o.label !== o.name ? `${o.label} (${o.name})` : o.name;

function Fallback({ id, value, describedBy, invalid, onChange, note }: PickerProps & { note: string }) {
  return (
    <>
      <input
        id={id}
        value={typeof value === 'string' ? value : ''}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      <p class="help">{note}</p>
    </>
  );
}

function Choices({
  id,
  value,
  required,
  describedBy,
  invalid,
  onChange,
  items,
  noun,
}: PickerProps & { items: { name: string; label?: string | undefined }[]; noun: string }) {
  const text = typeof value === 'string' ? value : '';
  const missing = text !== '' && !items.some((i) => i.name === text);
  return (
    <select
      id={id}
      value={text}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      aria-required={required || undefined}
      onChange={(e) => onChange(e.currentTarget.value)}
    >
      <option value="">{required ? `Choose ${noun}…` : '— Not set —'}</option>
      {missing && <option value={text}>{text} (not found)</option>}
      {items.map((i) => (
        <option key={i.name} value={i.name}>
          {optionLabel(i)}
        </option>
      ))}
    </select>
  );
}

/** A field of `object` on `connectionId` (one, or several for list settings). */
export function FieldPicker(
  props: PickerProps & { connectionId: string | null; object: string | undefined; multiple?: boolean },
) {
  const { connectionId, object, multiple, ...rest } = props;
  const fields = useFields(connectionId, object);
  if (!connectionId || !object) {
    const note = connectionId ? 'Choose the object first to pick from its fields.' : 'Choose the connection first.';
    return multiple ? <ListInput {...rest} /> : <Fallback {...rest} note={note} />;
  }
  if (fields.state === 'loading') {
    return (
      <select id={rest.id} disabled aria-describedby={rest.describedBy}>
        <option>Loading fields of {object}…</option>
      </select>
    );
  }
  if (fields.state === 'error') {
    const note = `Could not load the fields of ${object}: ${fields.message}. Type the field's API name.`;
    return multiple ? <ListInput {...rest} /> : <Fallback {...rest} note={note} />;
  }
  if (!multiple) return <Choices {...rest} items={fields.items} noun="a field" />;
  return <FieldChecklist {...rest} items={fields.items} />;
}

/** Several fields: a scrollable list of checkboxes (a multi-select needs Ctrl-click, which few find). */
function FieldChecklist({
  id,
  label,
  value,
  describedBy,
  invalid,
  onChange,
  items,
}: PickerProps & { items: DiscoveredField[] }) {
  const chosen = Array.isArray(value) ? value.map(String) : [];
  const missing = chosen
    .filter((c) => !items.some((f) => f.name === c))
    .map((name) => ({ name, label: `${name} (not found)` }));
  const toggle = (name: string, on: boolean) => onChange(on ? [...chosen, name] : chosen.filter((c) => c !== name));
  return (
    <fieldset
      id={id}
      class="checklist"
      aria-label={label}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      tabIndex={-1}
    >
      <p class="muted small checklist-count">{chosen.length} selected</p>
      <ul>
        {[...missing, ...items].map((f) => (
          <li key={f.name}>
            <label class="check-item">
              <input
                type="checkbox"
                checked={chosen.includes(f.name)}
                onChange={(e) => toggle(f.name, e.currentTarget.checked)}
              />
              {optionLabel(f)}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** A Gainsight object name from the tenant's object list. */
export function ObjectPicker(props: PickerProps & { connectionId: string }) {
  const { connectionId, ...rest } = props;
  const objects = useObjects(connectionId);
  if (objects.state === 'loading') {
    return (
      <select id={rest.id} disabled aria-describedby={rest.describedBy}>
        <option>Loading objects…</option>
      </select>
    );
  }
  if (objects.state === 'error') {
    return <Fallback {...rest} note={`Could not list the objects: ${objects.message}. Type the object's API name.`} />;
  }
  return <Choices {...rest} items={objects.items} noun="an object" />;
}

/** A list of names typed comma-separated (the fallback for a multi-field picker). */
export function ListInput({ id, value, describedBy, invalid, onChange }: PickerProps) {
  const list = Array.isArray(value) ? value.map(String) : [];
  const [text, setText] = useState(list.join(', '));
  useEffect(() => {
    const parsed = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (parsed.join(',') !== list.join(',')) setText(list.join(', '));
  }, [list.join(',')]);
  return (
    <input
      id={id}
      value={text}
      placeholder="Comma-separated"
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      autoComplete="off"
      spellcheck={false}
      onInput={(e) => {
        setText(e.currentTarget.value);
        onChange(
          e.currentTarget.value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
      }}
    />
  );
}
