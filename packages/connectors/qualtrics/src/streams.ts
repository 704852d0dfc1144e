import { type ConnectorContext, ConnectorError, type StreamDefinition, type SyncRecord } from '@synchub/core';
import { z } from 'zod';
import { createQualtricsClient, type QualtricsClient, type QualtricsExportedResponse } from './client.js';
import type { QualtricsSecrets, QualtricsSettings } from './settings.js';

export const responsesOptionsSchema = z.object({
  surveyId: z.string().trim().min(1).meta({ title: 'Survey', description: 'The survey id (SV_…).' }),
  startDate: z.iso.datetime({ offset: true }).optional().meta({
    title: 'Responses since',
    description: 'Only responses recorded from this date-time on (ISO 8601), for the first run.',
  }),
  pageSize: z.number().int().min(1).max(10_000).default(500).meta({
    title: 'Responses per page',
    description: 'Responses handed to the hub per page.',
  }),
  pollIntervalMs: z.number().int().min(1).max(60_000).default(1_000).meta({
    title: 'First poll interval (ms)',
    description: 'Wait before re-asking whether the export is ready; doubles on each poll up to 15 s.',
  }),
  maxWaitMs: z.number().int().min(1).max(3_600_000).default(600_000).meta({
    title: 'Longest wait for an export (ms)',
    description: 'Give up (and let the hub retry later) when the export is not ready by then.',
  }),
});

export type ResponsesOptions = z.output<typeof responsesOptionsSchema>;

/** Upper bound of the poll back-off: a slow export is not worth more calls than one every 15 s. */
const MAX_POLL_INTERVAL_MS = 15_000;

const cursorSchema = z.object({ after: z.iso.datetime({ offset: true }), ids: z.array(z.string()) });
type ResponsesCursor = z.output<typeof cursorSchema>;

function parseOptions(options: unknown): ResponsesOptions {
  const result = responsesOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new ConnectorError(
      'config',
      `Qualtrics responses stream options are invalid: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

function parseCursor(cursor: string): ResponsesCursor {
  let raw: unknown;
  try {
    raw = JSON.parse(cursor);
  } catch {
    raw = undefined;
  }
  const result = cursorSchema.safeParse(raw);
  if (!result.success) throw new ConnectorError('config', `"${cursor}" is not a Qualtrics responses cursor`);
  return result.data;
}

/** Wait `ms`, or stop early (as a cancelled call) when the host aborts the run. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new ConnectorError('transient', 'Call cancelled', { cause: signal?.reason });
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Start an export and poll it, backing off, until its file is ready; returns the file id. */
export async function waitForExport(
  client: QualtricsClient,
  ctx: ConnectorContext,
  surveyId: string,
  startDate: string | undefined,
  opts: Pick<ResponsesOptions, 'pollIntervalMs' | 'maxWaitMs'>,
): Promise<string> {
  const progressId = await client.startExport(surveyId, startDate === undefined ? {} : { startDate });
  const deadline = ctx.now() + opts.maxWaitMs;
  let wait = opts.pollIntervalMs;
  for (;;) {
    const status = await client.pollExport(surveyId, progressId);
    if (status.status === 'complete') {
      if (status.fileId) return status.fileId;
      throw new ConnectorError('unexpected', `Qualtrics completed export ${progressId} without a fileId`);
    }
    if (status.status === 'failed') {
      throw new ConnectorError('transient', `Qualtrics could not export the responses of ${surveyId} (export failed)`);
    }
    if (ctx.now() + wait > deadline) {
      throw new ConnectorError(
        'transient',
        `The Qualtrics export of ${surveyId} was not ready within ${opts.maxWaitMs < 1000 ? `${opts.maxWaitMs} ms` : `${Math.round(opts.maxWaitMs / 1000)} s`} (${status.percentComplete}% done)`,
      );
    }
    await sleep(wait, ctx.signal);
    wait = Math.min(wait * 2, Math.max(opts.pollIntervalMs, MAX_POLL_INTERVAL_MS));
  }
}

/** Whole seconds: the export's startDate form (`…:SSZ`); the cursor's ids cover the rest of that second. */
function exportDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One flat record per response: its values, with the id, the recorded time (ISO) and `finished` as a boolean. */
function flatten(surveyId: string, response: QualtricsExportedResponse, recordedMs: number): SyncRecord {
  const { values } = response;
  const finished = values.finished;
  return {
    ...values,
    surveyId,
    responseId: response.responseId,
    recordedDate: new Date(recordedMs).toISOString(),
    finished: finished === 1 || finished === true || finished === '1' || finished === 'true',
  };
}

/**
 * Survey responses through the export flow (start, poll, download). Incremental: the cursor is
 * `{"after": <recordedDate of the newest response handed on>, "ids": [responses recorded at that instant]}`.
 * The next export starts at that second (exports take whole-second dates, inclusive) and the stream skips
 * what is older than `after` or already listed in `ids`, so re-reading from the final cursor yields nothing
 * and a response recorded later is picked up. A run's export file is read whole (Qualtrics sends it as one
 * file); the cursor keeps each file to what is new.
 */
const responses: StreamDefinition<QualtricsSettings, QualtricsSecrets> = {
  name: 'responses',
  options: responsesOptionsSchema,
  description: 'Responses of one survey (values, embedded data, NPS groups), newest last, incremental.',
  async *read({ settings, secrets, ctx, cursor, options }) {
    const opts = parseOptions(options);
    const from = cursor === null ? undefined : parseCursor(cursor);
    const client = createQualtricsClient(settings, secrets, ctx);
    let highMs = from ? Date.parse(from.after) : Number.NEGATIVE_INFINITY;
    let highIds = new Set(from?.ids ?? []);
    const optionStart = opts.startDate === undefined ? Number.NEGATIVE_INFINITY : Date.parse(opts.startDate);
    const startMs = Math.max(highMs, optionStart);
    const fileId = await waitForExport(
      client,
      ctx,
      opts.surveyId,
      Number.isFinite(startMs) ? exportDate(startMs) : undefined,
      opts,
    );
    const file = await client.downloadExport(opts.surveyId, fileId);

    const fresh: { response: QualtricsExportedResponse; at: number }[] = [];
    for (const response of file) {
      const at = Date.parse(String(response.values?.recordedDate));
      if (typeof response.responseId !== 'string' || !Number.isFinite(at)) {
        throw new ConnectorError('unexpected', 'Qualtrics exported a response without a responseId or recordedDate', {
          body: response,
        });
      }
      if (at < startMs || (at === highMs && highIds.has(response.responseId))) continue;
      fresh.push({ response, at });
    }
    // Oldest first, so every page's cursor covers everything before it.
    fresh.sort((a, b) => a.at - b.at || (a.response.responseId < b.response.responseId ? -1 : 1));

    for (let offset = 0; offset < fresh.length; offset += opts.pageSize) {
      const page = fresh.slice(offset, offset + opts.pageSize);
      for (const { response, at } of page) {
        if (at > highMs) {
          highMs = at;
          highIds = new Set();
        }
        highIds.add(response.responseId);
      }
      yield {
        records: page.map(({ response, at }) => flatten(opts.surveyId, response, at)),
        cursor: JSON.stringify({ after: new Date(highMs).toISOString(), ids: [...highIds] }),
      };
    }
  },
};

export const streams: Record<string, StreamDefinition<QualtricsSettings, QualtricsSecrets>> = { responses };
