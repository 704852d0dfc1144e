import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { Confirm, ListTable, SuccessNotice } from '../components/list-page.js';
import { LoadStatus, useLoad } from '../components/load.js';
import { FieldLabel } from '../components/schema-field.js';
import { KeyReveal } from '../components/key-reveal.js';
import { formatDate } from '../format.js';
import type { Destination, Source } from '../types.js';

type Reveal = { sourceName: string; writeKey: string; reason: 'created' | 'rotated' };

const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Sources: where events come in. Each has a write key (shown once) and routes to one destination. */
export function SourcesPage() {
  const [sources, setSources] = useState<Source[]>([]);
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [reveal, setReveal] = useState<Reveal | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const { load, refresh } = useLoad(async () => {
    const [list, dests] = await Promise.all([api.sources(), api.destinations()]);
    setSources(list);
    setDestinations(dests);
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
            Apps send Segment/RudderStack-style events to <code>{window.location.origin}/v1</code> with a source’s write
            key; the hub stores them and delivers them to the source’s destination.
          </p>
        </div>
      </div>
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
              Rotate key
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
