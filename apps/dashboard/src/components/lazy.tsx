import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A page loaded on first use (its own chunk), so the bundle every visitor downloads stays small.
 * Without preact/compat: a module-level cache plus one effect.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [error, setError] = useState<string | undefined>();
    useEffect(() => {
      if (loaded) return;
      let live = true;
      load().then(
        (component) => {
          loaded = component;
          if (live) setPage(() => component);
        },
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
      return () => {
        live = false;
      };
    }, []);
    if (Page) return <Page {...props} />;
    return (
      <section class="page">
        {error ? (
          <p class="notice error" role="alert">
            Could not load this page: {error}. Reload to try again.
          </p>
        ) : (
          <p class="muted">Loading…</p>
        )}
      </section>
    );
  };
}
