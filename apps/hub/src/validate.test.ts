import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handleError } from './errors.js';
import { createLogger } from './logger.js';
import { json, MAX_JSON_DEPTH, nestsDeeperThan } from './validate.js';

describe('nestsDeeperThan', () => {
  it('measures depth without recursing, whatever the depth', () => {
    const nest = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
    expect(nestsDeeperThan(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nest(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))).toBe(true);
    expect(nestsDeeperThan('text')).toBe(false);
  });
});

describe('json() validator', () => {
  // A route that stores what it is given, like the trigger test call: JSON.stringify overflowed on deep input (500).
  const app = new Hono();
  app.onError((error, c) => handleError(error, c, createLogger({ level: 'error', write: () => {} })));
  app.post('/', json(z.object({ input: z.record(z.string(), z.unknown()) })), (c) =>
    c.json({ bytes: JSON.stringify(c.req.valid('json')).length }),
  );
  const post = (body: string) =>
    app.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('refuses a body nested deeper than the limit with a 400 and a reason', async () => {
    const res = await post(`{"input":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'invalid_input', message: expect.stringContaining('nested more than') },
    });
    expect((await post('{"input":{"a":[[1]]}}')).status).toBe(200);
  });
});
