import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { Confirm, ListTable, SuccessNotice } from '../components/list-page.js';
import { LoadStatus, useLoad } from '../components/load.js';
import { takeFlash } from '../flash.js';
import { HOST_KEYS } from '../destination-kind.js';
import { formatDetail, humanize } from '../format.js';
import {
  type Connection,
  type Destination,
  type DestinationKind,
  type GainsightDestination,
  isGainsightDestination,
  type Source,
} from '../types.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where events go: Gainsight destinations, their connection, mapping summary and which sources feed them. */
export function DestinationsPage() {
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [connections, setConnections] = useState<Connection[]>([]);
  const [sources, setSources] = useState<Source[]>([]);
  const [kinds, setKinds] = useState<DestinationKind[]>([]);
  const [notice, setNotice] = useState(takeFlash);
  const { load, refresh } = useLoad(async () => {
    const [d, c, s, k] = await Promise.all([
      api.destinations(),
      api.connections(),
      api.sources(),
      // Only for the kinds' titles: the list still shows without them.
      api.destinationKinds().catch(() => [] as DestinationKind[]),
    ]);
    setDestinations(d);
    setConnections(c);
    setSources(s);
    setKinds(k);
  });
  const only = kinds.length === 1 ? kinds[0] : undefined;

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
            A destination turns identify, group and track calls into records of a connected tool (for Gainsight: people,
            companies and events).
          </p>
          <a class="button primary" href="#/destinations/new">
            {only ? `Add a ${only.title} destination` : 'Add your first destination'}
          </a>
        </div>
      )}
      {load.state === 'ready' && destinations.length > 0 && (
        <ListTable caption="Destinations" columns={['Name', 'Connection', 'Mapping', 'Sources', 'Status']}>
          {destinations.map((d) => (
            <DestinationRow
              key={d.id}
              destination={d}
              kind={kinds.find((k) => k.kind === d.kind)}
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
  /** Undefined while the kinds load, or when the kind's connector is no longer installed. */
  kind: DestinationKind | undefined;
  connection: Connection | undefined;
  sources: Source[];
  onDeleted: () => void;
}

function DestinationRow({ destination: d, kind, connection, sources, onDeleted }: RowProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

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
        <div class="muted small">{kind?.title ?? d.kind}</div>
      </th>
      <td>{connection?.name ?? <span class="muted">Missing connection</span>}</td>
      <td class="small">
        {isGainsightDestination(d) ? <GainsightSummary d={d} /> : <SettingsSummary d={d} kind={kind} />}
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

function GainsightSummary({ d }: { d: GainsightDestination }) {
  const s = d.settings;
  return (
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
      <Delivery d={d} />
    </ul>
  );
}

/** Any other kind: its own settings, briefly, and the delivery settings. */
function SettingsSummary({ d, kind }: { d: Destination; kind: DestinationKind | undefined }) {
  const own = Object.entries(d.settings).filter(([k]) => !(HOST_KEYS as readonly string[]).includes(k));
  const label = (key: string) => kind?.settingsSchema.properties?.[key]?.title ?? humanize(key);
  return (
    <ul class="plain">
      {own.slice(0, 3).map(([k, v]) => (
        <li key={k}>
          {label(k)}: {Array.isArray(v) ? plural(v.length, 'row') : formatDetail(v)}
        </li>
      ))}
      {own.length > 3 && <li class="muted">and {plural(own.length - 3, 'more setting')}</li>}
      <Delivery d={d} />
    </ul>
  );
}

function Delivery({ d }: { d: Destination }) {
  const flush = d.settings['flushWindowMs'];
  const attempts = d.settings['maxAttempts'];
  if (typeof flush !== 'number' || typeof attempts !== 'number') return null;
  return (
    <li class="muted">
      Flush every {flush} ms, up to {plural(attempts, 'attempt')}
    </li>
  );
}
