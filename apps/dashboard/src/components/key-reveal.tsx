import { useState } from 'preact/hooks';
import { CodeBlock, CopyField } from './copy-box.js';
import { usePublicUrl } from './public-url.js';

type Sdk = 'segment' | 'rudderstack';

/** Ready-to-paste setup for the two Node SDKs the ingest API speaks, aimed at this hub. */
export function sdkSnippet(sdk: Sdk, writeKey: string, origin: string): string {
  if (sdk === 'segment') {
    return `// npm install @segment/analytics-node
import { Analytics } from '@segment/analytics-node';

const analytics = new Analytics({
  writeKey: '${writeKey}',
  host: '${origin}',
});

analytics.identify({ userId: 'user-1', traits: { email: 'ada@example.com', name: 'Ada Lovelace' } });
analytics.track({ userId: 'user-1', event: 'Report Exported', properties: { format: 'csv' } });
await analytics.closeAndFlush();`;
  }
  return `// npm install @rudderstack/rudder-sdk-node
import Analytics from '@rudderstack/rudder-sdk-node';

const client = new Analytics('${writeKey}', {
  dataPlaneUrl: '${origin}',
});

client.identify({ userId: 'user-1', traits: { email: 'ada@example.com', name: 'Ada Lovelace' } });
client.track({ userId: 'user-1', event: 'Report Exported', properties: { format: 'csv' } });
await client.flush();`;
}

const SDKS: { id: Sdk; label: string }[] = [
  { id: 'segment', label: 'Segment Node SDK' },
  { id: 'rudderstack', label: 'RudderStack Node SDK' },
];

interface Props {
  sourceName: string;
  writeKey: string;
  /** "created" after create, "rotated" after a key rotation. */
  reason: 'created' | 'rotated';
  onDone: () => void;
}

/** The one time a write key is visible: copy box, a clear warning, and SDK snippets using it. */
export function KeyReveal({ sourceName, writeKey, reason, onDone }: Props) {
  const [sdk, setSdk] = useState<Sdk>('segment');
  const origin = usePublicUrl().url;
  return (
    <section class="card reveal" aria-labelledby="reveal-title">
      <h2 id="reveal-title">
        {reason === 'created' ? `Source “${sourceName}” created` : `New write key for “${sourceName}”`}
      </h2>
      <p class="notice warn" role="note">
        <strong>Copy this write key now and store it somewhere safe: it won’t be shown again.</strong>{' '}
        {reason === 'rotated'
          ? 'The previous key has stopped working; update every app that sends with it.'
          : 'The hub keeps only a hash of it; if you lose it, rotate the key.'}
      </p>
      <CopyField id="reveal-write-key" label="Write key" value={writeKey} />
      <div class="field">
        <span class="label" id="sdk-label">
          Send events from Node
        </span>
        <div class="tabs" role="tablist" aria-labelledby="sdk-label">
          {SDKS.map((s) => (
            <button
              key={s.id}
              type="button"
              role="tab"
              id={`tab-${s.id}`}
              aria-selected={sdk === s.id}
              aria-controls="sdk-panel"
              class={sdk === s.id ? 'tab active' : 'tab'}
              onClick={() => setSdk(s.id)}
            >
              {s.label}
            </button>
          ))}
        </div>
        <div id="sdk-panel" role="tabpanel" aria-labelledby={`tab-${sdk}`}>
          <CodeBlock
            code={sdkSnippet(sdk, writeKey, origin)}
            label={`${SDKS.find((s) => s.id === sdk)?.label} snippet`}
          />
          <p class="help">
            Both SDKs post batches to <code>{origin}/v1/batch</code> with the write key as HTTP Basic user name: give
            them the base URL, without <code>/v1</code>.
          </p>
        </div>
      </div>
      <div class="form-actions">
        <button type="button" class="button primary" onClick={onDone}>
          I’ve stored the key
        </button>
      </div>
    </section>
  );
}
