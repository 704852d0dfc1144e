import { gzipSync } from 'node:zlib';
import { seededRandom } from '@synchub/sandbox';

/**
 * Generators of hostile requests for the fuzz suite. Every case is built from one seeded PRNG, so a seed
 * reproduces the whole run. `expect` says what the hub must do with an ingest body: 'reject' (a 4xx and
 * nothing stored) or 'any' (it may be accepted: the spec allows it).
 */
export type Expect = 'reject' | 'any';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** What kind of hostility this is (printed when something fails). */
  kind: string;
  expect: Expect;
}

export function createRandom(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Random = ReturnType<typeof createRandom>;

const KB = 1024;
const BIG_STRING = 'x'.repeat(600 * KB);
const MESSAGE_OVER_32KB = 'y'.repeat(40 * KB);
const GZIP_BOMB = gzipSync(Buffer.alloc(10 * 1024 * KB, 0x20)); // ~10 KB that inflates to 10 MB of spaces

/** Strings that break naive code: control characters, lone surrogates, traversal, injection, huge. */
const JUNK_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\u202E\u200B\uFEFF',
  '💥🧨'.repeat(50),
  '../../../etc/passwd',
  '%00',
  '%',
  '%E0%A4%A',
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '$'.concat('{process.exit(1)}'),
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'NaN',
  '-0',
  '1e400',
  '9'.repeat(400),
  'null',
  'undefined',
  '\r\n\r\nHTTP/1.1 200 OK',
] as const;

/** encodeURIComponent that survives lone surrogates (a client would send U+FFFD for them). */
export function enc(value: string): string {
  return encodeURIComponent(
    value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

export function junkString(r: Random): string {
  if (r.chance(0.03)) return 'z'.repeat(r.pick([5 * KB, 40 * KB, 200 * KB]));
  if (r.chance(0.2)) {
    let s = '';
    for (let i = r.int(30); i >= 0; i--) s += String.fromCharCode(r.int(0x10000));
    return s;
  }
  return r.pick(JUNK_STRINGS);
}

const JUNK_NUMBERS = [0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, Number.MIN_VALUE] as const;

export function junkValue(r: Random, depth = 0): unknown {
  const roll = r.int(depth > 2 ? 4 : 7);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick(JUNK_NUMBERS);
    case 3:
      return junkString(r);
    case 4:
      return Array.from({ length: r.int(4) }, () => junkValue(r, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = r.int(4); i >= 0; i--) out[junkString(r).slice(0, 40)] = junkValue(r, depth + 1);
      return out;
    }
  }
}

/** JSON text nested `depth` levels deep (arrays or objects), as raw text: no recursion to build it. */
export function deepJson(r: Random, depth: number): string {
  return r.chance(0.5) ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Text that is not JSON (or not all of it). */
export function malformedJson(r: Random): string {
  return r.pick([
    '',
    '{',
    '{"type":"identify","userId":"u1"',
    "{'type':'identify'}",
    '{"a":1,}',
    'undefined',
    'NaN',
    '{"a":1}{"b":2}',
    '\uFEFF{"a":1',
    'a=1&b=2',
    '<xml/>',
    '{"a":"\\u12"}',
    '\u0000\u0001\u0002',
    '{"batch":[{]}',
    junkString(r),
  ]);
}

let counter = 0;
/** A message the spec accepts; a fresh messageId each time unless told. */
export function validMessage(r: Random, type?: string, messageId?: string): Record<string, unknown> {
  const t = type ?? r.pick(['identify', 'group', 'track', 'page', 'screen', 'alias']);
  counter += 1;
  const base: Record<string, unknown> = { type: t, messageId: messageId ?? `fuzz-${counter}-${r.int(1e9)}` };
  if (r.chance(0.8)) base.userId = `user-${r.int(100)}`;
  else base.anonymousId = `anon-${r.int(100)}`;
  if (t === 'identify') base.traits = { email: `p${r.int(100)}@example.com`, name: junkString(r).slice(0, 100) };
  if (t === 'group') base.groupId = `g-${r.int(10)}`;
  if (t === 'track') base.event = r.chance(0.5) ? 'Feature Used' : junkString(r).slice(0, 50) || 'Junk';
  if (t === 'page' || t === 'screen') base.name = 'Home';
  if (t === 'alias') base.previousId = `old-${r.int(100)}`;
  if (r.chance(0.3)) base.properties = { unicode: '\uD800💥\u0000', n: r.pick(JUNK_NUMBERS) };
  return base;
}

/** A message the spec must refuse, with what is wrong with it. */
export function invalidMessage(r: Random, forced?: string): { message: unknown; kind: string } {
  const m = validMessage(r, forced);
  const type = m.type as string;
  const variants: Array<[string, () => unknown]> = [
    ['not an object', () => r.pick([null, 1, 'text', true, [m]])],
    ['context not an object', () => ({ ...m, context: r.pick(['str', 12, [1], true]) })],
    ['integrations not an object', () => ({ ...m, integrations: r.pick(['All', 1, [true]]) })],
    ['userId wrong type', () => ({ ...m, userId: r.pick([{}, [], true, '']) })],
    ['anonymousId wrong type', () => ({ ...m, anonymousId: r.pick([{ a: 1 }, [1], false]) })],
    ['no user at all', () => ({ ...m, userId: undefined, anonymousId: undefined })],
    ['messageId wrong', () => ({ ...m, messageId: r.pick(['', 'm'.repeat(201), 42, {}]) })],
    ['timestamp wrong type', () => ({ ...m, timestamp: r.pick([{}, [], true]) })],
    ['message over 32 KB', () => ({ ...m, properties: { blob: MESSAGE_OVER_32KB } })],
  ];
  if (!forced) {
    variants.push(['type missing', () => ({ ...m, type: undefined })]);
    variants.push([
      'type unknown',
      () => ({ ...m, type: r.pick(['Identify', 'toString', 'constructor', '__proto__', 'valueOf', 'x', 1, null]) }),
    ]);
  }
  // Only the types that define these fields check them; elsewhere they are unknown extras, kept as sent.
  if (type === 'identify' || type === 'group')
    variants.push(['traits not an object', () => ({ ...m, traits: r.pick(['str', 1, [1, 2], true]) })]);
  if (type === 'track' || type === 'page' || type === 'screen')
    variants.push(['properties not an object', () => ({ ...m, properties: r.pick(['str', 1, [1, 2], false]) })]);
  if (type === 'track') variants.push(['event missing', () => ({ ...m, event: r.pick([undefined, '', '   ', 7]) })]);
  if (type === 'group') variants.push(['groupId missing', () => ({ ...m, groupId: r.pick([undefined, {}, '']) })]);
  if (type === 'alias') variants.push(['previousId missing', () => ({ ...m, previousId: r.pick([undefined, []]) })]);
  const [kind, make] = r.pick(variants);
  const message = make();
  // 'no user at all' on alias is allowed by the spec: make it a real failure.
  if (kind === 'no user at all' && type === 'alias') return { message: { ...m, previousId: undefined }, kind };
  return { message, kind };
}

export const INGEST_TYPES = ['identify', 'group', 'track', 'page', 'screen', 'alias'] as const;

/** One hostile (or, now and then, valid) ingest request. */
export function ingestCase(r: Random, writeKey: string): FuzzRequest {
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const single = r.chance(0.5);
  const type = single ? r.pick(INGEST_TYPES) : undefined;
  const path = single ? `/v1/${type}` : '/v1/batch';
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: basic(writeKey) };
  const wrap = (messages: unknown[]) => (single ? messages[0] : { batch: messages });
  const text = (value: unknown) => JSON.stringify(value);
  const roll = r.int(100);

  if (roll < 8)
    return { method: 'POST', path, headers, body: text(wrap([validMessage(r, type)])), kind: 'valid', expect: 'any' };
  if (roll < 12) {
    const messages = Array.from({ length: 1 + r.int(20) }, () => validMessage(r));
    return {
      method: 'POST',
      path: '/v1/batch',
      headers,
      body: text({ batch: messages }),
      kind: 'valid batch',
      expect: 'any',
    };
  }
  if (roll < 20)
    return { method: 'POST', path, headers, body: malformedJson(r), kind: 'malformed JSON', expect: 'reject' };
  if (roll < 25) {
    const body = r.pick(['[]', 'null', '42', '"text"', 'true', `[${text(validMessage(r))}]`]);
    return { method: 'POST', path, headers, body, kind: 'not an object body', expect: 'reject' };
  }
  if (roll < 45) {
    const bad = invalidMessage(r, type);
    return { method: 'POST', path, headers, body: text(wrap([bad.message])), kind: bad.kind, expect: 'reject' };
  }
  if (roll < 52) {
    // A batch of good messages with one bad one: the whole request is refused, nothing stored.
    const messages: unknown[] = Array.from({ length: 2 + r.int(30) }, () => validMessage(r));
    messages.splice(r.int(messages.length), 0, invalidMessage(r).message);
    return {
      method: 'POST',
      path: '/v1/batch',
      headers,
      body: text({ batch: messages }),
      kind: 'mixed batch',
      expect: 'reject',
    };
  }
  if (roll < 56) {
    const batch = r.pick([[], {}, 'all', null, 1]);
    return {
      method: 'POST',
      path: '/v1/batch',
      headers,
      body: text({ batch }),
      kind: 'batch not a list',
      expect: 'reject',
    };
  }
  if (roll < 59) {
    const context = r.pick(['str', 5, [1]]);
    const body = text({ batch: [validMessage(r)], context });
    return { method: 'POST', path: '/v1/batch', headers, body, kind: 'batch context not an object', expect: 'reject' };
  }
  if (roll < 63) {
    // Deep nesting: within 32 KB it is a legal (if silly) property; beyond, the message is too large.
    const depth = r.pick([100, 5_000, 15_000, 120_000]);
    const body = single
      ? `{"userId":"u","event":"E","groupId":"g","previousId":"p","properties":{"deep":${deepJson(r, depth)}}}`
      : `{"batch":[{"type":"track","userId":"u","event":"E","properties":{"deep":${deepJson(r, depth)}}}]}`;
    return {
      method: 'POST',
      path,
      headers,
      body,
      kind: `nesting ${depth}`,
      expect: depth * 6 > 32 * KB ? 'reject' : 'any',
    };
  }
  if (roll < 67) {
    const body = r.chance(0.5)
      ? text(wrap([{ ...validMessage(r, type), traits: { blob: BIG_STRING } }]))
      : text({
          batch: Array.from({ length: 20 }, () => ({
            ...validMessage(r),
            properties: { b: MESSAGE_OVER_32KB.slice(0, 30 * KB) },
          })),
        });
    return {
      method: 'POST',
      path: r.chance(0.5) ? path : '/v1/batch',
      headers,
      body,
      kind: 'body over 500 KB',
      expect: 'reject',
    };
  }
  if (roll < 73) {
    const gz = { ...headers, 'content-encoding': 'gzip' };
    const which = r.int(5);
    if (which === 0)
      return {
        method: 'POST',
        path,
        headers: gz,
        body: gzipSync(text(wrap([validMessage(r, type)]))),
        kind: 'gzip valid',
        expect: 'any',
      };
    if (which === 1) return { method: 'POST', path, headers: gz, body: GZIP_BOMB, kind: 'gzip bomb', expect: 'reject' };
    if (which === 2) {
      const bytes = Buffer.from(gzipSync(text(wrap([validMessage(r, type)]))));
      const at = 10 + r.int(Math.max(1, bytes.length - 20));
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      return { method: 'POST', path, headers: gz, body: bytes, kind: 'gzip corrupt', expect: 'reject' };
    }
    if (which === 3) {
      const enc = { ...headers, 'content-encoding': r.pick(['br', 'deflate', 'compress', 'gzip, gzip', '']) };
      const body = gzipSync(text(wrap([validMessage(r, type)])));
      return {
        method: 'POST',
        path,
        headers: enc,
        body,
        kind: `content-encoding ${enc['content-encoding']}`,
        expect: 'reject',
      };
    }
    return {
      method: 'POST',
      path,
      headers: gz,
      body: text(wrap([validMessage(r, type)])),
      kind: 'gzip header, plain body',
      expect: 'reject',
    };
  }
  if (roll < 78) {
    const ct = r.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
    ]);
    const good = r.chance(0.5);
    const body = good ? text(wrap([validMessage(r, type)])) : 'a=1&b=%FF';
    // Segment reads the body whatever the Content-Type says: a JSON body with a wrong type is still ingested.
    return {
      method: 'POST',
      path,
      headers: { ...headers, 'content-type': ct },
      body,
      kind: `content-type ${ct}`,
      expect: good ? 'any' : 'reject',
    };
  }
  if (roll < 88) {
    const auth = r.pick([
      undefined,
      basic('wrong-key'),
      basic(''),
      `Basic ${junkString(r).slice(0, 200)}`,
      'Basic',
      `Bearer ${writeKey}`,
      basic(`${writeKey}x`),
      basic(junkString(r).slice(0, 500)),
    ]);
    const h: Record<string, string> = { 'content-type': 'application/json' };
    if (auth !== undefined) h.authorization = auth;
    const message = validMessage(r, type);
    if (r.chance(0.3)) message.writeKey = r.pick([123, 'nope', {}, writeKey.slice(0, -1)]);
    return { method: 'POST', path, headers: h, body: text(wrap([message])), kind: 'bad write key', expect: 'reject' };
  }
  if (roll < 92) {
    // Unicode junk everywhere a string may go: allowed, and must be stored intact or refused cleanly.
    const m = validMessage(r, type);
    m.properties = { [junkString(r).slice(0, 30)]: junkString(r), nested: junkValue(r) };
    return { method: 'POST', path, headers, body: text(wrap([m])), kind: 'unicode junk', expect: 'any' };
  }
  if (roll < 95) {
    const method = r.pick(['GET', 'PUT', 'DELETE', 'PATCH']);
    return {
      method,
      path,
      headers,
      body: method === 'GET' ? undefined : text(validMessage(r)),
      kind: `method ${method}`,
      expect: 'reject',
    };
  }
  // Prototype keys as raw text (an object literal cannot carry an own "__proto__").
  const proto = `{"type":"identify","userId":"u","__proto__":{"type":"track"},"traits":{"__proto__":{"admin":true},"constructor":{"prototype":{}}}}`;
  const body = single ? proto : `{"batch":[${proto}],"__proto__":{"batch":[]}}`;
  return { method: 'POST', path, headers, body, kind: 'prototype keys', expect: 'any' };
}
