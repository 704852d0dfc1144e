import type { JSX } from 'preact';
import type { FieldSpec, FieldValue } from '../schema-form.js';

interface Props {
  field: FieldSpec;
  /** 'settings' or 'secrets': the prefix of the hub's issue paths and of the input ids. */
  group: string;
  value: FieldValue;
  error?: string;
  /** Shown in empty secret inputs when editing ("unchanged"). */
  placeholder?: string;
  onChange: (value: FieldValue) => void;
}

/**
 * A label whose accessible name is just its text: the required mark sits outside it (aria-required on the
 * input says "required" to assistive tech).
 */
export function FieldLabel({ id, text, required }: { id: string; text: string; required: boolean }) {
  return (
    <div class="label-line">
      <label for={id}>{text}</label>
      {required && (
        <span class="required" aria-hidden="true">
          *
        </span>
      )}
    </div>
  );
}

export function inputId(group: string, key: string): string {
  return `f-${group}-${key}`;
}

/** One input rendered from a JSON Schema property, with its label, help text and error. */
export function SchemaField({ field, group, value, error, placeholder, onChange }: Props) {
  const id = inputId(group, field.key);
  const helpId = field.description ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: `${group}.${field.key}`,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'aria-required': field.required ? true : undefined,
  };
  const text = typeof value === 'string' ? value : '';
  const help = field.description && (
    <p class="help" id={helpId}>
      {field.description}
    </p>
  );
  const problem = error && (
    <p class="field-error" id={errorId}>
      {error}
    </p>
  );

  if (field.kind === 'boolean') {
    return (
      <div class={`field check${error ? ' invalid' : ''}`}>
        <div class="check-row">
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.currentTarget.checked)}
          />
          <label for={id}>{field.label}</label>
        </div>
        {help}
        {problem}
      </div>
    );
  }

  const label = <FieldLabel id={id} text={field.label} required={field.required} />;

  let control: JSX.Element;
  if (field.kind === 'select') {
    const hasDefault = field.defaultValue !== undefined;
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)}>
        {!hasDefault && <option value="">{field.required ? 'Choose…' : '— Not set —'}</option>}
        {field.options?.map((o) => (
          <option key={o.label} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'json') {
    control = (
      <textarea
        {...common}
        class="mono"
        rows={4}
        spellcheck={false}
        value={text}
        placeholder="JSON"
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  } else {
    const type = field.kind === 'integer' ? 'number' : field.kind;
    control = (
      <input
        {...common}
        type={type}
        value={text}
        min={field.min}
        max={field.max}
        step={field.kind === 'integer' ? 1 : field.kind === 'number' ? 'any' : undefined}
        placeholder={placeholder}
        autoComplete={field.kind === 'password' ? 'new-password' : 'off'}
        spellcheck={false}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  }

  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      {label}
      {control}
      {help}
      {problem}
    </div>
  );
}
