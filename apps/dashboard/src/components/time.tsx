import { useEffect, useState } from 'preact/hooks';
import '../styles-time.css';
import {
  formatTime,
  onZoneChange,
  relativeTime,
  setZoneChoice,
  timeHint,
  type ZoneChoice,
  zoneChoice,
  zoneAbbrev,
} from '../format.js';

/**
 * A moment as every page shows it: date, time and zone (the top bar's choice), the relative time and the
 * other zone as its hint. `relative` shows the relative time beside it too (next runs, last checks).
 */
export function Time({
  at,
  now,
  seconds,
  relative,
}: {
  at: number;
  now?: number | undefined;
  seconds?: boolean | undefined;
  relative?: boolean | undefined;
}) {
  const moment = now ?? Date.now();
  return (
    <time dateTime={new Date(at).toISOString()} title={timeHint(at, moment)}>
      {formatTime(at, moment, { seconds: seconds ?? true })}
      {relative && <span class="muted"> ({relativeTime(at, moment)})</span>}
    </time>
  );
}

/** The current zone choice; re-renders its component when the top bar's switch changes it. */
export function useZone(): ZoneChoice {
  const [choice, setChoice] = useState(zoneChoice);
  useEffect(() => onZoneChange(setChoice), []);
  return choice;
}

/** The top bar's switch: times in the browser's zone or in UTC, remembered for the next visit. */
export function ZoneSwitch() {
  const choice = useZone();
  return (
    <label class="zone-switch" title="Times on every page are shown in this zone">
      <span class="visually-hidden">Show times in</span>
      <select
        class="compact"
        value={choice}
        onChange={(e) => setZoneChoice(e.currentTarget.value === 'utc' ? 'utc' : 'local')}
      >
        <option value="local">Local · {zoneAbbrev(Date.now(), 'local')}</option>
        <option value="utc">UTC</option>
      </select>
    </label>
  );
}
