import { isConnectorError, type Logger } from '@synchub/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The plugin's one error type. The service answers its own HTTP calls (the hub mounts a fetch handler),
 * so it maps these to statuses itself, in `errorResponse`, with the hub's answer shape
 * `{error: {code, message, …extra}}`. Recognised by its `name`, not `instanceof`.
 */
export type QualtricsErrorCode = 'invalid_input' | 'unauthorized' | 'not_found' | 'conflict' | 'payload_too_large';

export class QualtricsError extends Error {
  override readonly name = 'QualtricsError' as const;
  constructor(
    readonly code: QualtricsErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isQualtricsError(value: unknown): value is QualtricsError {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'QualtricsError';
}

export interface Issue {
  path: string;
  message: string;
}

export function invalidInput(issues: Issue[]): QualtricsError {
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'Invalid input';
  return new QualtricsError(
    'invalid_input',
    issues.length > 1 ? `${message} (and ${issues.length - 1} more)` : message,
    { issues },
  );
}

const STATUS: Record<QualtricsErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
};

/** An error as the hub answers it elsewhere; anything unknown is rethrown for the host to answer. */
export function errorResponse(error: unknown, c: Context, log: Logger): Response {
  if (isQualtricsError(error)) {
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
    // Hono's own refusals: malformed JSON (400), a body over the limit (413).
    if (error.status === 413) {
      return c.json({ error: { code: 'payload_too_large', message: 'Request body is too large' } }, 413);
    }
    const code = error.status === 401 ? 'unauthorized' : error.status === 400 ? 'invalid_input' : 'http_error';
    return c.json({ error: { code, message: error.message } }, error.status as ContentfulStatusCode);
  }
  // Anything else is a failure of the plugin: the host answers it (and logs it) as the plugin's.
  log('debug', 'Qualtrics flow: unhandled error', { path: c.req.path, method: c.req.method });
  throw error;
}
