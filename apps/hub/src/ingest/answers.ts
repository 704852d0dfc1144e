/**
 * Schemas of the ingest API for /api/openapi.json only: ingest validates with `parseMessage` (it reads raw,
 * possibly gzipped bodies), so `IngestMessage` is the outline of a message, not what checks it.
 */
import { z } from '@hono/zod-openapi';

export const IngestMessage = z
  .looseObject({
    messageId: z.string().optional(),
    userId: z.string().optional(),
    anonymousId: z.string().optional(),
    groupId: z.string().optional(),
    event: z.string().optional(),
    traits: z.record(z.string(), z.unknown()).optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    timestamp: z.string().optional(),
    writeKey: z.string().optional(),
  })
  .openapi('IngestMessage');
export const IngestBatch = z.looseObject({
  batch: z.array(IngestMessage.extend({ type: z.enum(['identify', 'group', 'track', 'page', 'screen', 'alias']) })),
  context: z.record(z.string(), z.unknown()).optional(),
  writeKey: z.string().optional(),
});
export const Accepted = z
  .object({ success: z.literal(true), stored: z.number(), duplicates: z.number() })
  .openapi('Accepted');
