import { ConnectorError, isConnectorError, type WriterDefinition, type WriteResult } from '@synchub/core';
import { z } from 'zod';
import { createQualtricsClient } from './client.js';
import type { QualtricsSecrets, QualtricsSettings } from './settings.js';

/** Per-call overrides of the connection's trigger settings (one connection, many workflows). */
export const triggerOptionsSchema = z.object({
  triggerUrl: z.string().trim().min(1).optional().meta({
    title: 'JSON-event trigger URL',
    description: "This workflow's JSON Event URL; defaults to the connection's trigger URL.",
  }),
  username: z.string().trim().min(1).optional().meta({
    title: 'Qualtrics username',
    description: "The user for the Basic auth header; defaults to the connection's username.",
  }),
});

export type TriggerOptions = z.output<typeof triggerOptionsSchema>;

/**
 * Fires the workflow's JSON-event trigger once per record: the record is the event body (the key/value
 * pairs the workflow reads by JSONPath), sent to the trigger URL with Basic auth when a username is set
 * (X-API-TOKEN otherwise). The URL and username come from the connection's settings unless the
 * options name others (`triggerUrl`, `username`): one Qualtrics connection serves many workflows.
 * Qualtrics takes one event per call, so batchSize is 1.
 *
 * Any 2xx is success: the workflow has been triggered, and sending it again would run it twice. The
 * result's id is Qualtrics' eventId and its `meta` carries the `requestId` and HTTP `status`, each
 * taken from wherever the answer carried it (body or headers) and absent (id undefined, requestId
 * null) when it did not, so a host can record both ids (both are also logged at level info).
 *
 * A body Qualtrics refuses (400 malformed, 413 or > 100 KB, refused before the call) fails its record.
 * Everything else (auth, rate limit, 5xx, network, unknown trigger, missing URL) rejects the call.
 */
const triggerEvent: WriterDefinition<QualtricsSettings, QualtricsSecrets> = {
  name: 'trigger_event',
  options: triggerOptionsSchema,
  description: 'Trigger a Qualtrics workflow through its JSON-event URL, one event per record.',
  mode: 'publish',
  batchSize: 1,
  bucket: 'api',
  async write({ settings, secrets, ctx, records, options }) {
    if (records.length > 1) {
      throw new ConnectorError(
        'invalid_request',
        `A Qualtrics JSON-event trigger takes one event per call, got ${records.length} records`,
      );
    }
    const parsed = triggerOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new ConnectorError('config', `Qualtrics trigger_event options: ${z.prettifyError(parsed.error)}`);
    }
    const { triggerUrl, username } = parsed.data;
    const effective: QualtricsSettings = {
      ...settings,
      ...(triggerUrl ? { triggerUrl } : {}),
      ...(username ? { username } : {}),
    };
    const client = createQualtricsClient(effective, secrets, ctx);
    const results: WriteResult[] = [];
    for (const record of records) {
      try {
        const { eventId, requestId, status } = await client.triggerEvent(record);
        ctx.log?.('info', 'Qualtrics accepted the JSON event', { eventId, requestId });
        results.push({ ok: true, ...(eventId === null ? {} : { id: eventId }), meta: { requestId, status } });
      } catch (error) {
        if (!isConnectorError(error) || (error.code !== 'invalid_request' && error.code !== 'unexpected')) throw error;
        results.push({
          ok: false,
          error: { code: error.code, message: error.message, vendorCode: error.vendorCode, body: error.body },
        });
      }
    }
    return results;
  },
};

export const writers: Record<string, WriterDefinition<QualtricsSettings, QualtricsSecrets>> = {
  trigger_event: triggerEvent,
};
