import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { CheckStatus } from '../components/check-status.js';
import { Confirm, ListTable, SuccessNotice } from '../components/list-page.js';
import { LoadStatus, useLoad } from '../components/load.js';
import { takeFlash } from '../flash.js';
import { formatDate } from '../format.js';
import type { Connection, Connector, LastCheck } from '../types.js';

export function ConnectionsPage() {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [notice, setNotice] = useState(takeFlash);
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
}

function ConnectionRow({ connection, connectorName, onChange, onDeleted }: RowProps) {
  const [busy, setBusy] = useState<'validating' | 'deleting' | undefined>();
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

  const remove = async () => {
    setBusy('deleting');
    setError(undefined);
    try {
      await api.deleteConnection(id);
      onDeleted(connection);
    } catch (e) {
      setBusy(undefined);
      setConfirming(false);
      if (!(e instanceof ApiError && e.status === 401)) setError(`Delete failed: ${(e as Error).message}`);
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
          <Confirm busy={busy === 'deleting'} onConfirm={remove} onCancel={() => setConfirming(false)} />
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
              onClick={() => setConfirming(true)}
              disabled={busy !== undefined}
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
