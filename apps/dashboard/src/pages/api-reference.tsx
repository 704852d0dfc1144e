import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { byTag, matches, type Operation, operationsOf, schemaText } from '../api-reference.js';
import { LoadStatus, useLoad } from '../components/load.js';
import '../styles-api.css';

// biome-ignore lint/suspicious/noExplicitAny: the document is read by api-reference.ts, field by field
type Doc = Record<string, any>;

/** `#/api`: every route of the hub (and of running plugin services), read from GET /api/openapi.json. */
export function ApiReferencePage() {
  const [doc, setDoc] = useState<Doc | undefined>();
  const [search, setSearch] = useState('');
  const { load, refresh } = useLoad(async () => setDoc((await api.openapi()) as Doc));
  const operations = doc ? operationsOf(doc) : [];
  const shown = operations.filter((op) => matches(op, search));
  const schemas = Object.entries((doc?.components?.schemas ?? {}) as Record<string, Doc>);

  const download = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'synchub-openapi.json';
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section class="page api-reference">
      <div class="page-head">
        <div>
          <h1>API reference</h1>
          <p class="muted">
            Every route of this hub, from its OpenAPI 3.1 document (<code>GET /api/openapi.json</code>, with the admin
            token). It is generated from the schemas that check each request, and carries the settings schema of every
            destination and pipeline kind the installed plugins offer. Admin routes take{' '}
            <code>Authorization: Bearer &lt;admin token&gt;</code>; ingest takes a source's write key.
          </p>
        </div>
        <button type="button" class="button small" disabled={!doc} onClick={download}>
          Download JSON
        </button>
      </div>
      <LoadStatus load={load} what="the API document" onRetry={() => void refresh()} />
      {doc && (
        <>
          <label class="api-search">
            <span>Filter routes</span>
            <input
              type="search"
              value={search}
              placeholder="Path, method or words of the summary"
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          </label>
          <p class="muted" aria-live="polite">
            {shown.length} of {operations.length} routes · OpenAPI {String(doc.openapi)} · hub{' '}
            {String(doc.info?.version)}
          </p>
          {byTag(shown).map(([tag, ops]) => (
            <section class="card api-group" key={tag}>
              <h2>{tag}</h2>
              <ul class="api-ops">
                {ops.map((op) => (
                  <OperationItem op={op} key={`${op.method} ${op.path}`} />
                ))}
              </ul>
            </section>
          ))}
          <section class="card api-group">
            <h2>Schemas</h2>
            <ul class="api-ops">
              {schemas.map(([name, schema]) => (
                <li key={name}>
                  <details>
                    <summary>
                      <code class="api-path">{name}</code>
                      {typeof schema.description === 'string' && <span class="muted"> {schema.description}</span>}
                    </summary>
                    <pre class="api-type">{schemaText(schema, 3)}</pre>
                  </details>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </section>
  );
}

function OperationItem({ op }: { op: Operation }) {
  return (
    <li>
      <details>
        <summary>
          <span class={`badge api-method api-${op.method.toLowerCase()}`}>{op.method}</span>{' '}
          <code class="api-path">{op.path}</code> <span class="api-summary">{op.summary}</span>
        </summary>
        <div class="api-detail">
          {op.description && <p>{op.description}</p>}
          <p class="muted">Auth: {op.auth}</p>
          {op.parameters.length > 0 && (
            <>
              <h3>Parameters</h3>
              <ul class="api-list">
                {op.parameters.map((p) => (
                  <li key={`${p.in}:${p.name}`}>
                    <code>{p.name}</code>{' '}
                    <span class="muted">
                      ({p.in}
                      {p.required ? ', required' : ''})
                    </span>
                    : <code>{p.type}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
          {op.body && (
            <>
              <h3>Body (JSON)</h3>
              <pre class="api-type">{op.body}</pre>
            </>
          )}
          <h3>Answers</h3>
          <ul class="api-list">
            {op.answers.map((a) => (
              <li key={a.status}>
                <strong>{a.status}</strong> {a.description}
                {a.type && <pre class="api-type">{a.type}</pre>}
              </li>
            ))}
          </ul>
        </div>
      </details>
    </li>
  );
}
