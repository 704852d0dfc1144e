import { deepJson, enc, type FuzzRequest, junkString, junkValue, malformedJson, type Random } from './fuzz-cases.js';

/** Ids of what the fuzz hub holds, by type, so a route can be handed an id of the wrong kind. */
export type Fixtures = Record<
  'connection' | 'source' | 'destination' | 'trigger' | 'rule' | 'event' | 'delivery',
  string[]
>;

export interface Route {
  method: string;
  path: string;
}

/** Which fixture type a route's `:id` names (by the path before it). */
function typeOf(pattern: string): keyof Fixtures | undefined {
  const table: Array<[string, keyof Fixtures]> = [
    ['/api/connections/', 'connection'],
    ['/api/sources/', 'source'],
    ['/api/destinations/', 'destination'],
    ['/api/qualtrics/triggers/', 'trigger'],
    ['/api/qualtrics/rules/', 'rule'],
    ['/api/qualtrics/deliveries/', 'delivery'],
    ['/api/events/', 'event'],
    ['/hooks/qualtrics/', 'trigger'],
  ];
  return table.find(([prefix]) => pattern.startsWith(prefix))?.[1];
}

/** Routes that change or remove what their id names: never handed the right id, so fixtures survive. */
const MUTATING = /\/(rotate-key|rotate-secret|replay|run)$/;

function paramValue(r: Random, route: Route, fixtures: Fixtures): string {
  const own = typeOf(route.path);
  const safe = route.method === 'GET' || (route.method === 'POST' && !MUTATING.test(route.path));
  const roll = r.int(100);
  if (roll < 15 && own && safe && fixtures[own].length > 0) return r.pick(fixtures[own]);
  if (roll < 50) {
    const others = (Object.keys(fixtures) as Array<keyof Fixtures>).filter((k) => k !== own);
    const ids = fixtures[r.pick(others)];
    if (ids.length > 0) return enc(r.pick(ids));
  }
  const junk = junkString(r).slice(0, r.chance(0.1) ? 8_000 : 200);
  // Mostly encoded; sometimes raw, broken percent-escapes and all (the URL parser keeps them).
  return r.chance(0.7) ? enc(junk) || '%20' : junk.replace(/[/?#\s]/g, '') || '%';
}

const QUERY_KEYS = [
  'state',
  'type',
  'sourceId',
  'errorCode',
  'before',
  'limit',
  'hours',
  'bucket',
  'connectionId',
  'triggerId',
  'origin',
];
const QUERY_VALUES = ['-1', '0', '1e400', 'NaN', '1.5', '99999999999999999999', 'delivered', 'failed', '', 'true'];

function queryString(r: Random): string {
  if (r.chance(0.5)) return '';
  const pairs: string[] = [];
  for (let i = r.int(4); i >= 0; i--) {
    const key = r.chance(0.8) ? r.pick(QUERY_KEYS) : junkString(r).slice(0, 30);
    const value = r.chance(0.6) ? r.pick(QUERY_VALUES) : junkString(r).slice(0, 300);
    pairs.push(`${enc(key)}=${enc(value)}`);
  }
  if (r.chance(0.1)) pairs.push(pairs[0] ?? 'limit=1'); // a repeated key
  return `?${pairs.join('&')}`;
}

/** A body the route would accept, for mutation; unknown routes get an empty object. */
function template(route: Route, f: Fixtures, r: Random): Record<string, unknown> {
  const id = (k: keyof Fixtures) => f[k][0] ?? 'none';
  const name = `fuzz ${r.int(1e6)}`;
  const key = `${route.method} ${route.path}`;
  const templates: Record<string, () => Record<string, unknown>> = {
    'POST /api/connections': () => ({
      connectorId: r.pick(['gainsight', 'qualtrics', 'salesforce', 'pendo', 'nope']),
      name,
      settings: { domain: 'http://gainsight.sim', sandbox: true },
      secrets: { accessKey: 'k' },
    }),
    'PATCH /api/connections/:id': () => ({ name, settings: { sandbox: true }, secrets: {} }),
    'POST /api/connections/:id/discover': () => ({ objects: ['Company'] }),
    'POST /api/sources': () => ({ name, destinationId: id('destination') }),
    'PATCH /api/sources/:id': () => ({ name, destinationId: null }),
    'POST /api/destinations': () => ({ name, kind: 'gainsight', connectionId: id('connection'), settings: {} }),
    'PATCH /api/destinations/:id': () => ({ name, enabled: false, settings: { maxAttempts: 3 } }),
    'POST /api/events/replay': () => r.pick([{ ids: [1, 2] }, { all: true }, { filter: { type: 'track' } }]),
    'POST /api/pipelines': () => ({ kind: 'x', name, connectionId: id('connection'), settings: {} }),
    'PATCH /api/pipelines/:id': () => ({ name, enabled: true, schedule: '*/5 * * * *' }),
    'POST /api/pipelines/run-all': () => ({ connectionId: id('connection') }),
    'POST /api/qualtrics/triggers': () => ({ name, connectionId: f.connection[1] ?? 'none', template: [] }),
    'PATCH /api/qualtrics/triggers/:id': () => ({ name, triggerUrl: 'http://qualtrics.sim/x', enabled: true }),
    'POST /api/qualtrics/triggers/:id/test': () => ({ input: { a: 1 } }),
    'POST /api/qualtrics/rules': () => ({ triggerId: id('trigger'), event: name }),
    'PATCH /api/qualtrics/rules/:id': () => ({ event: name, enabled: false }),
    'POST /api/qualtrics/deliveries/replay': () => ({ triggerId: id('trigger') }),
  };
  return templates[key]?.() ?? {};
}

function mutate(r: Random, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  const keys = Object.keys(out);
  for (let i = 1 + r.int(2); i > 0; i--) {
    const roll = r.int(4);
    const k = keys.length > 0 ? r.pick(keys) : 'x';
    if (roll === 0) delete out[k];
    else if (roll === 1) out[k] = junkValue(r);
    else if (roll === 2) out[junkString(r).slice(0, 40) || 'extra'] = junkValue(r);
    else out[k] = junkString(r);
  }
  return out;
}

function apiBody(r: Random, route: Route, fixtures: Fixtures): { body?: string; contentType?: string; kind: string } {
  const roll = r.int(100);
  if (roll < 10) return { kind: 'no body' };
  if (roll < 25) return { body: malformedJson(r), contentType: 'application/json', kind: 'malformed JSON' };
  if (roll < 33)
    return {
      body: r.pick(['[]', 'null', '7', '"s"', 'false']),
      contentType: 'application/json',
      kind: 'not an object',
    };
  if (roll < 50) return { body: JSON.stringify(junkValue(r)), contentType: 'application/json', kind: 'junk JSON' };
  if (roll < 88) {
    const body = JSON.stringify(r.chance(0.2) ? template(route, fixtures, r) : mutate(r, template(route, fixtures, r)));
    return { body, contentType: 'application/json', kind: 'mutated body' };
  }
  if (roll < 91)
    return { body: `{"name":"${'n'.repeat(1_100_000)}"}`, contentType: 'application/json', kind: 'body over 1 MB' };
  if (roll < 96) {
    // A field the route reads, nested absurdly deep (raw text: building it as an object would recurse).
    const t = template(route, fixtures, r);
    const key = Object.keys(t).length > 0 ? r.pick(Object.keys(t)) : 'settings';
    const deep = deepJson(r, r.pick([1_000, 50_000, 200_000]));
    return {
      body: JSON.stringify({ ...t, [key]: '__DEEP__' }).replace('"__DEEP__"', deep),
      contentType: 'application/json',
      kind: 'deep nesting',
    };
  }
  const contentType = r.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']);
  return { body: JSON.stringify(template(route, fixtures, r)), contentType, kind: `content-type ${contentType}` };
}

function adminAuth(r: Random, token: string): { value?: string; kind?: string } {
  if (r.chance(0.93)) return { value: `Bearer ${token}` };
  const value = r.pick([
    undefined,
    'Bearer wrong-token',
    'Basic Zm9vOmJhcg==',
    'Bearer',
    `bearer  ${token}x`,
    `Token ${token}`,
  ]);
  return { value, kind: 'bad admin token' };
}

/** One request to an admin API route (or to a path no route owns). */
export function apiCase(r: Random, route: Route, fixtures: Fixtures, token: string): FuzzRequest {
  const path = route.path.replace(/:[A-Za-z]+/g, () => paramValue(r, route, fixtures));
  const headers: Record<string, string> = {};
  const auth = adminAuth(r, token);
  if (auth.value) headers.authorization = auth.value;
  let body: string | undefined;
  let kind = auth.kind ?? (route.path.includes(':') ? 'params' : 'plain');
  if (route.method !== 'GET' && route.method !== 'DELETE') {
    const b = apiBody(r, route, fixtures);
    body = b.body;
    if (b.contentType) headers['content-type'] = b.contentType;
    kind = auth.kind ?? b.kind;
  }
  return { method: route.method, path: `${path}${queryString(r)}`, headers, body, kind, expect: 'any' };
}

/** A path no route owns, or a known path with the wrong method. */
export function strayCase(r: Random, routes: Route[], token: string): FuzzRequest {
  const route = r.pick(routes);
  const method = r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  const path = r.pick([
    `/api/${enc(junkString(r).slice(0, 100))}`,
    `${route.path.replace(/:[A-Za-z]+/g, 'x')}/${enc(junkString(r).slice(0, 50)) || 'y'}`,
    '/api/../api/session',
    '/v2/identify',
    '/hooks/other/1',
    `/${'a/'.repeat(200)}`,
    '/api//connections',
  ]);
  return { method, path, headers: { authorization: `Bearer ${token}` }, kind: 'stray path', expect: 'any' };
}

/** The Qualtrics webhook: unknown triggers, missing or wrong secrets, hostile bodies. */
export function hookCase(r: Random, path: string, fixtures: Fixtures, secret: string): FuzzRequest {
  const triggerId =
    r.chance(0.7) && fixtures.trigger[0] ? fixtures.trigger[0] : paramValue(r, { method: 'POST', path }, fixtures);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const goodSecret = r.chance(0.75);
  if (goodSecret) {
    if (r.chance(0.5)) headers['x-synchub-secret'] = secret;
    else headers.authorization = `Bearer ${secret}`;
  } else {
    const wrong = r.pick([undefined, 'qwh_wrong', `${secret}x`, secret.slice(0, -1), junkString(r).slice(0, 100)]);
    if (wrong !== undefined) headers['x-synchub-secret'] = wrong;
  }
  const roll = r.int(100);
  let body: string;
  let kind: string;
  let objectBody = false;
  if (roll < 25) {
    body = JSON.stringify(junkValue(r, 2) ?? {});
    objectBody = body.startsWith('{');
    kind = 'junk JSON';
  } else if (roll < 40) {
    body = JSON.stringify({ email: 'p@example.com', score: 7, note: junkString(r).slice(0, 2_000) });
    objectBody = true;
    kind = 'payload';
  } else if (roll < 55) {
    body = malformedJson(r);
    objectBody = body.trim() === '';
    kind = 'malformed JSON';
  } else if (roll < 65) {
    body = r.pick(['[]', 'null', '3', '"x"', '[{"a":1}]']);
    kind = 'not an object';
  } else if (roll < 75) {
    body = `{"big":"${'b'.repeat(150 * 1024)}"}`;
    kind = 'body over 100 KB';
  } else if (roll < 85) {
    body = `{"deep":${deepJson(r, r.pick([500, 20_000, 40_000]))}}`;
    objectBody = body.length < 100 * 1024;
    kind = 'deep nesting';
  } else {
    body = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"toString":"${junkString(r).slice(0, 50).replace(/["\\]/g, '')}"}`;
    objectBody = true;
    kind = 'prototype keys';
  }
  const valid = goodSecret && triggerId === fixtures.trigger[0] && objectBody;
  return {
    method: 'POST',
    path: path.replace(':triggerId', triggerId),
    headers,
    body,
    kind,
    expect: valid ? 'any' : 'reject',
  };
}
