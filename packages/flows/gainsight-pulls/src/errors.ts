import { type Issue, isConnectorError, type Logger } from '@synchub/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The plugin's one error type. Its service answers its own HTTP calls (the hub mounts a fetch handler),
 * so it maps these to statuses itself, in `errorResponse`, with the hub's answer shape
 * `{error: {code, message, …extra}}`. Recognised by its `name`, not `instanceof`.
 */
export type PullsErrorCode = 'invalid_input' | 'not_found';

export class PullsError extends Error {
  override readonly name = 'PullsError' as const;
  constructor(
    readonly code: PullsErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPullsError(value: unknown): value is PullsError {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'PullsError';
}

export function invalidInput(issues: Issue[]): PullsError {
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'Invalid input';
  return new PullsError('invalid_input', issues.length > 1 ? `${message} (and ${issues.length - 1} more)` : message, {
    issues,
  });
}

const STATUS: Record<PullsErrorCode, ContentfulStatusCode> = { invalid_input: 400, not_found: 404 };

/** An error as the hub answers it elsewhere; anything unknown is logged and answered 500. */
export function errorResponse(error: unknown, c: Context, log: Logger): Response {
  if (isPullsError(error)) {
    return c.json({ error: { code: error.code, message: error.message, ...error.extra } }, STATUS[error.code]);
  }
  if (isConnectorError(error)) {
    // The vendor (or our settings for it) failed: a gateway problem, not the caller's request.
    return c.json(
      { error: { code: `vendor_${error.code}`, message: error.message, vendorCode: error.vendorCode } },
      error.code === 'config' ? 400 : 502,
    );
  }
  if (error instanceof HTTPException) {
    // Hono's own refusals (malformed JSON).
    const code = error.status === 400 ? 'invalid_input' : 'http_error';
    return c.json({ error: { code, message: error.message } }, error.status as ContentfulStatusCode);
  }
  log('error', 'Gainsight pulls: unhandled error', {
    path: c.req.path,
    method: c.req.method,
    error: (error as Error)?.message ?? String(error),
  });
  return c.json({ error: { code: 'internal', message: 'Internal error; see the hub log' } }, 500);
}
