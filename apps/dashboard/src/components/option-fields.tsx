import type { ComponentChildren } from 'preact';
import type { OptionPart, OptionValue, OptionValues } from '../sync-form.js';
import { FieldPicker, ListInput, ObjectPicker } from './pickers.js';
import { FieldLabel, inputId, SchemaField } from './schema-field.js';

interface Props {
  /** `streamOptions` or `writerOptions`: the prefix of input ids and error keys. */
  group: string;
  parts: OptionPart[];
  values: OptionValues;
  errors: Record<string, string>;
  /** The connection discover runs against (objects, and the fields of `object`). */
  connectionId: string;
  /** The object whose fields the field checklists offer. */
  object: string | undefined;
  /** Extra help under one option (e.g. what an empty `fields` means). */
  hints?: Record<string, ComponentChildren>;
  onChange: (key: string, value: OptionValue) => void;
}

/** A stream's or writer's options, from its JSON Schema, with objects and fields picked from discover. */
export function OptionFields({ group, parts, values, errors, connectionId, object, hints = {}, onChange }: Props) {
  return (
    <>
      {parts.map(({ type, spec }) => {
        const error = errors[`${group}.${spec.key}`];
        if (type === 'field') {
          return (
            <SchemaField
              key={spec.key}
              field={spec}
              group={group}
              value={(values[spec.key] as string | boolean | undefined) ?? ''}
              error={error}
              onChange={(v) => onChange(spec.key, v)}
            />
          );
        }
        const id = inputId(group, spec.key);
        const help = spec.description || hints[spec.key];
        const describedBy =
          [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
        const common = {
          id,
          label: spec.label,
          value: values[spec.key],
          required: spec.required,
          describedBy,
          invalid: error !== undefined,
          onChange: (v: unknown) => onChange(spec.key, v as OptionValue),
        };
        return (
          <div key={spec.key} class={`field${error ? ' invalid' : ''}`}>
            {/* For a checklist the label names nothing focusable; its fieldset carries the same name. */}
            <FieldLabel id={id} text={spec.label} required={spec.required} />
            {type === 'object' && <ObjectPicker {...common} connectionId={connectionId} />}
            {type === 'fields' && <FieldPicker {...common} connectionId={connectionId} object={object} multiple />}
            {type === 'list' && <ListInput {...common} />}
            {help && (
              <p class="help" id={`${id}-help`}>
                {spec.description}
                {spec.description && hints[spec.key] ? ' ' : ''}
                {hints[spec.key]}
              </p>
            )}
            {error && (
              <p class="field-error" id={`${id}-error`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}
