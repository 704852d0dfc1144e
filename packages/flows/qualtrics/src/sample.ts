import { isPath, pathSegments, type TemplateRow, valueAt } from './template.js';

/**
 * Checking a trigger's key/values against the events a rule will feed it. A rule fires the trigger
 * with a hub event as input, so every `$.path` of the template must lead somewhere in such an event;
 * a path that does not (`$.Email` on a track event, whose traits sit under `context.traits`) would send
 * null. The sample is one the user pasted, else the latest stored event the rule would have matched,
 * else one built from the tracking spec (whose open parts — properties, context — cannot be checked).
 */

export interface Sample {
  source: 'pasted' | 'event' | 'built';
  /** The hub event id, for source 'event'. */
  eventId: number | null;
  payload: Record<string, unknown>;
}

/** Top-level fields of a Segment/RudderStack `track` call; the open objects hold whatever the app sends. */
const TRACK_OPEN = ['properties', 'context', 'integrations'];

export function builtSample(type: string, event: string): Sample {
  return {
    source: 'built',
    eventId: null,
    payload: {
      type,
      event,
      userId: 'user-id',
      anonymousId: 'anonymous-id',
      messageId: 'message-id',
      timestamp: '2026-01-01T00:00:00.000Z',
      sentAt: '2026-01-01T00:00:00.000Z',
      receivedAt: '2026-01-01T00:00:00.000Z',
      originalTimestamp: '2026-01-01T00:00:00.000Z',
      channel: 'server',
      properties: {},
      context: {},
      integrations: {},
    },
  };
}

/** Every path the sample has, leaves and objects, in `$.a.b` / `$.items[0].id` form (at most `max`). */
export function availablePaths(value: unknown, max = 60): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (out.length >= max || depth > 6) return;
    if (Array.isArray(v)) {
      v.slice(0, 3).forEach((item, i) => {
        const p = `${path}[${i}]`;
        out.push(p);
        walk(item, p, depth + 1);
      });
    } else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (out.length >= max) return;
        const p = `${path}.${key}`;
        out.push(p);
        walk(child, p, depth + 1);
      }
    }
  };
  walk(value, '$', 0);
  return out;
}

export interface TemplateCheck {
  /** Rows whose path leads nowhere in the sample. */
  missing: Array<{ index: number; key: string; path: string }>;
  /** Paths into the open parts of a built sample: they may exist, nobody can tell yet. */
  unverified: string[];
  /** What each row would send for this sample. */
  values: Record<string, unknown>;
}

export function checkTemplate(template: TemplateRow[], sample: Sample): TemplateCheck {
  const check: TemplateCheck = { missing: [], unverified: [], values: {} };
  template.forEach((row, index) => {
    if (!isPath(row.value)) {
      check.values[row.key] = row.value;
      return;
    }
    const found = valueAt(sample.payload, row.value);
    if (found !== undefined) {
      check.values[row.key] = found;
      return;
    }
    const head = pathSegments(row.value)[0] ?? '';
    if (sample.source === 'built' && TRACK_OPEN.includes(head)) check.unverified.push(row.value);
    else check.missing.push({ index, key: row.key, path: row.value });
  });
  return check;
}

export function describeSample(sample: Sample, type: string, event: string): string {
  if (sample.source === 'pasted') return 'the pasted sample event';
  if (sample.source === 'event') return `the latest "${event}" ${type} event (#${sample.eventId})`;
  return `a ${type} event (no "${event}" event is stored yet; paste a sample to check properties and context)`;
}

const listed = (paths: string[], max = 25) =>
  paths.length > max ? `${paths.slice(0, max).join(', ')}, … (${paths.length - max} more)` : paths.join(', ');

/** The refusal text: which key/values find nothing, where, and what the sample does have. */
export function missingMessage(check: TemplateCheck, sample: Sample, type: string, event: string): string {
  const rows = check.missing.map((m) => `"${m.key} ← ${m.path}"`);
  const [noun, verb] = rows.length === 1 ? ['Key/value', 'finds'] : ['Key/values', 'find'];
  const paths = availablePaths(sample.payload);
  return `${noun} ${rows.join(', ')} ${verb} nothing in ${describeSample(sample, type, event)}. Paths it has: ${listed(paths)}`;
}

/**
 * Why an event-driven call must not be sent: the template takes values from the event and every one of
 * them came out empty. Undefined when something is worth sending (or the template has no paths).
 */
export function emptyValuesReason(template: TemplateRow[], input: Record<string, unknown>): string | undefined {
  const paths = template.filter((r) => isPath(r.value));
  if (paths.length === 0) return undefined;
  const empty = paths.every((r) => {
    const v = valueAt(input, r.value);
    return v === undefined || v === null;
  });
  if (!empty) return undefined;
  const rows = paths.map((r) => `${r.key} ← ${r.value}`).join(', ');
  return `Nothing sent: every key/value taken from the event is empty (${rows}). The event has ${listed(
    availablePaths(input),
    15,
  )}. Fix the trigger's key/values, then replay`;
}
