import { DEFAULT_FLUSH_WINDOW_MS, DEFAULT_MAX_ATTEMPTS } from './destination-form.js';
import {
  newRow,
  type Part,
  partsOf,
  type Row,
  type RowsPart,
  routeSettingsIssues,
  rowsFrom,
  rowsPayload,
} from './pipeline-form.js';
import { type FormValues, friendlyMessage, initialValues, toPayload } from './schema-form.js';
import type { Connection, DestinationKind, Issue, JsonSchema } from './types.js';

// Any destination kind's form, rendered from its settings schema (`GET /api/destinations/kinds`): plain
// fields, connection selects and editable rows, plus the settings the hub gives every destination
// (flush window, attempts). Pure, so it is unit-tested; the Gainsight kind keeps its own richer form.

/** Settings the hub adds to every destination kind; the form shows them once, under Delivery. */
export const HOST_KEYS = ['flushWindowMs', 'maxAttempts'] as const;

/** The kind's schema without the host settings (when a kind's schema lists them too). */
export function kindSchema(schema: JsonSchema): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).filter(([k]) => !(HOST_KEYS as readonly string[]).includes(k)),
  );
  const required = schema.required?.filter((k) => k in properties);
  return { ...schema, properties, ...(required ? { required } : {}) };
}

export const kindParts = (schema: JsonSchema): Part[] => partsOf(kindSchema(schema));

export interface KindFormState {
  values: FormValues;
  refs: Record<string, string>;
  rows: Record<string, Row[]>;
  flushWindowMs: string;
  maxAttempts: string;
}

/**
 * Starting values: the saved settings, else the defaults (the host settings' defaults from the kind's
 * schema when it lists them: a destination may choose its own flush window).
 */
export function initialKindState(
  parts: Part[],
  settings: Record<string, unknown> = {},
  schema: JsonSchema = {},
): KindFormState {
  const specs = parts.flatMap((p) => (p.type === 'field' ? [p.spec] : []));
  const hostDefault = (key: (typeof HOST_KEYS)[number], fallback: number) => {
    const d = schema.properties?.[key]?.default;
    return typeof d === 'number' ? d : fallback;
  };
  return {
    values: initialValues(specs, settings),
    refs: Object.fromEntries(parts.flatMap((p) => (p.type === 'ref' ? [[p.key, String(settings[p.key] ?? '')]] : []))),
    rows: Object.fromEntries(
      parts.flatMap((p) => (p.type === 'rows' ? [[p.key, rowsFrom(settings[p.key], p.columns)]] : [])),
    ),
    flushWindowMs: String(settings['flushWindowMs'] ?? hostDefault('flushWindowMs', DEFAULT_FLUSH_WINDOW_MS)),
    maxAttempts: String(settings['maxAttempts'] ?? hostDefault('maxAttempts', DEFAULT_MAX_ATTEMPTS)),
  };
}

export const addRow = (part: RowsPart): Row => newRow(part.columns);

/** The settings sent: the kind's own (blank inputs left out for its defaults) and the host's numbers. */
export function kindSettings(
  parts: Part[],
  schema: JsonSchema,
  state: KindFormState,
): { settings: Record<string, unknown>; errors: Record<string, string> } {
  const specs = parts.flatMap((p) => (p.type === 'field' ? [p.spec] : []));
  const plain = toPayload(specs, state.values);
  const settings: Record<string, unknown> = { ...plain.value };
  const errors: Record<string, string> = Object.fromEntries(
    Object.entries(plain.errors).map(([k, m]) => [`settings.${k}`, m]),
  );
  const own = kindSchema(schema);
  for (const p of parts) {
    if (p.type === 'ref' && state.refs[p.key]) settings[p.key] = state.refs[p.key];
    if (p.type === 'rows') settings[p.key] = rowsPayload(state.rows[p.key] ?? [], p, own);
  }
  for (const key of HOST_KEYS) {
    const text = state[key].trim();
    if (text === '') continue;
    const n = Number(text);
    if (!Number.isInteger(n)) errors[key] = 'Enter a whole number.';
    else settings[key] = n;
  }
  return { settings, errors };
}

/** The hub's issues → the inputs of the form (`settings.x`, row cells, `name`, `connectionId`, host keys). */
export function routeKindIssues(
  issues: Issue[],
  parts: Part[],
  rows: Record<string, Row[]>,
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const rest: Issue[] = [];
  for (const issue of issues) {
    const [head, key, more] = issue.path.split('.');
    const host = HOST_KEYS.find((k) => k === key);
    if (head === 'settings' && host && more === undefined) {
      const message = friendlyMessage(issue.message);
      byField[host] = byField[host] ? `${byField[host]} ${message}` : message;
    } else rest.push(issue);
  }
  const routed = routeSettingsIssues(rest, parts, rows, ['name', 'connectionId', 'enabled']);
  return { byField: { ...routed.byField, ...byField }, other: routed.other };
}

/** A kind's own connection label: "Gainsight connection", "Acme connection". */
export const connectionLabel = (connectorId: string) =>
  `${connectorId.charAt(0).toUpperCase()}${connectorId.slice(1)} connection`;

/**
 * The kind a new destination starts with: the only kind, else the only kind that has a connection
 * (nothing when the user must choose).
 */
export function defaultKind(kinds: DestinationKind[], connections: Connection[]): string {
  if (kinds.length === 1) return kinds[0]!.kind;
  const usable = kinds.filter((k) => connections.some((c) => c.connectorId === k.connectorId));
  return usable.length === 1 ? usable[0]!.kind : '';
}
