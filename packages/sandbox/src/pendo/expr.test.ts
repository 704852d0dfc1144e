import { describe, expect, it } from 'vitest';
import { evaluate, lowerBound, parseExpression } from './expr.js';

const row = { accountId: 'acct-000010', numEvents: 12, metadata: { custom: { tier: 'Gold', churn: false } } };
const test = (source: string) => evaluate(parseExpression(source), row);

describe('pendo filter expressions', () => {
  it('compares fields, dotted paths and literals', () => {
    expect(test('accountId > "acct-000009"')).toBe(true);
    expect(test('accountId > "acct-000010"')).toBe(false);
    expect(test('accountId >= "acct-000010"')).toBe(true);
    expect(test('numEvents < 13 && numEvents >= 12')).toBe(true);
    expect(test(`metadata.custom.tier == 'Gold'`)).toBe(true);
    expect(test('metadata.custom.tier != "Gold"')).toBe(false);
    expect(test('metadata.custom.churn == false')).toBe(true);
    expect(test('metadata.custom.missing == null')).toBe(true);
  });

  it('gives && precedence over || and honours parentheses and !', () => {
    expect(test('numEvents == 1 || numEvents == 12 && accountId == "x"')).toBe(false);
    expect(test('(numEvents == 1 || numEvents == 12) && accountId == "acct-000010"')).toBe(true);
    expect(test('!(numEvents == 12)')).toBe(false);
  });

  it('never orders a string against a number', () => {
    expect(test('accountId > 5')).toBe(false);
    expect(test('accountId < 5')).toBe(false);
  });

  it('reads escaped quotes inside strings', () => {
    expect(evaluate(parseExpression('name == "say \\"hi\\""'), { name: 'say "hi"' })).toBe(true);
  });

  it('rejects what it cannot read, with a column', () => {
    expect(() => parseExpression('accountId >')).toThrow(/end of expression/);
    expect(() => parseExpression('accountId > "x')).toThrow(/unterminated string/);
    expect(() => parseExpression('accountId # 3')).toThrow(/column 11/);
    expect(() => parseExpression('contains(accountId, "x")')).toThrow(/unknown function contains/);
    expect(() => parseExpression('(a == 1')).toThrow(/missing '\)'/);
  });

  it('finds the lower bound a paging filter puts on a field', () => {
    expect(lowerBound(parseExpression('accountId > "acct-5"'), 'accountId')).toEqual({
      value: 'acct-5',
      inclusive: false,
    });
    expect(lowerBound(parseExpression('x == 1 && "b" <= accountId'), 'accountId')).toEqual({
      value: 'b',
      inclusive: true,
    });
    expect(lowerBound(parseExpression('accountId > "a" || x == 1'), 'accountId')).toBeUndefined();
  });
});
