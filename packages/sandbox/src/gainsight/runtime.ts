import type { MiddlewareHandler } from 'hono';
import { findObject } from './catalog.js';
import { CODES, failure, GainsightError } from './envelope.js';
import { type Bucket, spend } from './limits.js';
import type { GainsightObjectDef, GainsightState } from './types.js';

/** What the route modules share: the data plus the switches resolved from the options. */
export interface GainsightRuntime {
  state: GainsightState;
  now: () => number;
  /** Seeded source for Gsids of written records (separate from the fault dice). */
  random: () => number;
  rateLimitErrorCode: string;
  retryAfterHeader: boolean;
  unknownObjectStatus: 400 | 404;
  queryDataShape: 'records' | 'array';
}

export function tooManyRequests(rt: GainsightRuntime, resetAt?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (rt.retryAfterHeader && resetAt !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil((resetAt - rt.now()) / 1000)));
  }
  return new Response(JSON.stringify(failure(rt.rateLimitErrorCode, 'Too many requests')), { status: 429, headers });
}

export function unauthorized(): Response {
  return new Response(JSON.stringify(failure(CODES.unauthorized, 'Unauthorized')), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });
}

/** Spend one call of the tenant's budget; a full window answers the vendor's 429. */
export function limitOrNull(rt: GainsightRuntime, bucket: Bucket = 'sync'): Response | null {
  const spent = spend(rt.state, bucket, rt.now());
  return spent.ok ? null : tooManyRequests(rt, spent.resetAt);
}

/**
 * Access-key check then the route's budget (sync, or bulk for async routes), per route (not per prefix) so unknown routes answer 404
 * GS_APIG_1000 whatever the key. Hono's header lookup is case-insensitive, like the gateway's.
 */
export function guard(rt: GainsightRuntime, bucket: Bucket = 'sync'): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header('accesskey') !== rt.state.accessKey) return unauthorized();
    const limited = limitOrNull(rt, bucket);
    if (limited) return limited;
    await next();
  };
}

/** Object names are case-insensitive; an unknown one is OBJECT_NOT_FOUND. */
export function requireObject(rt: GainsightRuntime, name: string): GainsightObjectDef {
  const def = findObject(rt.state.objects, name);
  if (!def) throw new GainsightError(rt.unknownObjectStatus, CODES.objectNotFound, `Object ${name} not found`);
  return def;
}
