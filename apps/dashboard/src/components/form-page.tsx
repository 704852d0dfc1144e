import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import type { Load } from './load.js';

// The scaffolding the add/edit pages share: loading what the form needs, the form-level error, and the
// Save/Create and Cancel buttons.

/**
 * Loads what an add/edit page needs whenever `key` (the edited id) changes; `store` keeps it in the page's
 * state unless the page has moved on meanwhile. A 401 is left to the app (it returns to the login).
 */
export function useLoadFor<T>(key: unknown, fetchAll: () => Promise<T>, store: (value: T) => void): Load {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const latest = useRef({ fetchAll, store });
  latest.current = { fetchAll, store };

  // Keyed on the edited id only: the latest callbacks are read through the ref.
  useEffect(() => {
    let live = true;
    latest.current.fetchAll().then(
      (value) => {
        if (!live) return;
        latest.current.store(value);
        setLoad({ state: 'ready' });
      },
      (e: unknown) => {
        if (!live || (e instanceof ApiError && e.status === 401)) return;
        setLoad({ state: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [key]);

  return load;
}

export type FormError = { message: string; more: string[] };

/** The form-level error: a message and the hub's issues that belong to no field. */
export function FormErrorNotice({ error }: { error: FormError | undefined }) {
  if (!error) return null;
  return (
    <div class="notice error" role="alert">
      <p>{error.message}</p>
      {error.more.length > 0 && (
        <ul>
          {error.more.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface FormActionsProps {
  busy: boolean;
  editing: boolean;
  /** The submit button's label when adding, e.g. "Create connection". */
  createLabel: string;
  /** Where Cancel goes back to, e.g. "#/connections". */
  cancelHref: string;
}

export function FormActions({ busy, editing, createLabel, cancelHref }: FormActionsProps) {
  return (
    <div class="form-actions">
      <button type="submit" class="button primary" disabled={busy}>
        {busy ? 'Saving…' : editing ? 'Save changes' : createLabel}
      </button>
      <a class="button ghost" href={cancelHref}>
        Cancel
      </a>
    </div>
  );
}
