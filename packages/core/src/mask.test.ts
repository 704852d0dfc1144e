import { describe, expect, it } from 'vitest';
import { maskRequest, SECRET_MASK, secretValues } from './mask.js';

describe('maskRequest', () => {
  it('masks credential headers by name and scrubs secret values from the URL, headers and body', () => {
    const secrets = secretValues({ apiToken: 'tok-123456', nested: { key: 'key-abcdef' }, short: 'abc' });
    expect([...secrets].sort()).toEqual(['key-abcdef', 'tok-123456']);
    const masked = maskRequest(
      {
        method: 'POST',
        url: 'https://x.example.com/hook?key=key-abcdef',
        headers: { Authorization: 'Basic xyz', 'x-echo': 'has tok-123456 inside', 'content-type': 'application/json' },
        body: { nested: ['tok-123456'], keep: 'plain' },
      },
      secrets,
    );
    expect(masked).toEqual({
      method: 'POST',
      url: `https://x.example.com/hook?key=${SECRET_MASK}`,
      headers: {
        Authorization: SECRET_MASK,
        'x-echo': `has ${SECRET_MASK} inside`,
        'content-type': 'application/json',
      },
      body: { nested: [SECRET_MASK], keep: 'plain' },
    });
  });
});
