/**
 * Schemas of the pipelines and runs answers (pipelines, runs, previews, per-record outcomes), for
 * /api/openapi.json. They say what `runView`, `pipelineView` and the previewer answer; answers.test.ts
 * parses real answers with them.
 */
import { z } from '@hono/zod-openapi';
import { AnyObject, JsonSchema, orNull } from './answers.js';

export const PipelineKindInfo = z
  .object({
    kind: z.string(),
    title: z.string(),
    description: z.string(),
    group: z.string(),
    connectorId: z.string(),
    defaultSchedule: z.string(),
    settingsSchema: JsonSchema,
  })
  .openapi('PipelineKindInfo');
export const PipelineKinds = z
  .object({
    kinds: z.array(PipelineKindInfo),
    schedules: z
      .record(z.string(), z.string())
      .openapi({ description: 'Schedule presets: label → cron expression (e.g. `daily` → `0 3 * * *`)' }),
  })
  .openapi('PipelineKinds');

export const RunStatus = z.enum(['running', 'completed', 'failed', 'interrupted']).openapi('RunStatus', {
  description:
    '`interrupted`: the hub process running it stopped (a crash, or no heartbeat in time); the pipeline is retried from its last saved cursor',
});
export const RunCounts = z
  .object({
    read: z.number(),
    written: z.number(),
    skipped: z.number(),
    failed: z.number(),
    reasons: z
      .record(z.string(), z.number())
      .openapi({ description: 'Why records were skipped or failed, e.g. `{ "no account with GsCompanyId": 12 }`' }),
  })
  .openapi('RunCounts');
export const RunError = z
  .object({
    code: z.string(),
    message: z.string(),
    vendorCode: z.string().optional(),
    status: z.number().optional(),
    body: z.unknown().optional(),
  })
  .openapi('RunError');
export const Run = z
  .object({
    id: z.number(),
    number: z.number().openapi({ description: "The run's number within its pipeline: 1 for its first run" }),
    pipelineId: z.string(),
    status: RunStatus,
    trigger: z.string(),
    startedAt: z.number().openapi({ description: 'Epoch ms' }),
    finishedAt: z.number().nullable(),
    counts: RunCounts,
    details: AnyObject.nullable(),
    cursorBefore: z.string().nullable(),
    cursorAfter: z.string().nullable(),
    error: orNull(RunError),
  })
  .openapi('Run');
export const Pipeline = z
  .object({
    id: z.string(),
    kind: z.string(),
    name: z.string(),
    connectionId: z.string(),
    settings: AnyObject.openapi({ description: "The kind's settings (see PipelineSettings)" }),
    enabled: z.boolean(),
    schedule: z.string(),
    cursor: z.string().nullable(),
    nextRunAt: z.number().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    running: z.boolean(),
    lastRun: orNull(Run),
  })
  .openapi('Pipeline');
export const RunAllAnswer = z
  .object({
    started: z.array(z.object({ pipelineId: z.string(), runId: z.number().optional(), error: z.string().optional() })),
  })
  .openapi('RunAllAnswer');

export const PreviewRecord = z
  .object({
    before: AnyObject.openapi({ description: 'The record as read' }),
    after: orNull(AnyObject).openapi({ description: 'As it would be written; null: it would be skipped' }),
    note: z.string().optional(),
  })
  .openapi('PreviewRecord');
export const PlannedRequest = z
  .object({
    connectionId: z.string(),
    connectorId: z.string(),
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()).openapi({ description: 'Secrets masked as ••••' }),
    body: z.unknown(),
  })
  .openapi('PlannedRequest');
export const Preview = z
  .object({
    kind: z.string(),
    limit: z.number(),
    records: z.array(PreviewRecord),
    requests: z.array(PlannedRequest),
    counts: RunCounts,
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .openapi('Preview');

export const RecordStatus = z.enum(['written', 'skipped', 'failed']).openapi('RecordStatus');
export const RunRecord = z
  .object({
    key: z.string().nullable(),
    status: RecordStatus,
    reason: z.string().nullable(),
    error: z
      .looseObject({
        code: z.string().optional(),
        message: z.string().optional(),
        vendorCode: z.string().optional(),
        body: z.unknown().optional(),
      })
      .nullable()
      .openapi({ description: "The vendor's answer for the record (a connector's WriteError), or null" }),
  })
  .openapi('RunRecord');
