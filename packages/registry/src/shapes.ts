import { z } from 'zod';

/** Checks shared by the definition schemas (connectors, pipeline kinds, flows). */

export const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');

// `_zod` marks a zod 4 schema: the hub needs zod 4 to render forms (`z.toJSONSchema`).
export const zodSchema = z.custom<z.ZodType>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function' &&
    '_zod' in value,
  'must be a zod 4 schema',
);

/** A lowercase slug such as "acme-crm" (connector, flow plugin and destination kind ids). */
export const slug = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a lowercase slug such as "acme-crm"');

export const semver = z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, 'must be a version such as "1.2.0"');

/** Problems of a failed parse as `path: message` lines. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(definition)'}: ${issue.message}`);
}
