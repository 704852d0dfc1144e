import { describe, expect, it } from 'vitest';
import { conformsFast, MESSAGE_SCHEMAS, MESSAGE_TYPES, type MessageType, parseMessage } from './spec.js';

// The fast path must accept only what the zod schemas accept, and turn it into the same message.
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  '  padded  ',
  'x'.repeat(200),
  'x'.repeat(201),
  0,
  -0,
  1.5,
  1e21,
  JSON.parse('1e999'), // Infinity: JSON.parse makes it from a long exponent
  true,
  [],
  [1],
  {},
  { a: 1, nested: { b: [1, 2] } },
  JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}'),
];
const FIELDS = [
  'messageId',
  'userId',
  'anonymousId',
  'timestamp',
  'sentAt',
  'originalTimestamp',
  'context',
  'integrations',
  'traits',
  'properties',
  'event',
  'name',
  'groupId',
  'previousId',
];
const VALID: Record<MessageType, Record<string, unknown>> = {
  identify: { type: 'identify', userId: 'u1', traits: { email: 'a@b.c' }, context: { library: { name: 'x' } } },
  group: { type: 'group', userId: 'u1', groupId: 'g1', traits: { name: 'Acme' }, context: {} },
  track: { type: 'track', anonymousId: 'a1', event: 'Signed Up', properties: { plan: 'pro' }, context: {} },
  page: { type: 'page', userId: 7, name: 'Home', properties: {}, context: {} },
  screen: { type: 'screen', userId: 'u1', name: 'Main', context: {} },
  alias: { type: 'alias', userId: 'u2', previousId: 'u1', context: {} },
};

function variants(): Array<[MessageType, Record<string, unknown>]> {
  const out: Array<[MessageType, Record<string, unknown>]> = [];
  for (const type of MESSAGE_TYPES) {
    const valid = VALID[type];
    out.push([type, valid]);
    for (const field of FIELDS) {
      for (const value of VALUES) {
        const message: Record<string, unknown> = { ...valid };
        if (value === undefined) delete message[field];
        else message[field] = value;
        out.push([type, message]);
      }
    }
    out.push([type, JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(valid).slice(1)}`)]);
    out.push([type, { ...valid, extra: { kept: true }, channel: 'server', _metadata: { nodeVersion: '20' } }]);
  }
  return out;
}

describe('message validation fast path', () => {
  it('agrees with the zod schemas on every variant', () => {
    let fast = 0;
    for (const [type, message] of variants()) {
      const viaZod = MESSAGE_SCHEMAS[type].safeParse(structuredClone(message));
      const copy = structuredClone(message);
      const label = `${type} ${JSON.stringify(message)}`;
      if (conformsFast(copy, type)) {
        fast += 1;
        expect(viaZod.success, label).toBe(true);
        expect(copy, label).toEqual(viaZod.data);
      }
    }
    // The ordinary shapes do take the fast path.
    expect(fast).toBeGreaterThan(300);
  });

  it('normalises as zod does: ids to strings, the track event trimmed', () => {
    const parsed = parseMessage({ userId: 42, event: '  Signed Up ', properties: {} }, 'track', '');
    expect(parsed).toMatchObject({ ok: true, message: { userId: '42', event: 'Signed Up', type: 'track' } });
  });

  it('words errors through zod as before', () => {
    expect(parseMessage({ userId: '', event: 'E' }, 'track', 'batch[3].')).toMatchObject({
      ok: false,
      issues: [{ path: 'batch[3].userId' }],
    });
    expect(parseMessage({ userId: 'u', traits: 'no' }, 'identify', '')).toMatchObject({
      ok: false,
      issues: [{ path: 'traits' }],
    });
  });
});
