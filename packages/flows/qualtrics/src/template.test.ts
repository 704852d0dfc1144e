import { describe, expect, it } from 'vitest';
import { buildPayload, templateSchema, valueAt } from './template.js';

describe('trigger payload template', () => {
  const event = {
    type: 'track',
    event: 'Onboarding Completed',
    context: { traits: { companyGsid: '1P02ABC', email: 'ada@example.com', seats: 40 } },
    properties: { steps: [{ id: 's1' }, { id: 's2' }], done: true },
    'Company GSID': '1P02XYZ',
  };

  it('reads dotted paths, array indexes in both spellings and keys with spaces; missing steps are undefined', () => {
    expect(valueAt(event, '$.context.traits.companyGsid')).toBe('1P02ABC');
    expect(valueAt(event, '$.properties.steps[1].id')).toBe('s2');
    expect(valueAt(event, '$.properties.steps.0.id')).toBe('s1');
    expect(valueAt(event, '$.Company GSID')).toBe('1P02XYZ');
    expect(valueAt(event, '$.properties')).toEqual(event.properties);
    expect(valueAt(event, '$.context.traits.missing')).toBeUndefined();
    expect(valueAt(event, '$.event.length')).toBeUndefined();
    expect(valueAt(event, '$.properties.steps.9.id')).toBeUndefined();
    // Inherited properties are not data.
    expect(valueAt(event, '$.constructor')).toBeUndefined();
  });

  it('builds key/values from literals and paths, keeping JSON types; a missing path sends null', () => {
    const payload = buildPayload(
      [
        { key: 'Company GSID', value: '$.context.traits.companyGsid' },
        { key: 'Seats', value: '$.context.traits.seats' },
        { key: 'Done', value: '$.properties.done' },
        { key: 'Survey', value: 'Onboarding' },
        { key: 'Renewal Date', value: '$.context.traits.renewalDate' },
      ],
      event,
    );
    expect(payload).toEqual({
      'Company GSID': '1P02ABC',
      Seats: 40,
      Done: true,
      Survey: 'Onboarding',
      'Renewal Date': null,
    });
    expect(buildPayload([{ key: 'X', value: '$.nope' }], {}, (p) => `test ${p}`)).toEqual({ X: 'test $.nope' });
  });

  it('forwards the input unchanged when the template is empty (Gainsight already shaped it)', () => {
    const body = { 'Company GSID': '1P02', 'Renewal Date': '2026-01-31' };
    expect(buildPayload([], body)).toBe(body);
  });

  it('refuses duplicate keys, empty keys and paths with empty segments, naming the row', () => {
    const result = templateSchema.safeParse([
      { key: 'A', value: '$.a..b' },
      { key: 'A', value: 'x' },
      { key: ' ', value: 'y' },
    ]);
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['0.value', expect.stringMatching(/empty segment/)],
        ['1.key', 'duplicate key "A"'],
        ['2.key', 'required'],
      ]),
    );
  });
});
