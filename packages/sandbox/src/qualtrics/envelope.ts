/** Reason phrases for the `meta.httpStatus` line of Qualtrics envelopes (`"404 - Not Found"`). */
export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * Error codes the simulator uses in `meta.error.errorCode`. Qualtrics does not publish a full list;
 * these keep its style (area prefix + number) so clients can tell causes apart.
 */
export const QUALTRICS_ERROR_CODES = {
  auth: 'AUTH_1',
  validation: 'QVAL_1',
  notFound: 'RESOURCE_NOT_FOUND',
  tooLarge: 'PAYLOAD_TOO_LARGE',
  rateLimited: 'RATE_LIMIT_1',
  server: 'SERVER_ERROR',
} as const;
