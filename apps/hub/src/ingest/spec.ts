import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The Segment / RudderStack HTTP tracking spec, as far as the hub needs it. Unknown extra fields are
 * kept (SDKs add their own), but the fields a destination relies on are checked with clear reasons.
 */
export const MESSAGE_TYPES = ['identify', 'group', 'track', 'page', 'screen', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Segment's own limits: 32 KB per message, 500 KB per batch request. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

const object = z.record(z.string(), z.unknown());
const id = z.union([z.string().min(1), z.number()]).transform(String);
const timestamp = z.union([z.string(), z.number()]).optional();

const common = {
  messageId: z.string().min(1).max(200).optional(),
  userId: id.optional().nullable(),
  anonymousId: id.optional().nullable(),
  timestamp,
  sentAt: timestamp,
  originalTimestamp: timestamp,
  context: object.optional(),
  integrations: object.optional(),
};

const identify = z.looseObject({ type: z.literal('identify'), traits: object.optional(), ...common });
const group = z.looseObject({ type: z.literal('group'), groupId: id, traits: object.optional(), ...common });
const track = z.looseObject({
  type: z.literal('track'),
  event: z.string().trim().min(1, 'event name is required for track'),
  properties: object.optional(),
  ...common,
});
const page = z.looseObject({
  type: z.literal('page'),
  name: z.string().optional(),
  properties: object.optional(),
  ...common,
});
const screen = z.looseObject({
  type: z.literal('screen'),
  name: z.string().optional(),
  properties: object.optional(),
  ...common,
});
const alias = z.looseObject({ type: z.literal('alias'), previousId: id, ...common });

const byType = { identify, group, track, page, screen, alias } as const;
/** The zod schema of each message type: the definition of a valid message (tests hold the fast path to it). */
export const MESSAGE_SCHEMAS: Readonly<Record<MessageType, z.ZodType>> = byType;

// The fast path. zod costs about 8 µs a message, most of a request's CPU after JSON.parse; an ordinary
// message needs a dozen type checks. `conformsFast` accepts only what the schemas above accept and
// normalises it the same way (ids to strings, the track event trimmed), in place on the caller's fresh
// copy; anything else, valid or not, returns false and goes through zod, which also words the errors.
// spec.test.ts checks the two agree.
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.hasOwn(v, '__proto__');
const optionalRecord = (v: unknown) => v === undefined || isRecord(v);
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
const optionalTimestamp = (v: unknown) =>
  v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
/** An id as `id` accepts it, as the string it becomes; undefined when it is not one. */
const idText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v.length > 0
      ? v
      : undefined
    : typeof v === 'number' && Number.isFinite(v)
      ? String(v)
      : undefined;

export function conformsFast(m: Record<string, unknown>, type: MessageType): boolean {
  // zod drops a "__proto__" key rather than copy it: leave that rare case to zod.
  if (Object.hasOwn(m, '__proto__')) return false;
  const messageId = m.messageId;
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId.length < 1 || messageId.length > 200)) {
    return false;
  }
  for (const key of ['userId', 'anonymousId'] as const) {
    const v = m[key];
    if (v === undefined || v === null) continue;
    const text = idText(v);
    if (text === undefined) return false;
    m[key] = text;
  }
  if (!optionalTimestamp(m.timestamp) || !optionalTimestamp(m.sentAt) || !optionalTimestamp(m.originalTimestamp)) {
    return false;
  }
  if (!optionalRecord(m.context) || !optionalRecord(m.integrations)) return false;
  switch (type) {
    case 'identify':
      return optionalRecord(m.traits);
    case 'group': {
      const groupId = idText(m.groupId);
      if (groupId === undefined || !optionalRecord(m.traits)) return false;
      m.groupId = groupId;
      return true;
    }
    case 'track': {
      if (typeof m.event !== 'string' || !optionalRecord(m.properties)) return false;
      const event = m.event.trim();
      if (event.length === 0) return false;
      m.event = event;
      return true;
    }
    case 'page':
    case 'screen':
      return optionalString(m.name) && optionalRecord(m.properties);
    case 'alias': {
      const previousId = idText(m.previousId);
      if (previousId === undefined) return false;
      m.previousId = previousId;
      return true;
    }
  }
}

export type Message = z.output<
  typeof identify | typeof group | typeof track | typeof page | typeof screen | typeof alias
> & {
  messageId: string;
};

const hasKeys = (value: object | undefined) => {
  for (const _ in value) return true;
  return false;
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface MessageIssue {
  path: string;
  message: string;
}

/**
 * Validate one message. `forcedType` is the type implied by the route (/v1/identify…); in a batch each
 * message names its own. Returns the normalised message (messageId generated when absent, as Segment does);
 * a plain-object `input` is modified in place and may be that message.
 */
export function parseMessage(
  input: unknown,
  forcedType: MessageType | undefined,
  at: string,
  defaults: { context?: Record<string, unknown>; integrations?: Record<string, unknown> } = {},
): { ok: true; message: Message } | { ok: false; issues: MessageIssue[] } {
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: at, message: 'must be a JSON object' }] };
  const raw = input as Record<string, unknown>;
  const type = forcedType ?? raw.type;
  if (type === undefined) return { ok: false, issues: [{ path: `${at}type`, message: 'type is required' }] };
  // Own keys only: `"toString" in byType` is true and would be used as a schema.
  if (typeof type !== 'string' || !Object.hasOwn(byType, type)) {
    return {
      ok: false,
      issues: [
        {
          path: `${at}type`,
          message: `unknown type ${JSON.stringify(type)}; expected one of ${MESSAGE_TYPES.join(', ')}`,
        },
      ],
    };
  }
  // Checked before the merge below, which would spread a string context into junk keys ("0", "1"…).
  if (raw.context != null && !isPlainObject(raw.context)) {
    return { ok: false, issues: [{ path: `${at}context`, message: 'context must be an object' }] };
  }
  // Merged in place (the input is the caller's freshly parsed object), so validating allocates no second
  // copy of every message; same keys, values and order as spreading into a new object.
  const merged = raw;
  merged.type = type;
  merged.context = hasKeys(defaults.context)
    ? { ...defaults.context, ...(raw.context as object | undefined) }
    : ((raw.context as object | null | undefined) ?? {});
  if (raw.integrations || defaults.integrations) merged.integrations = raw.integrations ?? defaults.integrations;
  let message: Message;
  if (conformsFast(merged, type as MessageType)) {
    message = merged as Message;
  } else {
    const parsed = byType[type as MessageType].safeParse(merged);
    if (!parsed.success) {
      return {
        ok: false,
        issues: parsed.error.issues.map((i) => ({ path: `${at}${i.path.join('.')}`, message: i.message })),
      };
    }
    message = parsed.data as Message;
  }
  if (message.userId == null && message.anonymousId == null && type !== 'alias') {
    return { ok: false, issues: [{ path: `${at}userId`, message: 'userId or anonymousId is required' }] };
  }
  if (!message.messageId) message.messageId = randomUUID();
  return { ok: true, message };
}
