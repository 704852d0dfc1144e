import { isConnectorError, type PlannedRequest } from '@synchub/core';
import type { Db } from '../db/index.js';
import { HubError, isHubError } from '../errors.js';
import type { HubLogger } from '../logger.js';
import {
  createTally,
  emptyCounts,
  type PipelineKind,
  type ResolvedConnection,
  type RunContext,
  type RunCounts,
} from './kind.js';
import type { PipelineInput, PipelineStore } from './store.js';

/**
 * Dry runs (previews) of any pipeline kind: the kind's own `run`, with `RunContext.dryRun` set and
 * connections whose context records vendor writes instead of sending them. Reads go out; nothing is
 * written to the vendor or to the hub (no run row, no cursor, no audit line), and any failure is part of
 * the answer, never a 5xx.
 */

export const PREVIEW_DEFAULT_LIMIT = 20;
export const PREVIEW_MAX_LIMIT = 200;
/** A preview is interactive: it answers within this, with whatever it had collected by then. */
export const PREVIEW_DEADLINE_MS = 60_000;
/** Requests kept per preview (a writer of one record per call could plan many). */
export const MAX_PLANNED_REQUESTS = 500;
export const SECRET_MASK = '••••';

/** Header names that carry credentials whatever their value (Salesforce, Gainsight, Pendo, Qualtrics, plugins). */
const SECRET_HEADER =
  /authorization|access-?key|shared-?secret|secret|token|password|passwd|api[-_]?key|integration[-_]?key|cookie/i;
/** Shorter secret values would mask ordinary words (the logger scrubs on the same rule). */
const MIN_SECRET_LENGTH = 6;
const NO_SECRETS: ReadonlySet<string> = new Set();

export interface PreviewRequest extends PlannedRequest {
  connectionId: string;
  connectorId: string;
}

export interface PreviewRecord {
  before: unknown;
  after: unknown;
  note?: string;
}

export interface Preview {
  kind: string;
  limit: number;
  records: PreviewRecord[];
  requests: PreviewRequest[];
  counts: RunCounts;
  error: { code: string; message: string } | null;
}

/** What to preview: a saved pipeline or settings checked as `create` checks them. */
interface Target {
  kind: PipelineKind;
  pipelineId: string;
  pipelineName: string;
  connectionId: string;
  settings: Record<string, unknown>;
  cursor: string | null;
}

/** Every string a connection's secrets hold (nested ones too). */
function secretValues(secrets: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (typeof secrets === 'string') {
    if (secrets.length >= MIN_SECRET_LENGTH) out.add(secrets);
  } else if (secrets && typeof secrets === 'object' && depth < 4) {
    for (const v of Object.values(secrets)) secretValues(v, out, depth + 1);
  }
  return out;
}

/** A JSON copy with every secret value replaced; what the kind keeps mutating later does not change it. */
function scrubbed(value: unknown, secrets: ReadonlySet<string>): unknown {
  const scrub = (text: string) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(SECRET_MASK);
    return out;
  };
  try {
    return JSON.parse(JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'string' ? scrub(v) : v)));
  } catch {
    return String(value);
  }
}

/** A planned request as the preview shows it: credential headers masked, secret values scrubbed everywhere. */
export function maskRequest(request: PlannedRequest, secrets: ReadonlySet<string>): PlannedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = SECRET_HEADER.test(name) ? SECRET_MASK : (scrubbed(value, secrets) as string);
  }
  return {
    method: request.method,
    url: scrubbed(request.url, secrets) as string,
    headers,
    body: scrubbed(request.body, secrets),
  };
}

const duration = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** A failure as the answer's `error`. */
function describeError(error: unknown): { code: string; message: string } {
  if (isConnectorError(error)) return { code: error.code, message: error.message };
  if (isHubError(error)) return { code: String(error.extra.code ?? error.code), message: error.message };
  return { code: 'internal', message: (error as Error)?.message ?? String(error) };
}

export function createPreviewer(deps: {
  db: Db;
  pipelines: PipelineStore;
  logger: HubLogger;
  now: () => number;
  connectionOf(id: string, signal: AbortSignal): Promise<ResolvedConnection>;
  deadlineMs?: number | undefined;
}) {
  const deadlineMs = deps.deadlineMs ?? PREVIEW_DEADLINE_MS;

  async function preview(target: Target, limit: number): Promise<Preview> {
    const { kind } = target;
    const records: PreviewRecord[] = [];
    const requests: PreviewRequest[] = [];
    const counts = emptyCounts();
    const details: Record<string, unknown> = {};
    // Aborted at the deadline, and once the preview is done (a read asked ahead must not linger).
    const controller = new AbortController();
    const resolved = new Map<string, Promise<ResolvedConnection>>();
    const connectionOf = (id: string): Promise<ResolvedConnection> => {
      let found = resolved.get(id);
      if (!found) {
        found = deps.connectionOf(id, controller.signal).then((c) => {
          const secrets = secretValues(c.secrets);
          const record = (request: PlannedRequest) => {
            if (requests.length >= MAX_PLANNED_REQUESTS) return;
            requests.push({ connectionId: c.id, connectorId: c.connector.id, ...maskRequest(request, secrets) });
          };
          return { ...c, ctx: { ...c.ctx, dryRun: { record } } };
        });
        resolved.set(id, found);
      }
      return found;
    };

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new HubError('internal', `The preview did not finish within ${duration(deadlineMs)}`, {
            code: 'timeout',
          }),
        );
        controller.abort();
      }, deadlineMs);
    });
    deadline.catch(() => {});

    let error: Preview['error'] = null;
    try {
      const args = { settings: target.settings, connectionId: target.connectionId, db: deps.db, connectionOf };
      const work = (async () => {
        const refusal = await kind.gate?.(args);
        if (refusal) throw new HubError('conflict', refusal, { code: 'gated' });
        const connection = await connectionOf(target.connectionId);
        const run: RunContext<unknown> = {
          runId: 0,
          pipelineId: target.pipelineId,
          pipelineName: target.pipelineName,
          settings: target.settings,
          connection,
          connectionOf,
          cursor: target.cursor,
          // A preview moves no cursor.
          commit: async () => {},
          ...createTally(counts, details),
          db: deps.db,
          log: (level, message, data) =>
            deps.logger[level](message, { preview: true, pipelineId: target.pipelineId, ...data }),
          signal: controller.signal,
          now: deps.now,
          dryRun: {
            limit,
            sample(before, after, note) {
              if (records.length >= limit) return;
              records.push({
                before: scrubbed(before, NO_SECRETS),
                after: after === null || after === undefined ? null : scrubbed(after, NO_SECRETS),
                ...(note ? { note } : {}),
              });
            },
          },
        };
        await kind.run(run);
      })();
      // Whatever the kind does after the deadline, its outcome is no longer awaited (nor unhandled).
      work.catch(() => {});
      await Promise.race([work, deadline]);
    } catch (caught) {
      error = describeError(caught);
      if (error.code === 'internal') {
        deps.logger.error('Pipeline preview failed', { kind: kind.kind, pipelineId: target.pipelineId, error: caught });
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return { kind: kind.kind, limit, records, requests, counts, error };
  }

  return {
    /** Preview a saved pipeline from its saved cursor: what its next run would do. */
    async saved(pipelineId: string, limit: number): Promise<Preview> {
      const pipeline = await deps.pipelines.get(pipelineId);
      const kind = deps.pipelines.kindOf(pipeline.kind);
      return preview(
        {
          kind,
          pipelineId: pipeline.id,
          pipelineName: pipeline.name,
          connectionId: pipeline.connectionId,
          settings: pipeline.settings,
          cursor: pipeline.cursor,
        },
        limit,
      );
    },
    /** Preview settings not saved yet, from the beginning; refused (400) as `create` would refuse them. */
    async unsaved(input: PipelineInput, limit: number): Promise<Preview> {
      const { kind, settings } = await deps.pipelines.check(input);
      return preview(
        {
          kind,
          pipelineId: 'preview',
          pipelineName: input.name,
          connectionId: input.connectionId,
          settings,
          cursor: null,
        },
        limit,
      );
    },
  };
}

export type Previewer = ReturnType<typeof createPreviewer>;
