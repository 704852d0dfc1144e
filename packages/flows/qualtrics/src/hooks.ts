import type { Logger } from '@synchub/core';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse, QualtricsError } from './errors.js';
import type { Qualtrics } from './service.js';
import { buildPayload } from './template.js';
import { nestsDeeperThan, TOO_DEEP } from './validate.js';

/** Qualtrics refuses JSON-event bodies over 100 KB, so a larger call could never be forwarded. */
export const MAX_WEBHOOK_BYTES = 100 * 1024;

const bad = (message: string, issue: string) =>
  new QualtricsError('invalid_input', message, { issues: [{ path: '(body)', message: issue }] });

/** `X-Synchub-Secret: <secret>` or `Authorization: Bearer <secret>`. */
function secretOf(headers: Headers): string | undefined {
  const own = headers.get('x-synchub-secret')?.trim();
  if (own) return own;
  const auth = headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim() || undefined;
  return undefined;
}

function parseBody(text: string): Record<string, unknown> {
  // Gainsight's External Action with an empty payload ("{ }") is a pure trigger; an empty body is one too.
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw bad(`Request body is not valid JSON: ${reason}`, `malformed JSON: ${reason}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const kind = Array.isArray(body) ? 'an array' : body === null ? 'null' : `a ${typeof body}`;
    throw bad(`Request body must be a JSON object of key/value pairs (got ${kind})`, `expected an object, got ${kind}`);
  }
  if (nestsDeeperThan(body)) throw bad(`Request body is ${TOO_DEEP}`, TOO_DEEP);
  return body as Record<string, unknown>;
}

/**
 * The webhook a Gainsight External Action ("Call External API" in the Rules Engine) calls, one call
 * per rule row: `POST /hooks/qualtrics/:triggerId` with the trigger's own secret. The call is stored
 * before the 202 answer (durable first); the workflow is triggered in the background, with retries.
 */
export function qualtricsHooks(qualtrics: Qualtrics, log: Logger) {
  // The hub hands over the request with its full path.
  const app = new Hono().basePath('/hooks/qualtrics');
  app.onError((error, c) => errorResponse(error, c, log));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: () => {
        throw new QualtricsError(
          'payload_too_large',
          `Request body is larger than ${MAX_WEBHOOK_BYTES / 1024} KB (Qualtrics' limit for a JSON event)`,
        );
      },
    }),
  );

  app.post('/:triggerId', async (c) => {
    const trigger = await qualtrics.triggers.authenticate(c.req.param('triggerId'), secretOf(c.req.raw.headers));
    if (!trigger.enabled) throw new QualtricsError('conflict', `Workflow trigger "${trigger.name}" is disabled`);
    const payload = buildPayload(trigger.template, parseBody(await c.req.text()));
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    if (bytes > MAX_WEBHOOK_BYTES) {
      throw new QualtricsError(
        'payload_too_large',
        `The event built from this call is ${Math.ceil(bytes / 1024)} KB; Qualtrics accepts at most 100 KB`,
      );
    }
    const deliveryId = await qualtrics.enqueue(trigger.id, 'webhook', payload);
    return c.json({ accepted: true, deliveryId, triggerId: trigger.id }, 202);
  });
  return app;
}
