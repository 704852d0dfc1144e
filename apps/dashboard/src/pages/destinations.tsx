import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { Confirm, ListTable, SuccessNotice } from '../components/list-page.js';
import { LoadStatus, useLoad } from '../components/load.js';
import { takeFlash } from '../flash.js';
import type { Connection, Destination, Source } from '../types.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where events go: Gainsight destinations, their connection, mapping summary and which sources feed them. */
export function DestinationsPage() {
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [connections, setConnections] = useState<Connection[]>([]);
  const [sources, setSources] = useState<Source[]>([]);
  const [notice, setNotice] = useState(takeFlash);
  const { load, refresh } = useLoad(async () => {
    const [d, c, s] = await Promise.all([api.destinations(), api.connections(), api.sources()]);
    setDestinations(d);
    setConnections(c);
    setSources(s);
  });

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>Destinations</h1>
          <p class="muted">Where the events of a source are delivered, and how their traits map to vendor fields.</p>
        </div>
        <a class="button primary" href="#/destinations/new">
          Add destination
        </a>
      </div>
      <SuccessNotice text={notice} />
      <LoadStatus load={load} what="destinations" onRetry={() => void refresh()} />
      {load.state === 'ready' && destinations.length === 0 && (
        <div class="card empty">
          <h2>No destinations yet</h2>
          <p class="muted">
            A Gainsight destination turns identify, group and track calls into people, companies and events.
          </p>
          <a class="button primary" href="#/destinations/new">
            Add a Gainsight destination
          </a>
        </div>
      )}
      {load.state === 'ready' && destinations.length > 0 && (
        <ListTable caption="Destinations" columns={['Name', 'Connection', 'Mapping', 'Sources', 'Status']}>
          {destinations.map((d) => (
            <DestinationRow
              key={d.id}
              destination={d}
              connection={connections.find((c) => c.id === d.connectionId)}
              sources={sources.filter((s) => s.destinationId === d.id)}
              onDeleted={() => {
                setDestinations((list) => list.filter((x) => x.id !== d.id));
                setNotice(`Deleted “${d.name}”.`);
              }}
            />
          ))}
        </ListTable>
      )}
    </section>
  );
}

interface RowProps {
  destination: Destination;
  connection: Connection | undefined;
  sources: Source[];
  onDeleted: () => void;
}

function DestinationRow({ destination: d, connection, sources, onDeleted }: RowProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const s = d.settings;

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteDestination(d.id);
      onDeleted();
    } catch (e) {
      setBusy(false);
      setConfirming(false);
      if (!(e instanceof ApiError && e.status === 401)) setError(`Delete failed: ${(e as Error).message}`);
    }
  };

  return (
    <tr>
      <th scope="row" class="name-cell">
        {d.name}
        <div class="muted small">Gainsight</div>
      </th>
      <td>{connection?.name ?? <span class="muted">Missing connection</span>}</td>
      <td class="small">
        <ul class="plain">
          <li>{plural(s.personFieldMap.length, 'custom person field')}</li>
          <li>{plural(s.companyFieldMap.length, 'custom company field')}</li>
          <li>
            {plural(s.eventVersions.length, 'event')}
            {s.topicName ? (
              <>
                {' '}
                on topic <code>{s.topicName}</code>
              </>
            ) : s.eventVersions.length > 0 ? (
              <span class="error-text"> (no topic set)</span>
            ) : null}
          </li>
          <li class="muted">
            Flush every {s.flushWindowMs} ms, up to {plural(s.maxAttempts, 'attempt')}
          </li>
        </ul>
      </td>
      <td class="small">
        {sources.length === 0 ? <span class="muted">None</span> : sources.map((x) => x.name).join(', ')}
      </td>
      <td>
        <span class={d.enabled ? 'badge ok' : 'badge neutral'}>{d.enabled ? 'Enabled' : 'Disabled'}</span>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </td>
      <td class="actions">
        {confirming ? (
          <Confirm busy={busy} onConfirm={remove} onCancel={() => setConfirming(false)} />
        ) : (
          <div class="button-row">
            <a
              class="button small"
              href={`#/destinations/${encodeURIComponent(d.id)}/edit`}
              aria-label={`Edit ${d.name}`}
            >
              Edit
            </a>
            <button
              type="button"
              class="button small ghost danger-text"
              onClick={() => setConfirming(true)}
              aria-label={`Delete ${d.name}`}
            >
              Delete
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
