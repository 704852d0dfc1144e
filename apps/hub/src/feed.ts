/** In-process change notifications for live views (SSE). Listeners must be quick; nothing is buffered here. */
export function createFeed() {
  const listeners = new Set<(change: unknown) => void>();
  return {
    publish(change: unknown) {
      for (const l of listeners) l(change);
    },
    subscribe(listener: (change: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
