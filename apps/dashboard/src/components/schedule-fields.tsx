import { CUSTOM } from '../pull-status.js';

interface Props {
  schedules: Record<string, string>;
  preset: string;
  cron: string;
  enabled: boolean;
  error?: string | undefined;
  onPreset: (preset: string) => void;
  onCron: (cron: string) => void;
  onEnabled: (enabled: boolean) => void;
}

/** "When it runs": a schedule preset or a cron expression (UTC), and whether the pipeline is enabled. */
export function ScheduleFields({ schedules, preset, cron, enabled, error, onPreset, onCron, onEnabled }: Props) {
  return (
    <fieldset class="group">
      <legend>When it runs</legend>
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for="f-schedule">Schedule</label>
        <select id="f-schedule" value={preset} onChange={(e) => onPreset(e.currentTarget.value)}>
          {Object.entries(schedules).map(([label, value]) => (
            <option key={label} value={label}>
              {label} ({value})
            </option>
          ))}
          <option value={CUSTOM}>Custom cron expression…</option>
        </select>
        {preset === CUSTOM && (
          <input
            aria-label="Cron expression (UTC)"
            class="mono"
            value={cron}
            placeholder="0 6 * * 1-5"
            onInput={(e) => onCron(e.currentTarget.value)}
          />
        )}
        <p class="help">Times are UTC.</p>
        {error && <p class="field-error">{error}</p>}
      </div>
      <div class="field check">
        <div class="check-row">
          <input
            id="f-enabled"
            type="checkbox"
            checked={enabled}
            onChange={(e) => onEnabled(e.currentTarget.checked)}
          />
          <label for="f-enabled">Enabled</label>
        </div>
      </div>
    </fieldset>
  );
}

/** The cron expression a preset (or the custom text) stands for. */
export const scheduleOf = (preset: string, cron: string, schedules: Record<string, string>) =>
  preset === CUSTOM ? cron.trim() : (schedules[preset] ?? cron);
