import type { Issue } from '@synchub/core';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { invalidInput } from './errors.js';

/** Deepest nesting accepted in a JSON body (deeper bodies overflow JSON.stringify's stack when kept). */
const MAX_JSON_DEPTH = 64;

function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}

/** Hono's JSON validator with a zod schema: a 400 naming each field (malformed JSON: Hono's own 400). */
export function json<T extends z.ZodType>(schema: T) {
  return validator('json', (value) => {
    if (nestsDeeperThan(value))
      throw invalidInput([{ path: '(body)', message: `nested more than ${MAX_JSON_DEPTH} levels deep` }]);
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalidInput(zodIssues(parsed.error));
    return parsed.data as z.output<T>;
  });
}
