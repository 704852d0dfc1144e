import type { ConnectorContext } from './connector.js';
import { ConnectorError, type ConnectorErrorCode } from './errors.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body was JSON, the text otherwise, null when empty. */
  body: unknown;
}

export type HttpDecision =
  | { action: 'ok' }
  | { action: 'retry'; code: 'transient'; afterMs: number | undefined }
  | { action: 'wait'; code: 'rate_limited'; until: number | undefined }
  | { action: 'give_up'; code: Exclude<ConnectorErrorCode, 'transient' | 'rate_limited'> };

/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 form (`Sunday, 06-Nov-94 …`). */
const HTTP_DATE = /^(?:[A-Za-z]{3,9}, ?)?\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
/** asctime: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/;

/** `Retry-After` as delta-seconds or an HTTP date → epoch ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Math.round(Number(trimmed) * 1000);
  // Only the HTTP-date forms: Date.parse alone reads "-5" or "foo 2024" as dates.
  let date = Number.NaN;
  if (HTTP_DATE.test(trimmed)) date = Date.parse(trimmed);
  else if (ASCTIME_DATE.test(trimmed)) date = Date.parse(`${trimmed} GMT`); // asctime has no zone: it is GMT
  return Number.isNaN(date) ? undefined : Math.max(date, now);
}

/**
 * The one place that decides what an HTTP answer means for the caller: go on, retry with backoff,
 * wait until a time (429), or give up (the request itself is wrong and repeating it will not help).
 */
export function decideHttp(answer: { status: number; headers?: Headers | undefined }, now: number): HttpDecision {
  const { status } = answer;
  if (status >= 200 && status < 300) return { action: 'ok' };
  const retryAt = parseRetryAfter(answer.headers?.get('retry-after'), now);
  if (status === 429) return { action: 'wait', code: 'rate_limited', until: retryAt };
  if (status === 408 || status === 425 || status >= 500) {
    return { action: 'retry', code: 'transient', afterMs: retryAt === undefined ? undefined : retryAt - now };
  }
  if (status === 401) return { action: 'give_up', code: 'auth' };
  if (status === 403) return { action: 'give_up', code: 'forbidden' };
  if (status === 404 || status === 410) return { action: 'give_up', code: 'not_found' };
  if (status === 409) return { action: 'give_up', code: 'conflict' };
  return { action: 'give_up', code: 'invalid_request' };
}

/** Build the ConnectorError matching a non-2xx answer (vendors refine code/message from their body). */
export function errorFromAnswer(
  answer: HttpAnswer,
  now: number,
  message: string,
  extra: { vendorCode?: string | undefined; code?: ConnectorErrorCode | undefined } = {},
): ConnectorError {
  const decision = decideHttp(answer, now);
  const code = extra.code ?? (decision.action === 'ok' ? 'unexpected' : decision.code);
  const retryAt =
    decision.action === 'wait'
      ? decision.until
      : decision.action === 'retry' && decision.afterMs !== undefined
        ? now + decision.afterMs
        : undefined;
  return new ConnectorError(code, message, {
    status: answer.status,
    body: answer.body,
    retryAt,
    vendorCode: extra.vendorCode,
  });
}

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings and URLSearchParams as they are. */
  body?: unknown;
  /** Abort the call after this long (default 30 s): a hung vendor must not hang a run. */
  timeoutMs?: number;
  /** The call changes something at the vendor: in a dry run it is recorded, not sent. */
  write?: boolean;
  /** The answer body a dry run gives a write in place of the vendor's (shaped like its success answer). */
  dryRunAnswer?: unknown;
}

/**
 * Perform one HTTP call through the context's fetch. Network failures and timeouts become
 * `transient` ConnectorErrors; any HTTP answer (2xx or not) is returned for the caller to judge.
 */
export async function httpRequest(ctx: ConnectorContext, req: HttpRequest): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  // Not `BodyInit`: that type is DOM-lib only and this package compiles without the DOM lib.
  let body: string | URLSearchParams | undefined;
  if (req.body === undefined || req.body === null) body = undefined;
  else if (typeof req.body === 'string' || req.body instanceof URLSearchParams) body = req.body;
  else {
    body = JSON.stringify(req.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  if (req.write && ctx.dryRun) {
    ctx.dryRun.record({
      method: req.method ?? 'GET',
      url: req.url,
      headers,
      // The object as sent (JSON), so a preview shows it structured; forms and text as their string.
      body:
        body === undefined ? null : typeof body === 'string' && typeof req.body !== 'string' ? req.body : String(body),
    });
    return { status: 200, headers: new Headers(), body: req.dryRunAnswer ?? null };
  }
  const timeout = AbortSignal.timeout(req.timeoutMs ?? 30_000);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await ctx.fetch(req.url, { method: req.method ?? 'GET', headers, body, signal });
  } catch (cause) {
    if (ctx.signal?.aborted) throw new ConnectorError('transient', 'Call cancelled', { cause });
    const timedOut = timeout.aborted;
    throw new ConnectorError(
      'transient',
      timedOut
        ? `No answer from ${new URL(req.url).host} within ${req.timeoutMs ?? 30_000} ms`
        : `Could not reach ${new URL(req.url).host}: ${(cause as Error)?.message ?? cause}`,
      { cause },
    );
  }
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw new ConnectorError('transient', `Connection dropped while reading the answer from ${new URL(req.url).host}`, {
      cause,
      status: response.status,
    });
  }
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Build an https base URL from a user-typed host or URL; `allowHttp` is for sandbox/simulator hosts only. */
export function normalizeBaseUrl(input: string, options: { allowHttp?: boolean } = {}): string {
  const raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(input.trim()) ? input.trim() : `https://${input.trim()}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new ConnectorError('config', `"${input}" is not a valid host or URL`, { cause });
  }
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    throw new ConnectorError(
      'config',
      `Only https URLs are allowed (got ${url.protocol}//${url.host}); plain http is for sandbox connections only`,
    );
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * A zod refinement for connector settings: every named URL/host field must be https (plain http only
 * when the connection is a sandbox one), so a bad base URL is refused when the connection is saved,
 * not at its first call.
 */
export function httpsOnly<T extends { sandbox?: boolean | undefined }>(fields: ReadonlyArray<keyof T & string>) {
  return (value: T, ctx: { addIssue(issue: { code: 'custom'; path: string[]; message: string }): void }) => {
    for (const field of fields) {
      const raw = value[field];
      if (typeof raw !== 'string' || raw.trim() === '') continue;
      try {
        normalizeBaseUrl(raw, { allowHttp: value.sandbox === true });
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [field], message: (error as Error).message });
      }
    }
  };
}
