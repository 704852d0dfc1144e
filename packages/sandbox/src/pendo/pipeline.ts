import { DAY_MS, type EventSource, type PendoData, startOfDay } from './data.js';
import { type Expr, ExpressionError, evaluate, getPath, lowerBound, parseExpression } from './expr.js';

type Row = Record<string, unknown>;

/** A request the aggregation endpoint refuses: `body` is what Pendo answers (text or the 422 shape). */
export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly status: number,
    readonly body: string | Record<string, unknown>,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const bad = (message: string) => new PipelineError(400, message);

export interface PipelineContext {
  data: PendoData;
  now: number;
  written: Map<string, Record<string, unknown>>;
}

const EVENT_SOURCES: EventSource[] = ['events', 'featureEvents', 'pageEvents', 'pollEvents'];
const ENTITY_SOURCES = ['accounts', 'visitors'];
/** Real Pendo operators the simulator does not implement: named so the caller knows why it failed. */
const UNIMPLEMENTED = ['spawn', 'join', 'eval', 'unwind', 'merge', 'fork', 'cat', 'bulkExpand', 'segment', 'useReport'];
const AGGREGATES = ['sum', 'count', 'max', 'min', 'avg'] as const;
type Aggregate = (typeof AGGREGATES)[number];

type Stage =
  | { op: 'identified'; field: string }
  | { op: 'filter'; expr: Expr }
  | { op: 'select'; fields: [string, Expr][] }
  | { op: 'group'; keys: string[]; fields: [string, Aggregate, string | null][] }
  | { op: 'sort'; keys: { path: string; desc: boolean }[] }
  | { op: 'limit'; count: number };

function expression(source: unknown, where: string): Expr {
  if (typeof source !== 'string') throw bad(`${where}: expected an expression string`);
  try {
    return parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError)
      throw bad(`${where}: invalid expression ${JSON.stringify(source)}: ${error.message}`);
    throw error;
  }
}

function compileStage(raw: unknown, index: number): Stage {
  const where = `pipeline[${index}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad(`${where}: expected an object`);
  const keys = Object.keys(raw);
  if (keys.length !== 1) throw bad(`${where}: a stage has exactly one operator, got ${JSON.stringify(keys)}`);
  const op = keys[0] as string;
  const arg = (raw as Record<string, unknown>)[op];
  switch (op) {
    case 'identified':
      if (typeof arg !== 'string' || arg === '') throw bad(`${where}: identified needs a field name`);
      return { op, field: arg };
    case 'filter':
      return { op, expr: expression(arg, `${where}.filter`) };
    case 'select': {
      if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) throw bad(`${where}: select needs an object`);
      return {
        op,
        fields: Object.entries(arg).map(([name, e]) => [name, expression(e, `${where}.select.${name}`)]),
      };
    }
    case 'group': {
      const spec = arg as { group?: unknown; fields?: unknown } | null;
      const groupKeys = spec?.group ?? [];
      if (!Array.isArray(groupKeys) || groupKeys.some((k) => typeof k !== 'string')) {
        throw bad(`${where}: group.group must be a list of field names`);
      }
      // Pendo accepts fields as one object or as a list of one-key objects.
      const entries = Array.isArray(spec?.fields)
        ? spec.fields.flatMap((f: unknown) => Object.entries((f ?? {}) as object))
        : Object.entries((spec?.fields ?? {}) as object);
      const fields = entries.map(([name, agg]): [string, Aggregate, string | null] => {
        const aggKeys = agg && typeof agg === 'object' ? Object.keys(agg) : [];
        const kind = aggKeys[0] as Aggregate | undefined;
        if (aggKeys.length !== 1 || !kind || !AGGREGATES.includes(kind)) {
          throw bad(`${where}: group field "${name}" needs one of ${AGGREGATES.join(', ')}`);
        }
        const target = (agg as Record<string, unknown>)[kind];
        if (target !== null && target !== '*' && typeof target !== 'string') {
          throw bad(`${where}: group field "${name}": ${kind} needs a field name`);
        }
        return [name, kind, target === '*' ? null : (target as string | null)];
      });
      return { op, keys: groupKeys as string[], fields };
    }
    case 'sort':
      if (!Array.isArray(arg) || arg.some((k) => typeof k !== 'string' || k === '' || k === '-')) {
        throw bad(`${where}: sort needs a list of field names`);
      }
      return {
        op,
        keys: (arg as string[]).map((k) => ({ path: k.startsWith('-') ? k.slice(1) : k, desc: k.startsWith('-') })),
      };
    case 'limit':
      if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0)
        throw bad(`${where}: limit needs an integer >= 0`);
      return { op, count: arg };
    case 'source':
      throw bad(`${where}: source is only allowed as the first stage`);
    default:
      if (UNIMPLEMENTED.includes(op)) throw bad(`${where}: operator "${op}" is not implemented by the Pendo simulator`);
      throw bad(`${where}: unknown pipeline operator "${op}"`);
  }
}

function timeSeriesDays(raw: unknown, now: number): number[] {
  if (raw === undefined || raw === null) throw bad('no period specified for time series source');
  const ts = raw as { period?: unknown; first?: unknown; count?: unknown };
  if (ts.period !== 'dayRange')
    throw bad(`timeSeries.period ${JSON.stringify(ts.period)} is not supported (use "dayRange")`);
  let first: number;
  if (ts.first === 'now()') first = now;
  else if (typeof ts.first === 'number') first = ts.first;
  else if (typeof ts.first === 'string' && /^\d+$/.test(ts.first)) first = Number(ts.first);
  else throw bad(`timeSeries.first must be epoch ms or "now()", got ${JSON.stringify(ts.first)}`);
  const count = ts.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count === 0 || Math.abs(count) > 3660) {
    throw bad('timeSeries.count must be a non-zero integer of days (negative counts go back from first)');
  }
  // Positive: `count` days starting on first's day. Negative: the |count| whole days before it.
  const base = startOfDay(first);
  const start = count > 0 ? base : base + count * DAY_MS;
  return Array.from({ length: Math.abs(count) }, (_, k) => start + k * DAY_MS);
}

function* sourceRows(
  raw: unknown,
  ctx: PipelineContext,
  seekAccount: { value: string; inclusive: boolean } | undefined,
) {
  const spec = raw as Record<string, unknown> | null;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw bad('pipeline[0]: source needs an object');
  const names = Object.keys(spec).filter((k) => k !== 'timeSeries');
  const name = names[0];
  if (names.length !== 1 || name === undefined)
    throw bad(`pipeline[0]: source needs exactly one source, got ${JSON.stringify(names)}`);
  const { data, now, written } = ctx;
  if (name === 'accounts') {
    const from = seekAccount ? data.seekAccount(seekAccount.value, seekAccount.inclusive) : 0;
    for (let i = from; i < data.accountCount(); i += 1) yield data.accountRow(i, now, written);
    return;
  }
  if (name === 'visitors') {
    for (let i = 0; i < data.accountCount(); i += 1) {
      for (let j = 0; j < data.visitorCount(i); j += 1) yield data.visitorRow(i, j, now);
    }
    return;
  }
  if (!EVENT_SOURCES.includes(name as EventSource)) {
    throw bad(`pipeline[0]: unknown source "${name}" (simulated: ${[...ENTITY_SOURCES, ...EVENT_SOURCES].join(', ')})`);
  }
  const days = timeSeriesDays(spec.timeSeries, now);
  // Source parameters narrow the rows, e.g. {"featureEvents": {"featureId": "…"}}.
  const params = (spec[name] ?? {}) as Record<string, unknown>;
  const eventClass = params.eventClass;
  if (Array.isArray(eventClass) && !eventClass.includes('web')) return;
  const equals = Object.entries(params).filter(([k]) => k !== 'eventClass');
  for (const day of days) {
    if (day > now) break;
    for (const row of ctx.data.eventsOfDay(name as EventSource, day)) {
      if (equals.every(([k, v]) => (row as unknown as Row)[k] === v)) yield row as unknown as Row;
    }
  }
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function* applyStage(stage: Stage, rows: Iterable<Row>, orderedBy: string | null): Generator<Row> {
  switch (stage.op) {
    case 'identified':
      for (const row of rows) {
        const v = getPath(row, stage.field);
        if (v !== undefined && v !== null && v !== '' && !String(v).startsWith('_PENDO_T_')) yield row;
      }
      return;
    case 'filter':
      for (const row of rows) if (evaluate(stage.expr, row)) yield row;
      return;
    case 'select':
      for (const row of rows)
        yield Object.fromEntries(stage.fields.map(([name, e]) => [name, evaluate(e, row) ?? null]));
      return;
    case 'limit': {
      if (stage.count === 0) return;
      let n = 0;
      for (const row of rows) {
        yield row;
        n += 1;
        if (n >= stage.count) return;
      }
      return;
    }
    case 'sort': {
      const [only] = stage.keys;
      if (stage.keys.length === 1 && only && !only.desc && orderedBy === only.path) {
        yield* rows; // already in this order: stream instead of holding everything
        return;
      }
      const all = Array.from(rows);
      all.sort((a, b) => {
        for (const key of stage.keys) {
          const c = compareValues(getPath(a, key.path), getPath(b, key.path));
          if (c !== 0) return key.desc ? -c : c;
        }
        return 0;
      });
      yield* all;
      return;
    }
    case 'group': {
      const groups = new Map<string, { keys: Row; acc: { sum: number; count: number; value: unknown }[] }>();
      for (const row of rows) {
        const keyValues = stage.keys.map((k) => getPath(row, k) ?? null);
        const id = JSON.stringify(keyValues);
        let group = groups.get(id);
        if (!group) {
          group = {
            keys: Object.fromEntries(stage.keys.map((k, n) => [k, keyValues[n]])),
            acc: stage.fields.map(() => ({ sum: 0, count: 0, value: null })),
          };
          groups.set(id, group);
        }
        for (const [n, [, kind, target]] of stage.fields.entries()) {
          const acc = group.acc[n] as { sum: number; count: number; value: unknown };
          const v = target === null ? 1 : getPath(row, target);
          if (v === undefined || v === null) continue;
          acc.count += 1;
          if (typeof v === 'number') acc.sum += v;
          if (kind === 'max' && (acc.value === null || compareValues(v, acc.value) > 0)) acc.value = v;
          if (kind === 'min' && (acc.value === null || compareValues(v, acc.value) < 0)) acc.value = v;
        }
      }
      for (const { keys, acc } of groups.values()) {
        const out: Row = { ...keys };
        for (const [n, [name, kind]] of stage.fields.entries()) {
          const a = acc[n] as { sum: number; count: number; value: unknown };
          out[name] =
            kind === 'sum'
              ? a.sum
              : kind === 'count'
                ? a.count
                : kind === 'avg'
                  ? a.count
                    ? a.sum / a.count
                    : null
                  : a.value;
        }
        yield out;
      }
      return;
    }
  }
}

/** The field a stage's output stays sorted by, given the field its input was sorted by. */
function orderAfter(stage: Stage, orderedBy: string | null): string | null {
  if (stage.op === 'identified' || stage.op === 'filter' || stage.op === 'limit') return orderedBy;
  if (stage.op === 'select') {
    const kept = stage.fields.find(([name, e]) => name === orderedBy && e.kind === 'field' && e.path === orderedBy);
    return kept ? orderedBy : null;
  }
  if (stage.op === 'group') return orderedBy !== null && stage.keys[0] === orderedBy ? orderedBy : null;
  const [first] = stage.keys;
  return first && !first.desc ? first.path : null;
}

/** Run a request's pipeline; throws PipelineError with Pendo's status and body when it is refused. */
export function runPipeline(pipeline: unknown[], ctx: PipelineContext): { startTime: number; results: Row[] } {
  const [first, ...rest] = pipeline;
  if (first === null || typeof first !== 'object' || !('source' in first) || Object.keys(first).length !== 1) {
    throw bad('pipeline[0]: the first stage must be a source');
  }
  const stages = rest.map((raw, n) => compileStage(raw, n + 1));
  const sourceSpec = (first as { source: unknown }).source;
  // Paging by `filter accountId > "last"` seeks straight to the page instead of scanning from the top.
  let seek: { value: string; inclusive: boolean } | undefined;
  const isAccounts = typeof sourceSpec === 'object' && sourceSpec !== null && 'accounts' in sourceSpec;
  for (const stage of isAccounts ? stages : []) {
    if (stage.op === 'identified') continue;
    if (stage.op !== 'filter') break;
    seek = lowerBound(stage.expr, 'accountId') ?? seek;
  }
  let rows: Iterable<Row> = sourceRows(sourceSpec, ctx, seek);
  let orderedBy: string | null = isAccounts ? 'accountId' : null;
  for (const stage of stages) {
    rows = applyStage(stage, rows, orderedBy);
    orderedBy = orderAfter(stage, orderedBy);
  }
  const results = Array.from(rows);
  const ts = (sourceSpec as { timeSeries?: unknown }).timeSeries;
  const startTime = ts ? (timeSeriesDays(ts, ctx.now)[0] ?? ctx.now) : startOfDay(ctx.now);
  return { startTime, results };
}
