import { expect } from 'vitest';
import type { SyncRecord } from '../connector.js';
import type { ContractSetup } from './setup.js';

export function parsed(setup: ContractSetup, secrets: unknown = setup.secrets) {
  return { settings: setup.connector.settings.parse(setup.settings), secrets: setup.connector.secrets.parse(secrets) };
}

/** String secrets long enough that finding one in a message cannot be a coincidence. */
function secretStrings(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 8 ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(secretStrings);
}

export function expectNoSecrets(text: string, secrets: unknown, where: string): void {
  for (const secret of secretStrings(secrets)) {
    expect(text.includes(secret), `${where} must not contain a secret value`).toBe(false);
  }
}

export type Outcome<T> = { resolved: true; value: T } | { resolved: false; error: unknown };

/** Settle a promise without throwing, so a check can say what was wrong with a rejection. */
export function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
}

/** JSON with sorted keys: two records with the same content give the same string. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function contentKey(record: SyncRecord): string {
  return stableJson(record);
}

/** Calls the simulator has logged, or undefined when the setup gives no accessor. */
export function requestCount(setup: ContractSetup): number | undefined {
  if (setup.requestCount) return setup.requestCount();
  return setup.requests?.().length;
}

/** The calls logged since `from`, one line each, for failure messages. */
export function describeCalls(setup: ContractSetup, from: number): string {
  const log = setup.requests?.();
  if (!log) return '';
  const lines = log.slice(from).map((r) => `${r.method ?? '?'} ${r.path ?? '?'} → ${r.status ?? '?'}`);
  return lines.length === 0 ? ' (no calls)' : ` (calls: ${lines.join(', ')})`;
}
