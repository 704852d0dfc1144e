import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHub } from '../test-support.js';

// Regressions found by the fuzz suite (test/soak/fuzz.test.ts): each of these was a 500 or stored junk.
type TestHub = Awaited<ReturnType<typeof createTestHub>>;
let t: TestHub;
let writeKey: string;

beforeEach(async () => {
  t = await createTestHub();
  const res = await t.request('POST', '/api/sources', { name: 'web app' });
  writeKey = ((await res.json()) as { writeKey: string }).writeKey;
});
afterEach(() => t.hub.close());

const send = (path: string, body: string) =>
  t.hub.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body,
  });
const storedCount = async () => (await t.hub.db.selectFrom('events').select('id').execute()).length;
const refused = async (res: Response) => {
  expect(res.status).toBe(400);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('invalid_input');
  return error.message;
};

describe('hostile ingest bodies', () => {
  it('refuses deep nesting (5,000 levels is only 10 KB, and JSON.stringify overflows on it)', async () => {
    const deep = `${'['.repeat(5_000)}1${']'.repeat(5_000)}`;
    expect(await refused(await send('/v1/track', `{"userId":"u","event":"E","properties":{"d":${deep}}}`))).toMatch(
      /nested more than 64 levels/,
    );
    expect(
      await refused(await send('/v1/batch', `{"batch":[{"type":"identify","userId":"u","traits":{"d":${deep}}}]}`)),
    ).toMatch(/nested/);
    const shallow = `${'['.repeat(40)}1${']'.repeat(40)}`;
    expect((await send('/v1/track', `{"userId":"u","event":"E","properties":{"d":${shallow}}}`)).status).toBe(200);
    expect(await storedCount()).toBe(1);
  });

  it('refuses types named after Object.prototype members instead of crashing', async () => {
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const message = await refused(await send('/v1/batch', JSON.stringify({ batch: [{ type, userId: 'u' }] })));
      expect(message).toContain('unknown type');
    }
    expect(await storedCount()).toBe(0);
  });

  it('refuses a context that is not an object, in a message or for a whole batch (it was spread into junk keys)', async () => {
    expect(await refused(await send('/v1/identify', '{"userId":"u","context":"abc"}'))).toContain('context');
    expect(
      await refused(await send('/v1/batch', '{"batch":[{"type":"track","userId":"u","event":"E","context":[1]}]}')),
    ).toContain('batch[0].context');
    expect(
      await refused(await send('/v1/batch', '{"batch":[{"type":"track","userId":"u","event":"E"}],"context":"abc"}')),
    ).toContain('context');
    expect(await storedCount()).toBe(0);
    // null stays "no context", as SDKs may send it.
    expect((await send('/v1/identify', '{"userId":"u","context":null}')).status).toBe(200);
  });
});
