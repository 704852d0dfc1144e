import { emailMessage, type Notification, webhookBody } from './message.js';
import {
  type ChannelName,
  type ChannelSecrets,
  type DeliveryOutcome,
  type EmailSettings,
  isLoopbackHost,
  type StoredChannels,
} from './schema.js';

/** A channel could not take a notification: `transient` is worth another try, `rejected` is not. */
export class ChannelError extends Error {
  override readonly name = 'ChannelError' as const;
  constructor(
    readonly code: 'transient' | 'rejected',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
const isChannelError = (e: unknown): e is ChannelError =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ChannelError';

/** Each try of one channel may take this long. */
export const SEND_TIMEOUT_MS = 10_000;
/** Waits between tries (so four tries in all): a channel that is down for a minute still gets the alert. */
export const RETRY_DELAYS_MS = [2_000, 10_000, 30_000];

export interface Sender {
  channel: ChannelName;
  target: string;
  send(n: Notification): Promise<void>;
}

export interface SenderDeps {
  fetch: typeof fetch;
}

function webhookSender(url: string, deps: SenderDeps): Sender {
  const target = new URL(url).host;
  return {
    channel: 'webhook',
    target,
    async send(n) {
      let res: Response;
      try {
        res = await deps.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'synchub-alerts' },
          body: JSON.stringify(webhookBody(n)),
          // A redirect could lead the alert anywhere; receivers answer where they were called.
          redirect: 'error',
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
      } catch (cause) {
        const reason = (cause as Error).name === 'TimeoutError' ? 'no answer in time' : (cause as Error).message;
        throw new ChannelError('transient', `${target}: ${reason}`, { cause });
      }
      const body = (await res.text().catch(() => '')).slice(0, 200);
      if (res.ok) return;
      const message = `${target} answered ${res.status}${body ? `: ${body}` : ''}`;
      throw new ChannelError(res.status === 429 || res.status >= 500 ? 'transient' : 'rejected', message);
    },
  };
}

function emailSender(settings: EmailSettings, pass: string | undefined): Sender {
  const port = settings.port ?? (settings.secure ? 465 : 587);
  const auth = settings.user ? { user: settings.user, pass: pass ?? '' } : undefined;
  return {
    channel: 'email',
    target: settings.to.join(', '),
    async send(n) {
      // Loaded on first use: nodemailer is a large module graph that start-up does not need.
      const { createTransport } = await import('nodemailer');
      const transport = createTransport({
        host: settings.host,
        port,
        secure: settings.secure,
        ...(auth ? { auth } : {}),
        // A password never crosses a network in clear: with one, a remote server must offer STARTTLS.
        requireTLS: !settings.secure && auth !== undefined && !isLoopbackHost(settings.host),
        connectionTimeout: SEND_TIMEOUT_MS,
        greetingTimeout: SEND_TIMEOUT_MS,
        socketTimeout: SEND_TIMEOUT_MS,
      });
      const { subject, text } = emailMessage(n);
      try {
        await transport.sendMail({ from: settings.from, to: settings.to, subject, text, date: new Date(n.at) });
      } catch (cause) {
        const e = cause as { message?: string; code?: string; responseCode?: number };
        // 5xx answers and refused logins will not get better by waiting; connection trouble may.
        const rejected = (e.responseCode ?? 0) >= 500 || e.code === 'EAUTH' || e.code === 'EENVELOPE';
        throw new ChannelError(rejected ? 'rejected' : 'transient', `${settings.host}: ${e.message ?? String(cause)}`, {
          cause,
        });
      } finally {
        transport.close();
      }
    },
  };
}

/** The senders of a rule's channels (none when it has none). */
export function sendersOf(channels: StoredChannels, secrets: ChannelSecrets, deps: SenderDeps): Sender[] {
  const senders: Sender[] = [];
  if (channels.webhook) senders.push(webhookSender(channels.webhook.url, deps));
  if (channels.email) senders.push(emailSender(channels.email, secrets.emailPassword));
  return senders;
}

/**
 * Sends through one channel, trying again after each of `delays` while the failure is transient.
 * Never throws: the outcome (with the last error) goes into the history.
 */
export async function deliver(
  sender: Sender,
  n: Notification,
  options: { delays: number[]; sleep: (ms: number) => Promise<void>; now: () => number; stopped?: () => boolean },
): Promise<DeliveryOutcome> {
  const outcome = (attempts: number, error?: unknown): DeliveryOutcome => ({
    channel: sender.channel,
    target: sender.target,
    ok: error === undefined,
    attempts,
    ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
    at: options.now(),
  });
  for (let attempts = 1; ; attempts++) {
    try {
      await sender.send(n);
      return outcome(attempts);
    } catch (error) {
      const transient = !isChannelError(error) || error.code === 'transient';
      const delay = options.delays[attempts - 1];
      if (!transient || delay === undefined || options.stopped?.()) return outcome(attempts, error);
      await options.sleep(delay);
      // Woken by a stop: no further try now (the notification stays pending for the next start).
      if (options.stopped?.()) return outcome(attempts, error);
    }
  }
}
