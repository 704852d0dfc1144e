import { Cron } from 'croner';

/** Named schedules the dashboard offers; any 5-field cron expression (UTC) works too. */
export const SCHEDULE_PRESETS = {
  hourly: '0 * * * *',
  'every 4 hours': '0 */4 * * *',
  daily: '0 3 * * *',
  weekly: '0 4 * * 1',
} as const;

/** Validate a cron expression; undefined when fine, else the parser's reason. */
export function scheduleError(expression: string): string | undefined {
  try {
    new Cron(expression, { timezone: 'UTC', paused: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The first time strictly after `after` (epoch ms) matching the schedule. */
export function nextRunAt(expression: string, after: number): number {
  const next = new Cron(expression, { timezone: 'UTC', paused: true }).nextRun(new Date(after));
  if (!next) throw new Error(`Schedule "${expression}" never runs again`);
  return next.getTime();
}
