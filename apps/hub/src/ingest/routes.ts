import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { documenter } from '../openapi/describe.js';
import { HubError, isHubError } from '../errors.js';
import { nestsDeeperThan, TOO_DEEP } from '../validate.js';
import type { Sources } from '../sources.js';
import type { Outbox, StoredMessage } from './outbox.js';
import type { Refusals } from './refusals.js';
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
  /**
   * Told after a commit, so delivery can start without polling; never awaited by ingest. Counts are summed
   * and told at most every NOTICE_INTERVAL_MS.
   */
  onAccepted?: (count: number) => void;
  /** Where refused requests are counted, per source and reason (the Sources page lists them). */
  refusals?: Refusals | undefined;
}

/** Messages validated between two yields to the event loop. */
const YIELD_EVERY = 100;

/** Most accepted notices a second is 1000 / this. */
export const NOTICE_INTERVAL_MS = 250;

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

const tooLarge = () =>
  new HubError('payload_too_large', `Request body is larger than ${MAX_BATCH_BYTES} bytes (Segment's batch limit)`);

/**
 * The body, at most MAX_BATCH_BYTES. With a Content-Length (what SDKs send) the length is checked first and
 * the body read in one piece: Hono's bodyLimit would wrap every request in a web stream, which cost more
 * than validating a batch of 20. Without one (chunked), the stream is read and cut off at the limit.
 */
async function readBody(req: Request): Promise<Buffer> {
  const length = req.headers.get('content-length');
  if (length !== null && !req.headers.has('transfer-encoding')) {
    if (Number.parseInt(length, 10) > MAX_BATCH_BYTES) throw tooLarge();
    return Buffer.from(await req.arrayBuffer());
  }
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BATCH_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

async function readJson(req: Request): Promise<Record<string, unknown>> {
  let bytes = await readBody(req);
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

const INGEST_NOTE = `Authenticated by a source's write key (Basic, as the user) or the body's \`writeKey\`. At most ${MAX_BATCH_BYTES} bytes per request and ${MAX_MESSAGE_BYTES} per message; \`Content-Encoding: gzip\` is accepted.`;

/**
 * Segment/RudderStack-compatible ingest. Everything in a request is validated before anything is stored,
 * then stored in one transaction: a 200 means every message is on disk.
 */
export function ingestRoutes(deps: IngestDeps) {
  const app = new Hono();
  const doc = documenter(app, 'Ingest');

  // Accepted notices wake listeners that do work on this thread (a flow service's event scan writes its
  // cursor): sum them and tell at most one every NOTICE_INTERVAL_MS, never before the commit.
  let noticed = 0;
  let noticeTimer: NodeJS.Timeout | undefined;
  let lastNotice = Number.NEGATIVE_INFINITY;
  const notice = (count: number) => {
    noticed += count;
    if (noticeTimer || !deps.onAccepted) return;
    noticeTimer = setTimeout(
      () => {
        noticeTimer = undefined;
        lastNotice = performance.now();
        const n = noticed;
        noticed = 0;
        deps.onAccepted?.(n);
      },
      Math.max(0, lastNotice + NOTICE_INTERVAL_MS - performance.now()),
    );
    noticeTimer.unref();
  };

  /** Authenticate and validate the whole request; nothing is stored unless all of it is valid. */
  const validate = async (req: Request, forced: MessageType | undefined, seen: { sourceId?: string }) => {
    const body = await readJson(req);
    const writeKey = writeKeyOf(req.headers.get('authorization') ?? undefined, body);
    if (!writeKey) throw unauthorized('Missing write key: send "Authorization: Basic base64(<writeKey>:)"');
    const sourceId = await deps.sources.authenticate(writeKey);
    if (!sourceId) throw unauthorized('Invalid write key');
    seen.sourceId = sourceId;

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
      for (let i = 0; i < batch.length; i++) {
        // A batch of 500 is several ms of work: let /health and other requests in between slices.
        if (i > 0 && i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        const parsed = parseMessage(batch[i], undefined, `batch[${i}].`, defaults);
        if (parsed.ok) keep(parsed.message, `batch[${i}]`);
        else issues.push(...parsed.issues);
      }
    }
    if (issues.length > 0) throw bad(issues.slice(0, 20));
    return { sourceId, messages };
  };

  /**
   * Count a refused request for its source: the one its write key named, or, when it was refused before the
   * body was read (too large, not JSON), the one the Authorization header names. Only refusals pay for this.
   */
  const refused = async (req: Request, error: unknown, sourceId: string | undefined) => {
    if (!deps.refusals || !isHubError(error)) return;
    let source = sourceId;
    if (source === undefined && error.code !== 'unauthorized') {
      const key = writeKeyOf(req.headers.get('authorization') ?? undefined, {});
      source = key ? await deps.sources.authenticate(key) : undefined;
    }
    deps.refusals.record(source ?? null, error.code, error.message);
  };

  // Not awaited here: while the commit runs, nothing of the request but its rows in the outbox stays alive.
  const accept = async (req: Request, forced: MessageType | undefined) => {
    const seen: { sourceId?: string } = {};
    let valid: Awaited<ReturnType<typeof validate>>;
    try {
      valid = await validate(req, forced, seen);
    } catch (error) {
      await refused(req, error, seen.sourceId);
      throw error;
    }
    const { sourceId, messages } = valid;
    return deps.outbox.append(sourceId, messages).then(({ stored, duplicates }) => {
      if (stored > 0) notice(stored);
      return { success: true, stored, duplicates };
    });
  };

  for (const type of ['identify', 'group', 'track', 'page', 'screen', 'alias'] as const) {
    doc.post(`/${type}`, {
      summary: `One ${type} call (Segment/RudderStack spec); 200 once it is stored`,
      description: INGEST_NOTE,
      body: 'IngestMessage',
      answer: 'Accepted',
      auth: 'writeKey',
    });
    app.post(`/${type}`, async (c) => c.json(await accept(c.req.raw, type)));
  }
  doc.post('/batch', {
    summary: 'A batch of calls, each naming its type; all stored or none',
    description: INGEST_NOTE,
    body: 'IngestBatch',
    answer: 'Accepted',
    auth: 'writeKey',
  });
  app.post('/batch', async (c) => c.json(await accept(c.req.raw, undefined)));
  // Anything else under /v1 is a client pointed at the wrong URL; the most common: an SDK whose
  // dataPlaneUrl (or host) ends in /v1, so it posts to /v1/v1/batch.
  app.all('/*', async (c) => {
    const path = new URL(c.req.url).pathname;
    const hint = path.startsWith('/v1/v1/')
      ? `: the SDK's dataPlaneUrl (or host) must be the hub's base URL without /v1 (it adds /v1/${path.slice(7)} itself)`
      : ': ingest takes POST /v1/batch, /v1/identify, /v1/group, /v1/track, /v1/page, /v1/screen and /v1/alias';
    const error = new HubError('not_found', `No ingest endpoint at ${c.req.method} ${path}${hint}`);
    await refused(c.req.raw, error, undefined);
    throw error;
  });
  return app;
}
