import { isConnectorError } from '@synchub/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { HubLogger } from './logger.js';

export type HubErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'not_found'
  | 'unknown_connector'
  | 'conflict'
  | 'payload_too_large'
  /** A plugin (connector, kind, service) threw something that is not a vendor's answer: its message is kept. */
  | 'plugin_failed'
  /** A plugin's operation did not finish within its deadline. */
  | 'timeout'
  | 'internal';

export interface Issue {
  path: string;
  message: string;
}

/** The hub's one error type; its HTTP status is decided only in `handleError` below. */
export class HubError extends Error {
  override readonly name = 'HubError' as const;
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isHubError(value: unknown): value is HubError {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'HubError';
}

const STATUS: Record<HubErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_connector: 404,
  conflict: 409,
  payload_too_large: 413,
  plugin_failed: 502,
  timeout: 504,
  internal: 500,
};

/** The HTTP status the hub answers an error code with (what `handleError` sends). */
export const statusOf = (code: HubErrorCode): ContentfulStatusCode => STATUS[code];

/** zod issues → `{path, message}` with dotted paths (`settings.domain`), prefixed by where the input came from. */
export function zodIssues(error: z.ZodError, prefix?: string): Issue[] {
  return error.issues.map((issue) => {
    const parts = [prefix, ...issue.path.map(String)].filter((p): p is string => p !== undefined && p !== '');
    return { path: parts.join('.') || '(body)', message: issue.message };
  });
}

export function invalidInput(issues: Issue[]): HubError {
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'Invalid input';
  return new HubError('invalid_input', issues.length > 1 ? `${message} (and ${issues.length - 1} more)` : message, {
    issues,
  });
}

export function handleError(error: unknown, c: Context, logger: HubLogger): Response {
  if (isHubError(error)) {
    return c.json({ error: { code: error.code, message: error.message, ...error.extra } }, STATUS[error.code]);
  }
  if (isConnectorError(error)) {
    // The vendor (or our settings for it) failed: a gateway problem, not the caller's request.
    const status: ContentfulStatusCode = error.code === 'config' ? 400 : 502;
    return c.json(
      { error: { code: `vendor_${error.code}`, message: error.message, vendorCode: error.vendorCode } },
      status,
    );
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) {
      return c.json({ error: { code: 'payload_too_large', message: 'Request body is too large' } }, 413);
    }
    const res = error.getResponse();
    if (res.headers.get('content-type')?.includes('json')) return res;
    const code = error.status === 401 ? 'unauthorized' : error.status === 400 ? 'invalid_input' : 'http_error';
    return c.json({ error: { code, message: error.message || res.statusText } }, error.status as ContentfulStatusCode);
  }
  logger.error('Unhandled error', { path: c.req.path, method: c.req.method, error });
  return c.json({ error: { code: 'internal', message: 'Internal error; see the hub log' } }, 500);
}
