import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, write: (l) => lines.push(l), now: () => 0 });
  return { logger, lines };
}

describe('logger', () => {
  it('writes one JSON object per line with time, level and message', () => {
    const { logger, lines } = capture();
    logger.info('hello', { n: 1 });
    expect(JSON.parse(lines[0] ?? '')).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'hello', n: 1 });
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture('info');
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });

  it('redacts fields whose names look secret, at any depth', () => {
    const { logger, lines } = capture();
    logger.info('x', { secrets: { accessKey: 'k1' }, headers: { Authorization: 'Bearer abc' }, apiToken: 't' });
    const line = lines[0] ?? '';
    expect(line).not.toMatch(/k1|Bearer abc|"t"/);
    expect(JSON.parse(line).secrets).toBe('[redacted]');
  });

  it('scrubs known secret values wherever they appear, messages and errors included', () => {
    const { logger, lines } = capture();
    logger.addSecret('sk-live-123456');
    logger.error('call failed with sk-live-123456', {
      detail: 'url?key=sk-live-123456',
      error: new Error('bad sk-live-123456'),
    });
    expect(lines[0]).not.toContain('sk-live-123456');
    expect(lines[0]).toContain('[redacted]');
  });

  it('hands connectors a logger that goes through the same redaction', () => {
    const { logger, lines } = capture();
    logger.addSecret('hunter2-secret');
    logger.forConnector({ connectionId: 'c1' })('warn', 'retrying hunter2-secret', { attempt: 2 });
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'warn',
      connectionId: 'c1',
      attempt: 2,
      msg: 'retrying [redacted]',
    });
  });
});
