/**
 * One error type for the connector layer. Recognised by its `name` brand, not `instanceof`,
 * so two copies of this package in one process still agree on what a ConnectorError is.
 */
export type ConnectorErrorCode =
  | 'auth' // credentials wrong or expired: fix the connection
  | 'forbidden' // authenticated but not allowed (scope, permission)
  | 'rate_limited' // vendor said slow down; see `retryAt`
  | 'invalid_request' // the vendor rejected what we sent: retrying the same thing will not help
  | 'not_found' // object, record or route does not exist
  | 'conflict'
  | 'transient' // 5xx, timeouts, dropped connections: retry with backoff
  | 'config' // our own settings cannot work (bad URL, missing mapping)
  | 'unexpected'; // an answer we could not understand

export interface ConnectorErrorOptions {
  cause?: unknown;
  /** HTTP status of the vendor's answer, when there was one. */
  status?: number;
  /** The vendor's error body, kept verbatim so users see what the vendor said. */
  body?: unknown;
  /** Epoch ms before which the same call should not be repeated (429 / Retry-After / window end). */
  retryAt?: number;
  /** Vendor-specific error code (e.g. `GSOBJ_1006`, `INVALID_SESSION_ID`, `1001`). */
  vendorCode?: string;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError' as const;
  readonly code: ConnectorErrorCode;
  readonly status: number | undefined;
  readonly body: unknown;
  readonly retryAt: number | undefined;
  readonly vendorCode: string | undefined;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.body = options.body;
    this.retryAt = options.retryAt;
    this.vendorCode = options.vendorCode;
  }

  /** Whether the same call may succeed later without anyone changing anything. */
  get retryable(): boolean {
    return this.code === 'transient' || this.code === 'rate_limited';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      vendorCode: this.vendorCode,
      retryAt: this.retryAt,
      body: this.body,
    };
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'ConnectorError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
