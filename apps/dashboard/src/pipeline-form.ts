import { request } from './api.js';
import { call } from './api-client.js';
import type { Pipeline, Preview, RecordStatus, Run, RunRecord } from './pulls-types.js';
import { type FieldSpec, fieldsFromSchema, friendlyMessage } from './schema-form.js';
import type { JsonSchema } from './types.js';

// A pipeline kind's settings schema split into what the form renders: plain fields (schema-form),
// references to other connections (a select of connections of the right connector) and arrays of
// objects (editable rows). Pure, so it is unit-tested.

export interface RefPart {
  type: 'ref';
  key: string;
  label: string;
  description?: string | undefined;
  /** The connector the referenced connection must be (`x-connector` in the schema), when the kind says. */
  connector?: string | undefined;
  required: boolean;
}

export interface RowsPart {
  type: 'rows';
  key: string;
  label: string;
  description?: string | undefined;
  columns: { key: string; label: string }[];
}

export type Part = { type: 'field'; spec: FieldSpec } | RefPart | RowsPart;

/** Settings that name another connection: `targetConnectionId`, `sourceConnectionId`, `primaryConnectionId`… */
export const isConnectionRef = (key: string) => /ConnectionId$/.test(key);

const isRowsSchema = (s: JsonSchema | undefined): s is JsonSchema & { items: JsonSchema } =>
  s?.type === 'array' &&
  s.items?.type === 'object' &&
  Object.values(s.items.properties ?? {}).every((p) => ['string', 'number', 'integer'].includes(String(p.type)));

export function partsOf(schema: JsonSchema): Part[] {
  const specs = new Map(fieldsFromSchema(schema).map((f) => [f.key, f]));
  return Object.entries(schema.properties ?? {}).map(([key, prop]): Part => {
    const spec = specs.get(key)!;
    if (isConnectionRef(key) && (prop.type === 'string' || prop.type === undefined)) {
      const connector = (prop as Record<string, unknown>)['x-connector'];
      return {
        type: 'ref',
        key,
        label: spec.label,
        description: spec.description,
        connector: typeof connector === 'string' ? connector : undefined,
        required: spec.required,
      };
    }
    if (isRowsSchema(prop)) {
      return {
        type: 'rows',
        key,
        label: spec.label,
        description: spec.description,
        columns: Object.entries(prop.items.properties ?? {}).map(([k, p]) => ({ key: k, label: p.title ?? k })),
      };
    }
    return { type: 'field', spec };
  });
}

/** One editable row: a stable key for the row editor plus the cell texts. */
export type Row = { key: number } & Record<string, string | number>;

let nextKey = 1;
export const newRow = (columns: { key: string }[]): Row =>
  Object.assign({ key: nextKey++ }, Object.fromEntries(columns.map((c) => [c.key, ''])));

export function rowsFrom(value: unknown, columns: { key: string }[]): Row[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    const row = newRow(columns);
    for (const c of columns) {
      const v = (item as Record<string, unknown> | null)?.[c.key];
      row[c.key] = v === undefined || v === null ? '' : String(v);
    }
    return row;
  });
}

/** Rows as the hub takes them: blank rows dropped, numeric columns as numbers. */
export function rowsPayload(rows: Row[], part: RowsPart, schema: JsonSchema): Record<string, unknown>[] {
  const props = schema.properties?.[part.key]?.items?.properties ?? {};
  return rows
    .filter((r) => part.columns.some((c) => String(r[c.key] ?? '').trim() !== ''))
    .map((r) =>
      Object.fromEntries(
        part.columns.map((c) => {
          const text = String(r[c.key] ?? '').trim();
          const numeric = ['number', 'integer'].includes(String(props[c.key]?.type)) && text !== '';
          return [c.key, numeric ? Number(text) : text];
        }),
      ),
    );
}

/**
 * The hub's issues (`settings.fieldMap.2.to`) routed to the row editor's cells (`fieldMap.<row key>.to`),
 * to plain fields and selects (`settings.key`), or left over as form-level messages.
 */
export function routeSettingsIssues(
  issues: { path: string; message: string }[],
  parts: Part[],
  rows: Record<string, Row[]>,
  topLevel: string[],
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  const add = (id: string, message: string) => {
    byField[id] = byField[id] ? `${byField[id]} ${message}` : message;
  };
  for (const { path, message: raw } of issues) {
    const message = friendlyMessage(raw);
    const [head, key, index, column] = path.split('.');
    const part = head === 'settings' ? parts.find((p) => (p.type === 'field' ? p.spec.key : p.key) === key) : undefined;
    if (part?.type === 'rows') {
      const row = index === undefined ? undefined : rows[part.key]?.[Number(index)];
      if (row && column) add(`${part.key}.${row.key}.${column}`, message);
      else if (row) add(`${part.key}.${row.key}.row`, message);
      else add(part.key, message);
    } else if (part) add(`settings.${key}`, message);
    else if (head && topLevel.includes(head)) add(head, message);
    else other.push(path ? `${path}: ${message}` : message);
  }
  return { byField, other };
}

/** A run with the cursors it started from and reached. */
export type RunView = Run;

export const enc = encodeURIComponent;
export const pipelinesApi = {
  kinds: () => call('get', '/api/pipelines/kinds'),
  list: () => request<{ pipelines: Pipeline[] }>('GET', '/api/pipelines').then((r) => r.pipelines),
  get: (id: string) => request<{ pipeline: Pipeline }>('GET', `/api/pipelines/${enc(id)}`).then((r) => r.pipeline),
  save: (id: string | undefined, body: Record<string, unknown>) =>
    request<{ pipeline: Pipeline }>(id ? 'PATCH' : 'POST', id ? `/api/pipelines/${enc(id)}` : '/api/pipelines', body),
  run: (id: string) => request<{ runId: number }>('POST', `/api/pipelines/${enc(id)}/run`),
  runs: (id: string) =>
    request<{ runs: RunView[] }>('GET', `/api/pipelines/${enc(id)}/runs?limit=10`).then((r) => r.runs),
  /**
   * A dry run: a saved pipeline by id (`body` = `{limit}`), or unsaved settings (`body` = the create body
   * plus `limit`). Reads at most `limit` records; writes nothing, moves no cursor.
   */
  preview: (id: string | undefined, body: Record<string, unknown>) =>
    request<{ preview: Preview }>(
      'POST',
      id ? `/api/pipelines/${enc(id)}/preview` : '/api/pipelines/preview',
      body,
    ).then((r) => r.preview),
  /** Per-record outcomes of a run; `total` counts those matching the status filter. */
  runRecords: (runId: number, q: { status?: RecordStatus | undefined; limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams();
    if (q.status) params.set('status', q.status);
    params.set('limit', String(q.limit ?? 50));
    if (q.offset) params.set('offset', String(q.offset));
    return request<{ records: RunRecord[]; total: number }>('GET', `/api/runs/${enc(runId)}/records?${params}`);
  },
};
