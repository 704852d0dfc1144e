import { validator } from 'hono/validator';
import type { z } from 'zod';
import { type Issue, invalidInput } from './errors.js';

/**
 * Request validation for the plugin's routes (the hub's own helpers are the hub's: a plugin brings its own).
 * JSON.parse reads any depth, but JSON.stringify (and so storing the value) overflows V8's stack near 5,000
 * levels: deeper bodies are refused before anything else looks at them.
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

/** zod issues → `{path, message}` with dotted paths, prefixed by where the input came from. */
function zodIssues(error: z.ZodError, prefix?: string): Issue[] {
  return error.issues.map((issue) => {
    const parts = [prefix, ...issue.path.map(String)].filter((p): p is string => p !== undefined && p !== '');
    return { path: parts.join('.') || '(body)', message: issue.message };
  });
}

/** Hono's JSON validator with a zod schema: a 400 naming each field (malformed JSON: Hono's own 400). */
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
