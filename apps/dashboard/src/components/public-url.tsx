import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { PublicUrl } from '../types.js';

// Where others reach the hub (SYNCHUB_PUBLIC_URL, else the address it listens on): the base of every ingest
// and webhook URL the dashboard shows. Asked once per page load.

let asked: Promise<PublicUrl> | undefined;

/** The hub's public URL; the page's own origin until the hub has answered (or if it cannot). */
export function usePublicUrl(): PublicUrl & { known: boolean } {
  const [answer, setAnswer] = useState<PublicUrl | undefined>();
  useEffect(() => {
    let live = true;
    asked ??= api.settings().then((r) => r.publicUrl);
    asked.then(
      (r) => live && setAnswer(r),
      () => {
        asked = undefined; // asked again on the next page
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (answer) return { ...answer, known: true };
  return { url: window.location.origin, configured: false, loopback: false, known: false };
}

/** Said while the public URL is a loopback address: vendors and other machines cannot reach it. */
export function LoopbackWarning({ publicUrl, what }: { publicUrl: PublicUrl; what: string }) {
  if (!publicUrl.loopback) return null;
  return (
    <div class="notice warn" role="note">
      <p>
        <strong>
          The hub’s address, <code>{publicUrl.url}</code>, is a loopback address: only this machine can reach it.
        </strong>{' '}
        {what} on other machines cannot. Set <code>SYNCHUB_PUBLIC_URL</code> to the URL they reach the hub at (e.g.{' '}
        <code>https://synchub.example.com</code>) and restart the hub; every URL shown here follows it.
      </p>
    </div>
  );
}
