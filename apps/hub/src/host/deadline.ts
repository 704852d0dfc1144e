import { HubError } from '../errors.js';

/** The message of anything a plugin threw or rejected with (a plain Error, a branded error, a string…). */
export function pluginMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

const duration = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/**
 * Runs a plugin's operation with a deadline: at `ms` the signal it got aborts and the hub stops waiting,
 * rejecting with HubError `timeout` (what the plugin does afterwards is no longer awaited). A parent
 * signal (the hub stopping) aborts it too.
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onParent, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HubError('timeout', `${what} did not finish within ${duration(ms)}`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const running = Promise.resolve().then(() => work(controller.signal));
  // Whatever the plugin does after the deadline, its outcome is no longer awaited (nor unhandled).
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParent);
  }
}
