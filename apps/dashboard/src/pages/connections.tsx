import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, request } from '../api.js';
import { CheckStatus } from '../components/check-status.js';
import { Confirm, ListTable, SuccessNotice } from '../components/list-page.js';
import { LoadStatus, useLoad } from '../components/load.js';
import { takeFlash } from '../flash.js';
import { formatDate } from '../format.js';
import '../styles-connections.css';
import type { Connection, Connector, LastCheck } from '../types.js';

/** Something that uses a connection (GET /api/connections/:id/usage, or the 409 of a refused delete). */
export interface ConnectionUse {
  type: 'pipeline' | 'destination' | 'gainsight_pulls' | 'qualtrics_trigger';
  id: string;
  name: string;
  /** The setting naming the connection: `connectionId`, `settings.destinationConnectionId`, … */
  via: string;
}

const usageOf = (id: string) =>
  request<{ usedBy: ConnectionUse[] }>('GET', `/api/connections/${encodeURIComponent(id)}/usage`).then((r) => r.usedBy);

/** How it uses the connection, in words: "uses it as its target connection", "delivers through it"… */
function viaText(use: ConnectionUse): string {
  if (use.type === 'gainsight_pulls') return 'use it as their primary CRM';
  if (use.type === 'destination' && use.via === 'connectionId') return 'delivers events through it';
  if (use.type === 'qualtrics_trigger') return 'calls Qualtrics through it';
  const roles = use.via.split(', ').map((v) =>
    v === 'connectionId'
      ? 'its connection'
      : `its ${v
          .replace(/^settings\./, '')
          .replace(/Id$/, '')
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase()}`,
  );
  return `uses it as ${roles.join(' and ')}`;
}

const USE: Record<ConnectionUse['type'], { label: string; href: (u: ConnectionUse) => string; action: string }> = {
  pipeline: {
    label: 'Pipeline',
    href: (u) => `#/pipelines/${encodeURIComponent(u.id)}/edit`,
    action: 'Edit pipeline',
  },
  destination: {
    label: 'Destination',
    href: (u) => `#/destinations/${encodeURIComponent(u.id)}/edit`,
    action: 'Edit destination',
  },
  gainsight_pulls: {
    label: 'Gainsight pulls of',
    href: (u) => `#/gainsight?connection=${encodeURIComponent(u.id)}`,
    action: 'Open Gainsight settings',
  },
  qualtrics_trigger: { label: 'Qualtrics workflow trigger', href: () => '#/qualtrics', action: 'Open Qualtrics' },
};

/** Why a connection cannot be deleted yet: what uses it, each with a link to move it or delete it. */
function InUseNotice(props: { name: string; usedBy: ConnectionUse[]; onClose: () => void }) {
  const { name, usedBy, onClose } = props;
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), [name]);
  return (
    <section class="notice warn in-use" role="alert" aria-labelledby="in-use-title" tabIndex={-1} ref={ref}>
      <h2 id="in-use-title">“{name}” is in use and can’t be deleted</h2>
      <p>
        Move {usedBy.length === 1 ? 'it' : 'each of them'} to another connection (or delete{' '}
        {usedBy.length === 1 ? 'it' : 'them'}) first: deleting “{name}” now would leave{' '}
        {usedBy.length === 1 ? 'it' : 'them'} failing on every run.
      </p>
      <ul class="in-use-list">
        {usedBy.map((u) => (
          <li key={`${u.type}:${u.id}`}>
            <span>
              {USE[u.type].label} <strong>{u.name}</strong> <span class="muted">· {viaText(u)}</span>
            </span>
            <a class="button small" href={USE[u.type].href(u)}>
              {USE[u.type].action}
            </a>
          </li>
        ))}
      </ul>
      <button type="button" class="button small" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

export function ConnectionsPage() {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [notice, setNotice] = useState(takeFlash);
  const [inUse, setInUse] = useState<{ name: string; usedBy: ConnectionUse[] }>();
  const { load, refresh } = useLoad(async () => {
    const [list, kinds] = await Promise.all([api.connections(), api.connectors()]);
    setConnections(list);
    setConnectors(kinds);
  });

  const connectorName = (id: string) => connectors.find((c) => c.id === id)?.name ?? id;
  const replace = (next: Connection) => setConnections((list) => list.map((c) => (c.id === next.id ? next : c)));
  const remove = (gone: Connection) => {
    setConnections((list) => list.filter((c) => c.id !== gone.id));
    setNotice(`Deleted “${gone.name}”.`);
  };

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>Connections</h1>
          <p class="muted">Vendor accounts the hub reads from and writes to. Secrets are stored encrypted.</p>
        </div>
        <a class="button primary" href="#/connections/new">
          Add connection
        </a>
      </div>
      <SuccessNotice text={notice} />
      {inUse && <InUseNotice {...inUse} onClose={() => setInUse(undefined)} />}
      <LoadStatus load={load} what="connections" onRetry={() => void refresh()} />
      {load.state === 'ready' && connections.length === 0 && (
        <div class="card empty">
          <h2>No connections yet</h2>
          <p class="muted">Add a connection to Gainsight, Salesforce, Pendo or Qualtrics to start syncing.</p>
          <a class="button primary" href="#/connections/new">
            Add your first connection
          </a>
        </div>
      )}
      {load.state === 'ready' && connections.length > 0 && (
        <ListTable columns={['Name', 'Connector', 'Created', 'Last validation']}>
          {connections.map((c) => (
            <ConnectionRow
              key={c.id}
              connection={c}
              connectorName={connectorName(c.connectorId)}
              onChange={replace}
              onDeleted={remove}
              onInUse={(usedBy) => setInUse({ name: c.name, usedBy })}
            />
          ))}
        </ListTable>
      )}
    </section>
  );
}

interface RowProps {
  connection: Connection;
  connectorName: string;
  onChange: (connection: Connection) => void;
  onDeleted: (connection: Connection) => void;
  /** The connection cannot go: these use it. */
  onInUse: (usedBy: ConnectionUse[]) => void;
}

function ConnectionRow({ connection, connectorName, onChange, onDeleted, onInUse }: RowProps) {
  const [busy, setBusy] = useState<'validating' | 'checking' | 'deleting' | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const { id, name } = connection;

  const validate = async () => {
    setBusy('validating');
    setError(undefined);
    try {
      const answer = await api.validateConnection(id);
      const lastCheck: LastCheck = answer.ok
        ? { ok: true, at: answer.at, summary: answer.summary ?? 'Connected', details: answer.details ?? {} }
        : { ok: false, at: answer.at, error: answer.error ?? { code: 'unknown', message: 'Validation failed' } };
      onChange({ ...connection, lastCheck });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError(`Validation could not run: ${(e as Error).message}`);
    } finally {
      setBusy(undefined);
    }
  };

  /** Ask only about a connection nothing uses; otherwise say what uses it and offer no delete. */
  const askDelete = async () => {
    setBusy('checking');
    setError(undefined);
    try {
      const usedBy = await usageOf(id);
      if (usedBy.length > 0) onInUse(usedBy);
      else setConfirming(true);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401))
        setError(`Could not check what uses it: ${(e as Error).message}`);
    } finally {
      setBusy(undefined);
    }
  };

  const remove = async () => {
    setBusy('deleting');
    setError(undefined);
    try {
      await api.deleteConnection(id);
      onDeleted(connection);
    } catch (e) {
      setBusy(undefined);
      setConfirming(false);
      if (e instanceof ApiError && e.status === 409) {
        // Something started using it since the check: show what.
        void usageOf(id).then((usedBy) => (usedBy.length > 0 ? onInUse(usedBy) : setError(e.message)));
      } else if (!(e instanceof ApiError && e.status === 401)) setError(`Delete failed: ${(e as Error).message}`);
    }
  };

  return (
    <tr>
      <th scope="row" class="name-cell">
        {name}
      </th>
      <td>
        <span class="connector-tag">{connectorName}</span>
      </td>
      <td>
        <time dateTime={connection.createdAt} class="nowrap">
          {formatDate(connection.createdAt)}
        </time>
      </td>
      <td class="status-cell" aria-live="polite">
        {busy === 'validating' ? (
          <span class="badge neutral">Validating…</span>
        ) : (
          <CheckStatus check={connection.lastCheck} />
        )}
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </td>
      <td class="actions">
        {confirming ? (
          <Confirm
            prompt={`Delete “${name}”? Nothing uses it.`}
            busy={busy === 'deleting'}
            onConfirm={remove}
            onCancel={() => setConfirming(false)}
          />
        ) : (
          <div class="button-row">
            <button
              type="button"
              class="button small"
              onClick={validate}
              disabled={busy !== undefined}
              aria-label={`Validate ${name}`}
            >
              Validate
            </button>
            <a
              class="button small ghost"
              href={`#/connections/${encodeURIComponent(id)}/edit`}
              aria-label={`Edit ${name}`}
            >
              Edit
            </a>
            {connection.connectorId === 'gainsight' && (
              <a
                class="button small ghost"
                href={`#/gainsight?connection=${encodeURIComponent(id)}`}
                aria-label={`Configure pulls of ${name}`}
              >
                Configure pulls
              </a>
            )}
            <button
              type="button"
              class="button small ghost danger-text"
              onClick={askDelete}
              disabled={busy !== undefined}
              aria-label={`Delete ${name}`}
            >
              {busy === 'checking' ? 'Checking…' : 'Delete'}
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
