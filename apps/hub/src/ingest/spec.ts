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

export type Message = z.output<
  typeof identify | typeof group | typeof track | typeof page | typeof screen | typeof alias
> & {
  messageId: string;
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
 * message names its own. Returns the normalised message (messageId generated when absent, as Segment does).
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
  const schema = byType[type as MessageType];
  const merged = {
    ...raw,
    type,
    context: { ...defaults.context, ...(raw.context as object | undefined) },
    ...(raw.integrations || defaults.integrations ? { integrations: raw.integrations ?? defaults.integrations } : {}),
  };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: `${at}${i.path.join('.')}`, message: i.message })),
    };
  }
  const message = parsed.data as Message;
  if (message.userId == null && message.anonymousId == null && type !== 'alias') {
    return { ok: false, issues: [{ path: `${at}userId`, message: 'userId or anonymousId is required' }] };
  }
  if (!message.messageId) message.messageId = randomUUID();
  return { ok: true, message };
}
