import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { Confirm, ListTable, SuccessNotice } from '../components/list-page.js';
import { LoadStatus, useLoad } from '../components/load.js';
import { FieldLabel } from '../components/schema-field.js';
import { KeyReveal } from '../components/key-reveal.js';
import { formatDate } from '../format.js';
import type { Destination, PublicUrl, Refusal, Source } from '../types.js';
import { CopyField } from '../components/copy-box.js';
import { LoopbackWarning, usePublicUrl } from '../components/public-url.js';
import { Time } from '../components/time.js';
import '../styles-sources.css';

type Reveal = { sourceName: string; writeKey: string; reason: 'created' | 'rotated' };

const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Sources: where events come in. Each has a write key (shown once) and routes to one destination. */
export function SourcesPage() {
  const [sources, setSources] = useState<Source[]>([]);
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [reveal, setReveal] = useState<Reveal | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [refusals, setRefusals] = useState<Refusal[]>([]);
  const publicUrl = usePublicUrl();
  const { load, refresh } = useLoad(async () => {
    const [list, dests, refused] = await Promise.all([api.sources(), api.destinations(), api.refusals()]);
    setSources(list);
    setDestinations(dests);
    setRefusals(refused);
  });

  const showKey = (next: Reveal) => {
    setNotice(undefined);
    setReveal(next);
    // The key panel is the one thing to look at now.
    requestAnimationFrame(() => document.getElementById('reveal-write-key')?.focus());
  };

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>Sources</h1>
          <p class="muted">
            Apps send Segment/RudderStack-style events to this hub with a source’s write key; the hub stores them and
            delivers them to the source’s destination.
          </p>
        </div>
      </div>
      <IngestAddress publicUrl={publicUrl} />
      {reveal && <KeyReveal {...reveal} onDone={() => setReveal(undefined)} />}
      <SuccessNotice text={notice} />
      <LoadStatus load={load} what="sources" onRetry={() => void refresh()} />
      {load.state === 'ready' && (
        <>
          <NewSourceForm
            destinations={destinations}
            onCreated={(source, writeKey) => {
              setSources((list) => [...list, source]);
              showKey({ sourceName: source.name, writeKey, reason: 'created' });
            }}
          />
          {sources.length === 0 ? (
            <div class="card empty">
              <h2>No sources yet</h2>
              <p class="muted">Add a source above to get a write key for your app.</p>
            </div>
          ) : (
            <ListTable caption="Sources" columns={['Name', 'Write key', 'Destination', 'Created']}>
              {sources.map((s) => (
                <SourceRow
                  key={s.id}
                  source={s}
                  destinations={destinations}
                  onChange={(next) => setSources((list) => list.map((x) => (x.id === next.id ? next : x)))}
                  onRotated={(writeKey) => {
                    showKey({ sourceName: s.name, writeKey, reason: 'rotated' });
                    // The hub keeps the new key's hint; reload rather than guess it here.
                    void refresh();
                  }}
                  onDeleted={() => {
                    setSources((list) => list.filter((x) => x.id !== s.id));
                    if (reveal?.sourceName === s.name) setReveal(undefined);
                    setNotice(`Deleted “${s.name}”. Its write key no longer works.`);
                  }}
                />
              ))}
            </ListTable>
          )}
          <RefusedRequests refusals={refusals} sources={sources} onRefresh={() => void refresh()} />
        </>
      )}
    </section>
  );
}

/** Where SDKs and the HTTP API send: the hub's public URL, and the `/v1` mistake spelled out. */
function IngestAddress({ publicUrl }: { publicUrl: PublicUrl }) {
  const base = publicUrl.url;
  return (
    <section class="card ingest-address" aria-labelledby="ingest-address">
      <h2 id="ingest-address">Where apps send events</h2>
      <LoopbackWarning publicUrl={publicUrl} what="Apps and SDKs" />
      <CopyField id="ingest-base-url" label="SDK dataPlaneUrl (RudderStack) or host (Segment)" value={base} />
      <p class="help">
        The base URL, <strong>without</strong> <code>/v1</code>: the SDKs add <code>/v1/batch</code> themselves, so{' '}
        <code>{base}/v1</code> as a <code>dataPlaneUrl</code> sends to <code>/v1/v1/batch</code> and gets “Not Found”.
      </p>
      <p class="help">
        HTTP API: <code>POST {base}/v1/batch</code> (or <code>/v1/identify</code>, <code>/v1/group</code>,{' '}
        <code>/v1/track</code>, <code>/v1/page</code>, <code>/v1/screen</code>, <code>/v1/alias</code>) with the write
        key as the Basic auth user name.{' '}
        {publicUrl.configured ? (
          <>
            This is <code>SYNCHUB_PUBLIC_URL</code>.
          </>
        ) : (
          <>
            The hub’s listening address; set <code>SYNCHUB_PUBLIC_URL</code> when apps reach it at another URL (a proxy,
            a domain).
          </>
        )}
      </p>
    </section>
  );
}

const SHOWN_REFUSALS = 50;

/** Requests ingest refused, per source: status, reason, how many and when last (the hub counts them). */
function RefusedRequests(props: { refusals: Refusal[]; sources: Source[]; onRefresh: () => void }) {
  const { refusals, sources } = props;
  const nameOf = (id: string | null) =>
    id === null ? 'No source (unknown write key)' : (sources.find((s) => s.id === id)?.name ?? 'A deleted source');
  const total = refusals.reduce((n, r) => n + r.count, 0);
  return (
    <section class="card refusals" aria-labelledby="refusals-title">
      <div class="refusals-head">
        <h2 id="refusals-title">Refused requests</h2>
        <button type="button" class="button small" onClick={props.onRefresh}>
          Refresh
        </button>
      </div>
      {refusals.length === 0 ? (
        <p class="muted">None: ingest has accepted every request so far.</p>
      ) : (
        <>
          <p class="muted small">
            {total.toLocaleString()} request{total === 1 ? '' : 's'} refused, by source and reason (nothing of a refused
            request is stored; the SDK may retry it).
          </p>
          <div class="scroll-x">
            <table class="table compact-table">
              <caption class="visually-hidden">Refused requests by source and reason</caption>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col" class="num">
                    Requests
                  </th>
                  <th scope="col">Last</th>
                </tr>
              </thead>
              <tbody>
                {refusals.slice(0, SHOWN_REFUSALS).map((r) => (
                  <tr key={`${r.sourceId}:${r.code}:${r.reason}`}>
                    <td>{nameOf(r.sourceId)}</td>
                    <td>
                      <span class="badge failed" title={r.code}>
                        {r.status}
                      </span>
                    </td>
                    <td class="refusal-reason">{r.reason}</td>
                    <td class="num">{r.count.toLocaleString()}</td>
                    <td class="nowrap">
                      <Time at={r.lastAt} seconds={false} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function DestinationOptions({ destinations }: { destinations: Destination[] }) {
  return (
    <>
      <option value="">None (store events only)</option>
      {destinations.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name}
          {d.enabled ? '' : ' (disabled)'}
        </option>
      ))}
    </>
  );
}

function NewSourceForm(props: { destinations: Destination[]; onCreated: (s: Source, writeKey: string) => void }) {
  const { destinations, onCreated } = props;
  const [name, setName] = useState('');
  const [destinationId, setDestinationId] = useState(() => (destinations.length === 1 ? destinations[0]!.id : ''));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Give the source a name, e.g. “Web app (production)”.' });
      document.getElementById('source-name')?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      const { source, writeKey } = await api.createSource({ name: name.trim(), destinationId: destinationId || null });
      setName('');
      onCreated(source, writeKey);
    } catch (e) {
      if (quiet(e)) return;
      const byField: Record<string, string> = {};
      if (e instanceof ApiError) {
        for (const i of e.issues) if (i.path === 'name' || i.path === 'destinationId') byField[i.path] = i.message;
      }
      setErrors(byField);
      setFormError(Object.keys(byField).length ? 'Please fix the highlighted fields.' : messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-card inline-form" onSubmit={submit} noValidate aria-labelledby="new-source-title">
      <h2 id="new-source-title">Add source</h2>
      {formError && (
        <p class="notice error" role="alert">
          {formError}
        </p>
      )}
      <div class="inline-fields">
        <div class={`field${errors['name'] ? ' invalid' : ''}`}>
          <FieldLabel id="source-name" text="Source name" required />
          <input
            id="source-name"
            value={name}
            autoComplete="off"
            aria-required
            aria-invalid={errors['name'] ? true : undefined}
            aria-describedby={errors['name'] ? 'source-name-error' : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {errors['name'] && (
            <p class="field-error" id="source-name-error">
              {errors['name']}
            </p>
          )}
        </div>
        <div class={`field${errors['destinationId'] ? ' invalid' : ''}`}>
          <label for="source-destination">Destination</label>
          <select
            id="source-destination"
            value={destinationId}
            aria-invalid={errors['destinationId'] ? true : undefined}
            aria-describedby={errors['destinationId'] ? 'source-destination-error' : 'source-destination-help'}
            onChange={(e) => setDestinationId(e.currentTarget.value)}
          >
            <DestinationOptions destinations={destinations} />
          </select>
          {errors['destinationId'] ? (
            <p class="field-error" id="source-destination-error">
              {errors['destinationId']}
            </p>
          ) : (
            <p class="help" id="source-destination-help">
              {destinations.length === 0 ? (
                <>
                  No destinations yet: <a href="#/destinations/new">add one</a>, or pick it later.
                </>
              ) : (
                'Where its events are delivered. You can change it later.'
              )}
            </p>
          )}
        </div>
        <div class="field field-button">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create source'}
          </button>
        </div>
      </div>
    </form>
  );
}

interface RowProps {
  source: Source;
  destinations: Destination[];
  onChange: (source: Source) => void;
  onRotated: (writeKey: string) => void;
  onDeleted: () => void;
}

function SourceRow({ source, destinations, onChange, onRotated, onDeleted }: RowProps) {
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const { id, name } = source;

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(undefined);
    setSaved(false);
    try {
      await action();
    } catch (e) {
      if (!quiet(e)) setError(`${what} failed: ${messageOf(e)}`);
    } finally {
      setBusy(undefined);
      setConfirming(undefined);
    }
  };

  const changeDestination = (destinationId: string) =>
    run('Saving the destination', async () => {
      onChange(await api.updateSource(id, { destinationId: destinationId || null }));
      setSaved(true);
    });

  return (
    <tr>
      <th scope="row" class="name-cell">
        {name}
      </th>
      <td>
        <code class="key-hint" title="Only the last characters are kept for display">
          {source.writeKeyHint}
        </code>
      </td>
      <td>
        <select
          class="compact"
          aria-label={`Destination for ${name}`}
          value={source.destinationId ?? ''}
          disabled={busy !== undefined}
          onChange={(e) => void changeDestination(e.currentTarget.value)}
        >
          <DestinationOptions destinations={destinations} />
        </select>
        <span class="row-status" aria-live="polite">
          {busy === 'Saving the destination' ? 'Saving…' : saved ? 'Saved' : ''}
        </span>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </td>
      <td>
        <time dateTime={source.createdAt} class="nowrap">
          {formatDate(source.createdAt)}
        </time>
      </td>
      <td class="actions">
        {confirming === 'rotate' && (
          <Confirm
            prompt="The current key stops working at once. Rotate?"
            confirmLabel="Yes, rotate"
            busyLabel="Rotating…"
            busy={busy !== undefined}
            onConfirm={() => void run('Rotating the key', async () => onRotated(await api.rotateSourceKey(id)))}
            onCancel={() => setConfirming(undefined)}
          />
        )}
        {confirming === 'delete' && (
          <Confirm
            prompt="Delete? Its key stops working; queued events stay undelivered."
            busy={busy !== undefined}
            onConfirm={() =>
              void run('Delete', async () => {
                await api.deleteSource(id);
                onDeleted();
              })
            }
            onCancel={() => setConfirming(undefined)}
          />
        )}
        {!confirming && (
          <div class="button-row">
            <button
              type="button"
              class="button small"
              disabled={busy !== undefined}
              onClick={() => setConfirming('rotate')}
              aria-label={`Rotate write key of ${name}`}
            >
              Rotate write key
            </button>
            <button
              type="button"
              class="button small ghost danger-text"
              disabled={busy !== undefined}
              onClick={() => setConfirming('delete')}
              aria-label={`Delete ${name}`}
            >
              Delete
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
