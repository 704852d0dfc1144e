import {
  type FlowHost,
  isConnectorError,
  type KeyValueState,
  maskRequest,
  type PlannedRequest,
  scrubSecrets as scrubbed,
  secretValues,
} from '@synchub/core';
import { HubError, isHubError } from '../errors.js';
import { pluginMessage } from '../host/deadline.js';
import { dryRunHost } from '../host/flow-host.js';
import { createOverlayState, EMPTY_STATE } from '../host/state.js';
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

// Masking is shared with flow plugins (a trigger's test plan): it lives in core.
export { maskRequest, SECRET_MASK } from '@synchub/core';

export const PREVIEW_DEFAULT_LIMIT = 20;
export const PREVIEW_MAX_LIMIT = 200;
/** A preview is interactive: it answers within this, with whatever it had collected by then. */
export const PREVIEW_DEADLINE_MS = 60_000;
/** Requests kept per preview (a writer of one record per call could plan many). */
export const MAX_PLANNED_REQUESTS = 500;
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
  /** A saved pipeline (its state is read); false for settings not saved yet. */
  saved: boolean;
}

const duration = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** A failure as the answer's `error`. */
function describeError(error: unknown): { code: string; message: string } {
  if (isConnectorError(error)) return { code: error.code, message: error.message };
  if (isHubError(error)) return { code: String(error.extra.code ?? error.code), message: error.message };
  // Anything else the kind threw is its own failure, with its own message.
  return { code: 'plugin_failed', message: pluginMessage(error) };
}

export function createPreviewer(deps: {
  pipelines: PipelineStore;
  logger: HubLogger;
  now: () => number;
  connectionOf(id: string, signal: AbortSignal): Promise<ResolvedConnection>;
  /** The host API a kind gets (its plugin's own; the customer store's writes are dropped in a preview). */
  hostOf(kind: PipelineKind): FlowHost;
  /** A saved pipeline's state: the preview reads it, and its own writes stay in memory. */
  stateOf(pipelineId: string): KeyValueState;
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
      const host = dryRunHost(deps.hostOf(kind));
      const args = {
        settings: target.settings,
        connectionId: target.connectionId,
        host,
        connectionOf,
        signal: controller.signal,
      };
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
          state: createOverlayState(target.saved ? deps.stateOf(target.pipelineId) : EMPTY_STATE),
          host,
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
      if (error.code === 'plugin_failed') {
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
          saved: true,
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
          saved: false,
        },
        limit,
      );
    },
  };
}

export type Previewer = ReturnType<typeof createPreviewer>;
