/** A value as text for a column (numbers and booleans as written, objects as JSON), null when empty. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** ISO date-time or epoch ms → ISO string; date-only strings stay as they are. */
export function isoDate(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^-?\d{10,}$/.test(value.trim())) return new Date(Number(value.trim())).toISOString();
  return value;
}

/** A record's value at a field path (`Owner.Name`, `Csm__gr.Email`), exact key first. */
export function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (path in record) return record[path];
  const parts = path.split(path.includes('__gr.') ? '__gr.' : '.');
  if (parts.length === 1) return undefined;
  let at: unknown = record;
  for (const part of parts) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** Cron expressions (UTC) the kinds default to. */
export const SCHEDULES = {
  hourly: '0 * * * *',
  'every 4 hours': '0 */4 * * *',
  daily: '0 3 * * *',
  weekly: '0 4 * * 1',
} as const;
