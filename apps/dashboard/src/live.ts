import { ApiError, errorFrom, loadToken, reportUnauthorized } from './api.js';

// Server-sent events read with fetch: EventSource cannot send the Authorization header the API needs.

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser for the text/event-stream format: feed it decoded chunks (split anywhere, even
 * inside a line or a CRLF) and it calls `onMessage` for each complete message.
 */
export function createSseParser(onMessage: (message: SseMessage) => void) {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let sawCr = false;

  const dispatch = () => {
    if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n'), ...(id ? { id } : {}) });
    event = '';
    data = [];
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return; // a comment (keep-alive)
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  };

  return {
    push(chunk: string) {
      // A CR that ended the previous chunk already closed its line; its LF partner must not close another.
      if (sawCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
      sawCr = chunk.endsWith('\r');
      buffer += chunk;
      const parts = buffer.split(/\r\n|\r|\n/);
      buffer = parts.pop() ?? '';
      for (const part of parts) line(part);
    },
  };
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamOptions {
  onMessage: (message: SseMessage) => void;
  onStatus?: (status: StreamStatus) => void;
  /** Delay before the n-th reconnect in a row (1-based). */
  backoffMs?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(10_000, 500 * 2 ** (attempt - 1));

/**
 * Keeps one stream open until the returned function is called: reconnects after a drop, a network error
 * or a 5xx, with backoff; stops for good on a 401 (and tells the app, which shows the login).
 */
export function openEventStream(path: string, options: StreamOptions): () => void {
  const controller = new AbortController();
  const backoff = options.backoffMs ?? defaultBackoff;
  let failures = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const once = async (): Promise<'stop' | 'again'> => {
    const token = loadToken();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
    if (res.status === 401) {
      reportUnauthorized();
      return 'stop';
    }
    if (!res.ok || !res.body) throw res.ok ? new ApiError(res.status, 'no_body', 'Empty stream') : await errorFrom(res);
    const parser = createSseParser((message) => {
      // The first message proves the connection works; only then is the backoff reset.
      failures = 0;
      options.onStatus?.('live');
      options.onMessage(message);
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'again';
      parser.push(value);
    }
  };

  void (async () => {
    options.onStatus?.('connecting');
    while (!controller.signal.aborted) {
      try {
        if ((await once()) === 'stop') return;
      } catch {
        // Network error, 5xx or a dropped connection: try again below.
      }
      if (controller.signal.aborted) return;
      failures += 1;
      options.onStatus?.('reconnecting');
      await sleep(backoff(failures));
    }
  })();

  return () => controller.abort();
}

/**
 * Calls `fn` at most once per `ms`: the first call runs at once, calls inside the window collapse into one
 * trailing run, so the last change is never missed.
 */
export function throttle(fn: () => void, ms: number) {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const call = () => {
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
