import { z } from 'zod';

/**
 * The key/value payload a trigger sends to Qualtrics. Each row's value is either a literal string or,
 * when it starts with `$.`, a dotted path into the input (the webhook body Gainsight sent, or the hub
 * event): `$.context.traits.companyGsid`, `$.items.0.id` or `$.items[0].id`, `$.Company GSID` (keys may
 * hold spaces). Paths keep the value's JSON type; a path that leads nowhere sends null.
 * An empty template forwards the input unchanged (Gainsight already shaped the key/values).
 */
export const templateRowSchema = z.strictObject({
  key: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
  value: z.string().max(2000, 'at most 2000 characters'),
});
export const templateSchema = z
  .array(templateRowSchema)
  .max(100, 'at most 100 rows')
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      if (seen.has(row.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate key "${row.key}"` });
      seen.add(row.key);
      const bad = row.value.startsWith('$.') ? pathError(row.value) : undefined;
      if (bad) ctx.addIssue({ code: 'custom', path: [i, 'value'], message: bad });
    });
  });

export type TemplateRow = z.output<typeof templateRowSchema>;

export const isPath = (value: string) => value.startsWith('$.');

/** `$.a.b[0].c` → ['a', 'b', '0', 'c']. */
export function pathSegments(path: string): string[] {
  return path
    .slice(2)
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.');
}

function pathError(path: string): string | undefined {
  const segments = pathSegments(path);
  if (segments.some((s) => s === '')) return `"${path}" has an empty segment; write $.a.b or $.items[0].id`;
  return undefined;
}

/** The value at a `$.` path, or undefined when any step is missing. */
export function valueAt(input: unknown, path: string): unknown {
  let current: unknown = input;
  for (const segment of pathSegments(path)) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return current;
}

/**
 * The payload for one call. `fill` stands in for paths the input lacks (a test event shows its rows
 * without a real webhook body); otherwise they send null.
 */
export function buildPayload(
  template: TemplateRow[],
  input: Record<string, unknown>,
  fill?: (path: string) => unknown,
): Record<string, unknown> {
  if (template.length === 0) return input;
  const out: Record<string, unknown> = {};
  for (const { key, value } of template) {
    if (!isPath(value)) {
      out[key] = value;
      continue;
    }
    const found = valueAt(input, value);
    out[key] = found === undefined ? (fill ? fill(value) : null) : found;
  }
  return out;
}
