import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.js';

describe('readEnv', () => {
  it('has defaults for everything: a bare start works', () => {
    const env = readEnv({});
    expect(env.SYNCHUB_HOST).toBe('127.0.0.1');
    expect(env.SYNCHUB_PORT).toBe(8787);
    expect(env.SYNCHUB_DATA_DIR).toBe(path.resolve('data'));
  });

  it('names the variable that is wrong', () => {
    expect(() => readEnv({ SYNCHUB_PORT: 'abc' })).toThrow(/SYNCHUB_PORT/);
    expect(() => readEnv({ SYNCHUB_ADMIN_TOKEN: 'short' })).toThrow(/SYNCHUB_ADMIN_TOKEN must be at least 16/);
  });

  it('ignores unrelated and empty variables', () => {
    expect(readEnv({ PATH: '/bin', SYNCHUB_PORT: '' }).SYNCHUB_PORT).toBe(8787);
  });
});
