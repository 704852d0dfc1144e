import { fieldLabel, formatFieldValue, isPlainObject } from '../field-format.js';

/**
 * One vendor field's value: money and dates formatted for people, and an object of plain values (a
 * connection check's `apiUsage`, a usage row's extra values) as its own fields rather than JSON.
 */
export function FieldValue({ name, value }: { name: string; value: unknown }) {
  const entries = isPlainObject(value) ? Object.entries(value) : [];
  if (entries.length > 0 && entries.every(([, v]) => !isPlainObject(v) && !Array.isArray(v))) {
    return <FieldList fields={value as Record<string, unknown>} nested />;
  }
  return <>{formatFieldValue(name, value)}</>;
}

/** Fields as a `dl`: labels for people unless `apiNames` (a vendor's field names, as its users know them). */
export function FieldList({
  fields,
  apiNames = false,
  nested = false,
  class: extra,
}: {
  fields: Record<string, unknown>;
  apiNames?: boolean;
  nested?: boolean;
  class?: string;
}) {
  return (
    <dl class={['details', nested ? 'nested' : '', extra ?? ''].filter(Boolean).join(' ')}>
      {Object.entries(fields).map(([key, value]) => (
        <div key={key}>
          <dt>{apiNames ? key : fieldLabel(key)}</dt>
          <dd>
            <FieldValue name={key} value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
