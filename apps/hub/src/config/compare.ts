import type { EventDestinationDefinition } from '@synchub/core';
import { hostSettingsSchema } from '../destinations.js';
import { type Issue, zodIssues } from '../errors.js';
import type { FieldChange } from './document.js';

/** JSON with sorted keys: two values are the same configuration when these are equal. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export const same = (a: unknown, b: unknown) => stableJson(a ?? null) === stableJson(b ?? null);

/** Top-level keys of two records that differ, as `prefix.key` changes. */
export function diffFields(prefix: string, from: Record<string, unknown>, to: Record<string, unknown>): FieldChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.filter((k) => !same(from[k], to[k])).map((k) => ({ path: `${prefix}.${k}`, from: from[k], to: to[k] }));
}

/** A plain field that differs, or nothing. */
export function diffValue(path: string, from: unknown, to: unknown): FieldChange[] {
  return same(from, to) ? [] : [{ path, from, to }];
}

const HOST_KEYS = ['flushWindowMs', 'maxAttempts'] as const;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A destination's settings as the destinations store saves them (its own schema, plus the host's flush window
 * and attempts where its schema does not declare them), so a file's settings compare with the stored ones.
 */
export function destinationSettings(
  definition: EventDestinationDefinition,
  settings: Record<string, unknown>,
  prefix: string,
): { settings?: Record<string, unknown>; issues: Issue[] } {
  const shape = (definition.settings as { shape?: unknown }).shape;
  const own = isRecord(shape) ? Object.keys(shape) : [];
  const hostKeys: string[] = HOST_KEYS.filter((k) => !own.includes(k));
  const ownParsed = definition.settings.safeParse(
    Object.fromEntries(Object.entries(settings).filter(([k]) => !hostKeys.includes(k))),
  );
  const host = hostSettingsSchema(definition.defaultFlushWindowMs)
    .pick(Object.fromEntries(hostKeys.map((k) => [k, true])) as Record<(typeof HOST_KEYS)[number], true>)
    .safeParse(Object.fromEntries(hostKeys.filter((k) => k in settings).map((k) => [k, settings[k]])));
  const issues = [
    ...(ownParsed.success ? [] : zodIssues(ownParsed.error, prefix)),
    ...(host.success ? [] : zodIssues(host.error, prefix)),
  ];
  if (!ownParsed.success || !host.success) return { issues };
  return { settings: { ...(isRecord(ownParsed.data) ? ownParsed.data : {}), ...host.data }, issues };
}
