import { describe, expect, it } from 'vitest';
import { ConnectorError, type ConnectorErrorCode, isConnectorError } from './errors.js';

describe('ConnectorError', () => {
  it('carries code, status, body, retryAt, vendorCode and cause', () => {
    const cause = new Error('socket hang up');
    const error = new ConnectorError('rate_limited', 'Slow down', {
      cause,
      status: 429,
      body: { errorCode: '1001' },
      retryAt: 1_000,
      vendorCode: '1001',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConnectorError');
    expect(error.message).toBe('Slow down');
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAt: 1_000, vendorCode: '1001' });
    expect(error.body).toEqual({ errorCode: '1001' });
    expect(error.cause).toBe(cause);
  });

  it('leaves unset options undefined and sets no cause', () => {
    const error = new ConnectorError('auth', 'Bad key');
    expect(error.status).toBeUndefined();
    expect(error.retryAt).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it('is retryable only for transient and rate_limited', () => {
    const codes: ConnectorErrorCode[] = [
      'auth',
      'forbidden',
      'rate_limited',
      'invalid_request',
      'not_found',
      'conflict',
      'transient',
      'config',
      'unexpected',
    ];
    const retryable = codes.filter((code) => new ConnectorError(code, 'x').retryable);
    expect(retryable).toEqual(['rate_limited', 'transient']);
  });

  it('serializes to JSON with its fields (and no cause)', () => {
    const error = new ConnectorError('not_found', 'No such object', {
      status: 404,
      body: 'nope',
      cause: new Error('x'),
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ConnectorError',
      code: 'not_found',
      message: 'No such object',
      status: 404,
      body: 'nope',
    });
  });
});

describe('isConnectorError', () => {
  it('recognises real instances', () => {
    expect(isConnectorError(new ConnectorError('transient', 'x'))).toBe(true);
  });

  it('recognises by brand, so a copy from another package instance still counts', () => {
    // What a ConnectorError from a second copy of @synchub/core (or structured-cloned) looks like.
    expect(isConnectorError({ name: 'ConnectorError', code: 'auth', message: 'Bad key' })).toBe(true);
    class Foreign extends Error {
      override name = 'ConnectorError';
      code = 'transient';
    }
    expect(isConnectorError(new Foreign('x'))).toBe(true);
  });

  it('rejects look-alikes without the brand or without a code', () => {
    for (const value of [
      new Error('x'),
      { name: 'ConnectorError' },
      { name: 'ConnectorError', code: 5 },
      { name: 'HTTPException', code: 'auth' },
      'ConnectorError',
      null,
      undefined,
    ]) {
      expect(isConnectorError(value)).toBe(false);
    }
  });
});
