import type { ComponentChildren } from 'preact';
import { FieldLabel } from './schema-field.js';

// A labelled text or number input with its help and error, as the destination forms use it.

export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  error?: string | undefined;
  help?: ComponentChildren;
  required?: boolean;
  type?: 'text' | 'number';
  onInput: (value: string) => void;
}

export function TextField({ id, label, value, error, help, required = false, type = 'text', onInput }: TextFieldProps) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <FieldLabel id={id} text={label} required={required} />
      <input
        id={id}
        type={type}
        value={value}
        step={type === 'number' ? 1 : undefined}
        autoComplete="off"
        spellcheck={false}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {help && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** After a refused save: focus (and scroll to) the first field marked invalid. */
export function focusFirstInvalid(): void {
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>('form [aria-invalid="true"]');
    el?.focus();
  });
}
