import { validator } from 'hono/validator';
import type { z } from 'zod';
import { invalidInput, zodIssues } from './errors.js';

/**
 * Deepest nesting of objects/arrays accepted in a JSON body. JSON.parse reads any depth, but JSON.stringify
 * (and so storing the value) overflows V8's stack near 5,000 levels: a 10 KB body of brackets would be a 500.
 */
export const MAX_JSON_DEPTH = 64;
export const TOO_DEEP = `nested more than ${MAX_JSON_DEPTH} levels deep`;

/** Whether a parsed JSON value nests deeper than `max`; iterative, since the value may be 100,000 levels deep. */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Hono's validator with a zod schema. Hono rejects malformed JSON and a wrong Content-Type (400,
 * mapped in handleError); zod failures become a 400 naming each field.
 */
export function json<T extends z.ZodType>(schema: T) {
  return validator('json', (value) => {
    if (nestsDeeperThan(value)) throw invalidInput([{ path: '(body)', message: TOO_DEEP }]);
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalidInput(zodIssues(parsed.error));
    return parsed.data as z.output<T>;
  });
}

export function query<T extends z.ZodType>(schema: T) {
  return validator('query', (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalidInput(zodIssues(parsed.error, 'query'));
    return parsed.data as z.output<T>;
  });
}
