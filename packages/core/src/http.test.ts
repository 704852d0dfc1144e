import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorContext } from './connector.js';
import { ConnectorError, isConnectorError } from './errors.js';
import {
  decideHttp,
  errorFromAnswer,
  type HttpAnswer,
  httpRequest,
  normalizeBaseUrl,
  parseRetryAfter,
} from './http.js';

const NOW = Date.UTC(2024, 2, 7, 10, 0, 0);

function answer(status: number, headers: Record<string, string> = {}, body: unknown = null): HttpAnswer {
  return { status, headers: new Headers(headers), body };
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(NOW + 120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(NOW);
    expect(parseRetryAfter('1.5', NOW)).toBe(NOW + 1_500);
  });

  it('reads an HTTP date, never earlier than now', () => {
    expect(parseRetryAfter('Thu, 07 Mar 2024 10:05:00 GMT', NOW)).toBe(NOW + 5 * 60_000);
    expect(parseRetryAfter('Thu, 07 Mar 2024 09:00:00 GMT', NOW)).toBe(NOW);
    expect(parseRetryAfter('Thursday, 07-Mar-24 10:05:00 GMT', NOW)).toBe(NOW + 5 * 60_000);
    expect(parseRetryAfter('Thu Mar  7 10:05:00 2024', NOW)).toBe(NOW + 5 * 60_000);
  });

  it('is undefined when absent or unreadable', () => {
    for (const value of [null, undefined, '', '  ', 'soon', '-5', 'foo 2024', '1 2', '2024-03-07'])
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('decideHttp', () => {
  it('2xx is ok', () => {
    for (const status of [200, 201, 204]) expect(decideHttp({ status }, NOW)).toEqual({ action: 'ok' });
  });

  it('gives up with the right code on client errors', () => {
    const cases: [number, string][] = [
      [400, 'invalid_request'],
      [401, 'auth'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [410, 'not_found'],
      [409, 'conflict'],
      [422, 'invalid_request'],
    ];
    for (const [status, code] of cases) {
      expect(decideHttp(answer(status, { 'retry-after': '5' }), NOW)).toEqual({ action: 'give_up', code });
    }
  });

  it('429 waits, until Retry-After when given (seconds or HTTP date)', () => {
    expect(decideHttp({ status: 429 }, NOW)).toEqual({ action: 'wait', code: 'rate_limited', until: undefined });
    expect(decideHttp(answer(429, { 'retry-after': '30' }), NOW)).toEqual({
      action: 'wait',
      code: 'rate_limited',
      until: NOW + 30_000,
    });
    expect(decideHttp(answer(429, { 'Retry-After': 'Thu, 07 Mar 2024 10:01:00 GMT' }), NOW)).toEqual({
      action: 'wait',
      code: 'rate_limited',
      until: NOW + 60_000,
    });
  });

  it('408 and 5xx retry as transient, after Retry-After when given', () => {
    for (const status of [408, 500, 502, 503]) {
      expect(decideHttp({ status }, NOW)).toEqual({ action: 'retry', code: 'transient', afterMs: undefined });
    }
    expect(decideHttp(answer(503, { 'retry-after': '7' }), NOW)).toEqual({
      action: 'retry',
      code: 'transient',
      afterMs: 7_000,
    });
  });
});

describe('errorFromAnswer', () => {
  it('builds the error matching the answer, keeping status and body', () => {
    const error = errorFromAnswer(
      answer(401, {}, { error: 'INVALID_SESSION_ID' }),
      NOW,
      'Salesforce refused the token',
      {
        vendorCode: 'INVALID_SESSION_ID',
      },
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      code: 'auth',
      status: 401,
      vendorCode: 'INVALID_SESSION_ID',
      message: 'Salesforce refused the token',
      retryAt: undefined,
    });
    expect(error.body).toEqual({ error: 'INVALID_SESSION_ID' });
  });

  it('sets retryAt from Retry-After for 429 and 5xx', () => {
    expect(errorFromAnswer(answer(429, { 'retry-after': '10' }), NOW, 'x')).toMatchObject({
      code: 'rate_limited',
      retryAt: NOW + 10_000,
    });
    expect(errorFromAnswer(answer(503, { 'retry-after': '2' }), NOW, 'x')).toMatchObject({
      code: 'transient',
      retryAt: NOW + 2_000,
    });
    expect(errorFromAnswer(answer(502), NOW, 'x')).toMatchObject({ code: 'transient', retryAt: undefined });
  });

  it('lets the vendor override the code; a 2xx turned into an error is unexpected', () => {
    expect(errorFromAnswer(answer(400), NOW, 'x', { code: 'auth' }).code).toBe('auth');
    expect(errorFromAnswer(answer(200, {}, { success: false }), NOW, 'x').code).toBe('unexpected');
  });
});

describe('normalizeBaseUrl', () => {
  it('adds https to a bare host and trims trailing slashes, query and credentials', () => {
    expect(normalizeBaseUrl('acme.gainsightcloud.com')).toBe('https://acme.gainsightcloud.com');
    expect(normalizeBaseUrl('  https://acme.my.salesforce.com/ ')).toBe('https://acme.my.salesforce.com');
    expect(normalizeBaseUrl('https://api.example.com/v1///?x=1')).toBe('https://api.example.com/v1');
    expect(normalizeBaseUrl('https://user:pw@api.example.com:8443/x')).toBe('https://api.example.com:8443/x');
  });

  it('rejects plain http unless allowHttp (sandbox) is set', () => {
    const error = (() => {
      try {
        normalizeBaseUrl('http://127.0.0.1:4000');
      } catch (e) {
        return e;
      }
    })();
    expect(isConnectorError(error) && error.code).toBe('config');
    expect((error as Error).message).toContain('https');
    expect(normalizeBaseUrl('http://127.0.0.1:4000/', { allowHttp: true })).toBe('http://127.0.0.1:4000');
    expect(normalizeBaseUrl('https://x.example.com', { allowHttp: true })).toBe('https://x.example.com');
  });

  it('rejects garbage and other schemes as config errors', () => {
    for (const input of [
      '',
      'exa mple.com',
      'https://',
      'ftp://files.example.com',
      'javascript:alert(1)',
      'http://[::1',
    ]) {
      expect(() => normalizeBaseUrl(input, { allowHttp: true }), input).toThrow(ConnectorError);
    }
  });
});

describe('httpRequest against a real server', () => {
  let server: Server;
  let base: string;
  const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        switch (req.url) {
          case '/json':
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[1,2],"next":null}');
            return;
          case '/text':
            res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
            return;
          case '/bad-json':
            res.writeHead(500, { 'content-type': 'application/json' }).end('{"broken":');
            return;
          case '/empty':
            res.writeHead(204).end();
            return;
          case '/limited':
            res.writeHead(429, { 'retry-after': '3', 'content-type': 'application/json' }).end('{"errorCode":"1001"}');
            return;
          case '/slow':
            setTimeout(() => res.writeHead(200).end('late'), 1_000).unref();
            return;
          case '/drop':
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
            res.write('{"partial":');
            setTimeout(() => res.socket?.destroy(), 20).unref();
            return;
          default:
            res.writeHead(200, { 'content-type': 'application/json' }).end(body === '' ? 'null' : body);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('parses a JSON body and sends accept: application/json', async () => {
    const result = await httpRequest(ctx, { url: `${base}/json` });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ items: [1, 2], next: null });
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(received.at(-1)).toMatchObject({ method: 'GET', url: '/json' });
    expect(received.at(-1)?.headers.accept).toBe('application/json');
  });

  it('returns text bodies as text, and unparseable JSON as text too', async () => {
    expect((await httpRequest(ctx, { url: `${base}/text` })).body).toBe('plain words');
    expect(await httpRequest(ctx, { url: `${base}/bad-json` })).toMatchObject({ status: 500, body: '{"broken":' });
  });

  it('returns null for an empty body', async () => {
    expect(await httpRequest(ctx, { url: `${base}/empty`, method: 'DELETE' })).toMatchObject({
      status: 204,
      body: null,
    });
  });

  it('returns non-2xx answers for the caller to judge', async () => {
    const result = await httpRequest(ctx, { url: `${base}/limited` });
    expect(result.status).toBe(429);
    expect(errorFromAnswer(result, NOW, 'limited')).toMatchObject({ code: 'rate_limited', retryAt: NOW + 3_000 });
  });

  it('sends objects as JSON with a content-type, strings and form bodies as they are', async () => {
    const sent = await httpRequest(ctx, { url: `${base}/echo`, method: 'POST', body: { email: 'a@b.co' } });
    expect(sent.body).toEqual({ email: 'a@b.co' });
    expect(received.at(-1)?.headers['content-type']).toBe('application/json');

    await httpRequest(ctx, {
      url: `${base}/echo`,
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.custom+json' },
      body: [1],
    });
    expect(received.at(-1)?.headers['content-type']).toBe('application/vnd.custom+json');

    await httpRequest(ctx, { url: `${base}/echo`, method: 'POST', body: new URLSearchParams({ grant_type: 'x y' }) });
    expect(received.at(-1)?.body).toBe('grant_type=x+y');
    expect(received.at(-1)?.headers['content-type']).toContain('application/x-www-form-urlencoded');

    await httpRequest(ctx, {
      url: `${base}/echo`,
      method: 'PUT',
      body: '"raw"',
      headers: { authorization: 'Bearer t' },
    });
    expect(received.at(-1)).toMatchObject({ method: 'PUT', body: '"raw"' });
    expect(received.at(-1)?.headers.authorization).toBe('Bearer t');
  });

  it('turns a timeout into a transient ConnectorError', async () => {
    const error = await httpRequest(ctx, { url: `${base}/slow`, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('transient');
    expect((error as Error).message).toContain('within 50 ms');
  });

  it('turns a cancelled run into a transient ConnectorError', async () => {
    const controller = new AbortController();
    const pending = httpRequest({ ...ctx, signal: controller.signal }, { url: `${base}/slow` });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('transient');
    expect((error as Error).message).toBe('Call cancelled');
  });

  it('turns a connection dropped mid-answer into a transient ConnectorError', async () => {
    const error = await httpRequest(ctx, { url: `${base}/drop` }).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('transient');
    expect(isConnectorError(error) && error.retryable).toBe(true);
  });

  it('turns a refused connection into a transient ConnectorError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await httpRequest(ctx, { url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.code).toBe('transient');
    expect((error as Error).message).toContain(`Could not reach 127.0.0.1:${port}`);
    expect((error as ConnectorError).cause).toBeDefined();
  });
});
