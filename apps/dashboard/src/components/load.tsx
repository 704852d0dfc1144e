import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';

// A page's loading state, the hook the list pages load with (with a retry), and how loading shows.

export type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready' };

/**
 * Runs `fetchAll` (which stores what it fetched in the page's state) on mount and on `refresh()`.
 * A 401 leaves the state alone: the app has already sent the session back to the login.
 */
export function useLoad(fetchAll: () => Promise<void>): { load: Load; refresh: () => Promise<void> } {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const latest = useRef(fetchAll);
  latest.current = fetchAll;

  const refresh = useCallback(async () => {
    try {
      await latest.current();
      setLoad({ state: 'ready' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      setLoad({ state: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return { load, refresh };
}

interface LoadStatusProps {
  load: Load;
  /** What is loading ("connections"); without it, just "Loading…". */
  what?: string;
  /** Offers a Retry button next to the error. */
  onRetry?: () => void;
}

/** "Loading <what>…", or why it could not load (with Retry when it can); nothing once ready. */
export function LoadStatus({ load, what, onRetry }: LoadStatusProps) {
  if (load.state === 'loading') return <p class="muted">{what ? `Loading ${what}…` : 'Loading…'}</p>;
  if (load.state === 'ready') return null;
  const reason = what ? `Could not load ${what}: ${load.message}` : `Could not load: ${load.message}`;
  if (!onRetry) {
    return (
      <p class="notice error" role="alert">
        {reason}
      </p>
    );
  }
  return (
    <div class="notice error" role="alert">
      {reason}{' '}
      <button type="button" class="button small" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
