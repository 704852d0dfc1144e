/**
 * Change notifications for live views (SSE), alerts and plugin services. Listeners must be quick; nothing
 * is buffered here. `publish` reaches this process's listeners and, when the hub shares its database with
 * other processes, the relay that sends the change to them (db/postgres/feed-relay.ts); what the relay
 * receives from them comes in through `deliver`, to this process's listeners only.
 */
export function createFeed() {
  const listeners = new Set<(change: unknown) => void>();
  let forward: ((change: unknown) => void) | undefined;
  const deliver = (change: unknown) => {
    for (const l of listeners) l(change);
  };
  return {
    publish(change: unknown) {
      deliver(change);
      forward?.(change);
    },
    subscribe(listener: (change: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** A change another process published: to this process's listeners, not sent on again. */
    deliver,
    /** Where published changes go besides this process (one relay; undefined stops forwarding). */
    forwardTo(send: ((change: unknown) => void) | undefined) {
      forward = send;
    },
  };
}

export type Feed = ReturnType<typeof createFeed>;
