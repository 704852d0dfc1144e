import { describe, expect, it } from 'vitest';
import { fieldLabel, formatFieldValue, isDateField, isMoneyField } from './field-format.js';

describe('vendor field values', () => {
  it('groups money digits and keeps cents only when there are some', () => {
    expect(['Arr', 'Mrr', 'AnnualRevenue', 'Total_Price__c', 'amount'].map(isMoneyField)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['Employees', 'Carr', 'ArrGrowthRate', 'Users'].map(isMoneyField)).toEqual([false, false, false, false]);
    expect(formatFieldValue('Arr', 120000)).toBe((120000).toLocaleString());
    expect(formatFieldValue('Mrr', 1234.5)).toBe(
      (1234.5).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    );
    expect(formatFieldValue('AnnualRevenue', '5000000')).toBe((5000000).toLocaleString());
  });

  it('shows a calendar date as that date, whatever the zone, and a moment with its time', () => {
    expect(['RenewalDate', 'OriginalContractDate__gc', 'created_at', 'SyncedAt'].every(isDateField)).toBe(true);
    expect(isDateField('Employees')).toBe(false);
    const renewal = Date.UTC(2026, 0, 31);
    const shown = formatFieldValue('RenewalDate', renewal);
    expect(shown).toMatch(/2026/);
    expect(shown).toMatch(/31/);
    expect(shown).not.toMatch(/:/);
    expect(formatFieldValue('CloseDate', '2026-01-31')).toBe(shown);
    expect(formatFieldValue('ModifiedDate', Date.UTC(2026, 0, 31, 14, 5))).toMatch(/:05/);
    // A small number in a date-named field is not a moment.
    expect(formatFieldValue('LifetimeDate', 42)).toBe('42');
  });

  it('renders objects as their fields, not JSON', () => {
    expect(formatFieldValue('apiUsage', { used: 12, max: 15000 })).toBe(`Used 12 · Max ${(15000).toLocaleString()}`);
    expect(formatFieldValue('x', null)).toBe('—');
    expect(formatFieldValue('x', true)).toBe('Yes');
    expect(formatFieldValue('tags', ['a', 'b'])).toBe('a, b');
    expect(formatFieldValue('x', JSON.stringify({}))).toBe('{}');
    expect(fieldLabel('apiUsage')).toBe('API usage');
    expect(fieldLabel('instanceUrl')).toBe('Instance URL');
    expect(fieldLabel('ActiveUsers__gc')).toBe('ActiveUsers__gc');
  });
});
