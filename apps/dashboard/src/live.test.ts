import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSseParser, type SseMessage, throttle } from './live.js';

function parse(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = createSseParser((m) => out.push(m));
  for (const c of chunks) parser.push(c);
  return out;
}

describe('createSseParser', () => {
  it('reads the messages Hono writes (event + data, blank line)', () => {
    const text = 'event: ready\ndata: {"received":1}\n\nevent: change\ndata: {"counts":{}}\n\n';
    expect(parse([text])).toEqual([
      { event: 'ready', data: '{"received":1}' },
      { event: 'change', data: '{"counts":{}}' },
    ]);
  });

  it('assembles messages split anywhere across chunks, including inside CRLF', () => {
    const text = 'event: change\r\ndata: {"a":1}\r\n\r\nevent: ready\r\ndata: 2\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual([
        { event: 'change', data: '{"a":1}' },
        { event: 'ready', data: '2' },
      ]);
    }
  });

  it('joins multi-line data, skips comments, defaults the event name and keeps the id', () => {
    expect(parse([': keep-alive\n\nid: 7\ndata: one\ndata:two\n\n'])).toEqual([
      { event: 'message', data: 'one\ntwo', id: '7' },
    ]);
  });

  it('does not dispatch a message without data or before its blank line', () => {
    expect(parse(['event: lonely\n\n', 'event: change\ndata: x\n'])).toEqual([]);
  });
});

describe('throttle', () => {
  afterEach(() => vi.useRealTimers());

  it('runs at once, then collapses a burst into one trailing run', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const call = throttle(fn, 1000);
    call();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) call();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('cancel drops a pending trailing run', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const call = throttle(fn, 1000);
    call();
    call();
    call.cancel();
    vi.advanceTimersByTime(2000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
