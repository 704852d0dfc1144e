import { describe, expect, it } from 'vitest';
import { convertValue, incompatibility } from './fields.js';
import { unwrapCursor, wrapCursor } from './shared.js';

describe('field types across vendors', () => {
  it('refuses what changes meaning, allows anything into text', () => {
    const f = (type: Parameters<typeof incompatibility>[0]['type']) => ({ name: 'x', type });
    expect(incompatibility(f('string'), f('number'))).toBe('a text value cannot go into a number field');
    expect(incompatibility(f('picklist'), f('integer'))).toBe('a text value cannot go into a number field');
    expect(incompatibility(f('datetime'), f('number'))).toBe('a date value cannot go into a number field');
    expect(incompatibility(f('number'), f('boolean'))).toBe('a number value cannot go into a true/false field');
    expect(incompatibility(f('number'), f('string'))).toBeUndefined();
    expect(incompatibility(f('integer'), f('number'))).toBeUndefined();
    expect(incompatibility(f('date'), f('datetime'))).toBeUndefined();
    expect(incompatibility(f('json'), f('picklist'))).toBeUndefined();
  });

  it('converts values to the target’s form, refusing the ones that would change', () => {
    const ms = Date.UTC(2026, 10, 23, 14, 5, 6);
    expect(convertValue(ms, { type: 'datetime' })).toEqual({ ok: true, value: '2026-11-23T14:05:06.000Z' });
    expect(convertValue(ms, { type: 'date' })).toEqual({ ok: true, value: '2026-11-23' });
    expect(convertValue('2026-11-23T14:05:06.000+0000', { type: 'date' })).toEqual({ ok: true, value: '2026-11-23' });
    expect(convertValue('12.5', { type: 'number' })).toEqual({ ok: true, value: 12.5 });
    expect(convertValue(12.5, { type: 'integer' })).toMatchObject({ ok: false, message: '12.5 is not a whole number' });
    expect(convertValue('lots', { type: 'number' })).toMatchObject({ ok: false });
    expect(convertValue('true', { type: 'boolean' })).toEqual({ ok: true, value: true });
    expect(convertValue(['a', 'b'], { type: 'string' })).toEqual({ ok: true, value: 'a;b' });
    expect(convertValue(3, { type: 'string' })).toEqual({ ok: true, value: '3' });
    expect(convertValue(null, { type: 'number' })).toEqual({ ok: true, value: null });
  });

  it('drops a saved cursor when what the leg copies has changed', () => {
    const cursor = wrapCursor({ fieldMap: [{ from: 'a', to: 'b' }] }, '{"after":1}');
    expect(unwrapCursor({ fieldMap: [{ from: 'a', to: 'b' }] }, cursor)).toBe('{"after":1}');
    expect(unwrapCursor({ fieldMap: [{ from: 'a', to: 'c' }] }, cursor)).toBeNull();
    expect(unwrapCursor({}, 'not json')).toBeNull();
    expect(wrapCursor({}, null)).toBeNull();
  });
});
