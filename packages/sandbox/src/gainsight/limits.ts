import type { GainsightLimits, GainsightState } from './types.js';

export const DEFAULT_LIMITS: GainsightLimits = {
  syncPerMinute: 100,
  syncPerDay: 50_000,
  bulkPerHour: 10,
  bulkPerDay: 100,
};

export type Bucket = 'sync' | 'bulk';

function windowsOf(limits: GainsightLimits, bucket: Bucket): { limit: number; windowMs: number }[] {
  return bucket === 'sync'
    ? [
        { limit: limits.syncPerMinute, windowMs: 60_000 },
        { limit: limits.syncPerDay, windowMs: 86_400_000 },
      ]
    : [
        { limit: limits.bulkPerHour, windowMs: 3_600_000 },
        { limit: limits.bulkPerDay, windowMs: 86_400_000 },
      ];
}

/**
 * Spend one call of a tenant's fixed-window budget (windows aligned to the epoch, so the day rolls at
 * 00:00 UTC). Answers `{ ok: false, resetAt }` without counting when any window is full.
 */
export function spend(
  state: GainsightState,
  bucket: Bucket,
  now: number,
): { ok: true } | { ok: false; resetAt: number } {
  const windows = windowsOf(state.limits, bucket).map((w) => {
    const index = Math.floor(now / w.windowMs);
    return { ...w, key: `${bucket}:${w.windowMs}:${index}`, resetAt: (index + 1) * w.windowMs };
  });
  const full = windows.filter((w) => (state.windowCounts.get(w.key) ?? 0) >= w.limit);
  if (full.length > 0) return { ok: false, resetAt: Math.max(...full.map((w) => w.resetAt)) };
  // Drop counters of windows that have rolled so the map stays small in long demo runs.
  for (const key of state.windowCounts.keys()) {
    if (key.startsWith(`${bucket}:`) && !windows.some((w) => w.key === key)) state.windowCounts.delete(key);
  }
  for (const w of windows) state.windowCounts.set(w.key, (state.windowCounts.get(w.key) ?? 0) + 1);
  return { ok: true };
}
