import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, checkToken, saveToken } from '../api.js';

interface Props {
  message?: string;
  version?: string;
  onSignedIn: (token: string) => void;
}

export function LoginPage({ message, version, onSignedIn }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ComponentChildren>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Paste the admin token first.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (await checkToken(value)) {
        saveToken(value);
        onSignedIn(value);
        return;
      }
      setError(
        <>
          That token was not accepted. Use the admin token the hub printed at its first start (or{' '}
          <code>SYNCHUB_ADMIN_TOKEN</code> when it is set). Lost it? Run <code>synchub token</code> where the hub runs:
          it prints a new one (the old one stops working).
        </>,
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} noValidate>
        <div class="login-brand">
          <span class="brand-mark" aria-hidden="true" />
          <h1>Synchub</h1>
        </div>
        <p class="muted">
          Sign in with the hub's admin token. This browser keeps it, in every tab, until you sign out.
        </p>
        {message && !error && (
          <p class="notice info" role="status">
            {message}
          </p>
        )}
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input
            id="admin-token"
            type="password"
            autoComplete="current-password"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            aria-invalid={error ? true : undefined}
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this screen
            autoFocus
          />
        </div>
        <button type="submit" class="button primary wide" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {version && <p class="muted small center">Hub v{version}</p>}
      </form>
    </main>
  );
}
