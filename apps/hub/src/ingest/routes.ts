import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HubError } from '../errors.js';
import { nestsDeeperThan, TOO_DEEP } from '../validate.js';
import type { Sources } from '../sources.js';
import type { Outbox, StoredMessage } from './outbox.js';
import {
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  type Message,
  type MessageIssue,
  type MessageType,
  isPlainObject,
  parseMessage,
} from './spec.js';

export interface IngestDeps {
  sources: Sources;
  outbox: Outbox;
  /** Told after a commit, so delivery can start without polling; never awaited by ingest. */
  onAccepted?: (count: number) => void;
}

const unauthorized = (message: string) => new HubError('unauthorized', message);
const bad = (issues: MessageIssue[]) => {
  const first = issues[0];
  return new HubError('invalid_input', first ? `${first.path || '(body)'}: ${first.message}` : 'Invalid message', {
    issues,
  });
};

/** Write key from `Authorization: Basic base64(writeKey:)` (how both SDKs send it) or the body's `writeKey`. */
function writeKeyOf(header: string | undefined, body: Record<string, unknown>): string | undefined {
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (user) return user;
  }
  return typeof body.writeKey === 'string' && body.writeKey ? body.writeKey : undefined;
}

async function readJson(req: Request): Promise<Record<string, unknown>> {
  let bytes = Buffer.from(await req.arrayBuffer());
  const encoding = req.headers.get('content-encoding')?.toLowerCase();
  if (encoding === 'gzip') {
    try {
      // Cap the inflated size too: a small gzip body must not become a memory bomb.
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_BATCH_BYTES * 4 });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new HubError('payload_too_large', `Request body inflates to more than ${MAX_BATCH_BYTES * 4} bytes`);
      }
      throw new HubError('invalid_input', 'Request body is not valid gzip', {
        issues: [{ path: '(body)', message: 'bad gzip' }],
      });
    }
  } else if (encoding && encoding !== 'identity') {
    throw new HubError('invalid_input', `Unsupported Content-Encoding ${encoding}`, {
      issues: [{ path: 'content-encoding', message: 'use gzip or none' }],
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HubError('invalid_input', 'Request body is not valid JSON', {
      issues: [{ path: '(body)', message: 'malformed JSON' }],
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HubError('invalid_input', 'Request body must be a JSON object', {
      issues: [{ path: '(body)', message: 'not an object' }],
    });
  }
  if (nestsDeeperThan(body)) {
    throw new HubError('invalid_input', `Request body is ${TOO_DEEP}`, {
      issues: [{ path: '(body)', message: TOO_DEEP }],
    });
  }
  return body as Record<string, unknown>;
}

/** Serialise once: the same text is measured against the per-message limit and stored. */
function serialise(message: Message, path: string, issues: MessageIssue[]): string {
  const json = JSON.stringify(message);
  // bytes ≤ 3 × UTF-16 length: only count bytes when the text may be near the limit.
  const bytes = json.length * 3 <= MAX_MESSAGE_BYTES ? json.length : Buffer.byteLength(json);
  if (bytes > MAX_MESSAGE_BYTES) {
    issues.push({ path, message: `message is ${bytes} bytes; at most ${MAX_MESSAGE_BYTES} per message` });
  }
  return json;
}

/**
 * Segment/RudderStack-compatible ingest. Everything in a request is validated before anything is stored,
 * then stored in one transaction: a 200 means every message is on disk.
 */
export function ingestRoutes(deps: IngestDeps) {
  const app = new Hono();
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BATCH_BYTES,
      onError: () => {
        throw new HubError(
          'payload_too_large',
          `Request body is larger than ${MAX_BATCH_BYTES} bytes (Segment's batch limit)`,
        );
      },
    }),
  );

  const accept = async (req: Request, forced: MessageType | undefined) => {
    const body = await readJson(req);
    const writeKey = writeKeyOf(req.headers.get('authorization') ?? undefined, body);
    if (!writeKey) throw unauthorized('Missing write key: send "Authorization: Basic base64(<writeKey>:)"');
    const sourceId = await deps.sources.authenticate(writeKey);
    if (!sourceId) throw unauthorized('Invalid write key');

    const messages: StoredMessage[] = [];
    const issues: MessageIssue[] = [];
    const keep = (message: Message, path: string) => {
      messages.push({ messageId: message.messageId, type: message.type, json: serialise(message, path, issues) });
    };
    if (forced) {
      const { writeKey: _k, ...rest } = body;
      const parsed = parseMessage(rest, forced, '');
      if (parsed.ok) keep(parsed.message, '(body)');
      else issues.push(...parsed.issues);
    } else {
      const batch = body.batch;
      if (!Array.isArray(batch)) throw bad([{ path: 'batch', message: 'batch must be an array of messages' }]);
      if (batch.length === 0) throw bad([{ path: 'batch', message: 'batch is empty' }]);
      // Merged into every message's context below: anything but an object would be spread into junk keys.
      if (body.context != null && !isPlainObject(body.context)) {
        throw bad([{ path: 'context', message: 'context must be an object' }]);
      }
      const defaults = {
        context: (body.context as Record<string, unknown> | undefined) ?? {},
        integrations: body.integrations as Record<string, unknown> | undefined,
      };
      batch.forEach((item, i) => {
        const parsed = parseMessage(item, undefined, `batch[${i}].`, defaults);
        if (parsed.ok) keep(parsed.message, `batch[${i}]`);
        else issues.push(...parsed.issues);
      });
    }
    if (issues.length > 0) throw bad(issues.slice(0, 20));
    const { stored, duplicates } = deps.outbox.append(sourceId, messages);
    if (stored > 0) deps.onAccepted?.(stored);
    return { success: true, stored, duplicates };
  };

  for (const type of ['identify', 'group', 'track', 'page', 'screen', 'alias'] as const) {
    app.post(`/${type}`, async (c) => c.json(await accept(c.req.raw, type)));
  }
  app.post('/batch', async (c) => c.json(await accept(c.req.raw, undefined)));
  return app;
}
