import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import type { Connection, Source } from '../types.js';
import { type Delivery, type DeliveryCounts, qualtricsApi, type Rule, type SecretAnswer, type Trigger } from './api.js';
import { DeliveriesSection } from './deliveries.js';
import { TriggerCard } from './trigger-card.js';
import { NewTriggerForm, SecretReveal } from './trigger-form.js';
import { type Load, LoadStatus } from '../components/load.js';
import { LoopbackWarning, usePublicUrl } from '../components/public-url.js';
import './qualtrics.css';

type Reveal = { answer: SecretAnswer; reason: 'created' | 'rotated' };
/** Deliveries change in the background (webhook calls, retries): look again this often. */
const POLL_MS = 2000;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Gainsight ↔ Qualtrics: workflow triggers (webhook + event rules), Test (dry run, then confirmed), deliveries. */
export function QualtricsPage() {
  const publicUrl = usePublicUrl();
  const [connections, setConnections] = useState<Connection[]>([]);
  const [sources, setSources] = useState<Source[]>([]);
  const [triggers, setTriggers] = useState<Trigger[]>([]);
  const [rules, setRules] = useState<Rule[]>([]);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [counts, setCounts] = useState<DeliveryCounts | undefined>();
  const [filter, setFilter] = useState({ triggerId: '', state: '' });
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [reveal, setReveal] = useState<Reveal | undefined>();
  const [adding, setAdding] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const [c, s, t, r, d] = await Promise.all([
        api.connections(),
        api.sources(),
        qualtricsApi.triggers(),
        qualtricsApi.rules(),
        qualtricsApi.deliveries(filter),
      ]);
      setConnections(c.filter((x) => x.connectorId === 'qualtrics'));
      setSources(s);
      setTriggers(t);
      setRules(r);
      setDeliveries(d.deliveries);
      setCounts(d.counts);
      setLoad({ state: 'ready' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setLoad({ state: 'error', message: messageOf(e) });
    }
  }, [filter]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const showForm = adding || triggers.length === 0;
  const showSecret = (next: Reveal) => {
    setReveal(next);
    setAdding(false);
    void refresh();
    requestAnimationFrame(() => document.getElementById('reveal-webhook-secret')?.focus());
  };

  return (
    <section class="page qualtrics-page">
      <div class="page-head">
        <div>
          <h1>Qualtrics</h1>
          <p class="muted">
            Start Qualtrics workflows from Gainsight’s Rules Engine (“Call External API”, one call per row) or from hub
            events. Each call goes to the workflow’s JSON-event URL with Basic auth; Qualtrics’ eventId and requestId
            are kept. Survey responses flow back with a <strong>Qualtrics responses → Gainsight</strong> pipeline.
          </p>
        </div>
        {load.state === 'ready' && connections.length > 0 && !showForm && (
          <button type="button" class="button primary" onClick={() => setAdding(true)}>
            New workflow trigger
          </button>
        )}
      </div>
      {reveal && <SecretReveal {...reveal} onDone={() => setReveal(undefined)} />}
      <LoadStatus load={load} onRetry={() => void refresh()} />
      {load.state === 'ready' && connections.length === 0 && (
        <div class="card empty">
          <h2>No Qualtrics connection yet</h2>
          <p class="muted">
            <a href="#/connections/new">Add a Qualtrics connection</a> (API token, and the workflow’s trigger URL and
            username) first.
          </p>
        </div>
      )}
      {load.state === 'ready' && connections.length > 0 && (
        <>
          <LoopbackWarning
            publicUrl={publicUrl}
            what="Gainsight’s Rules Engine (calling the webhook URLs) and callers"
          />
          {showForm && (
            <NewTriggerForm
              connections={connections}
              onCreated={(answer) => showSecret({ answer, reason: 'created' })}
              onCancel={triggers.length > 0 ? () => setAdding(false) : undefined}
            />
          )}
          {triggers.map((t) => (
            <TriggerCard
              key={t.id}
              trigger={t}
              connection={connections.find((c) => c.id === t.connectionId)}
              connections={connections}
              rules={rules.filter((r) => r.triggerId === t.id)}
              sources={sources}
              onChanged={() => void refresh()}
              onSecret={(answer) => showSecret({ answer, reason: 'rotated' })}
              onDeleted={() => {
                if (reveal?.answer.trigger.id === t.id) setReveal(undefined);
                void refresh();
              }}
            />
          ))}
          {triggers.length > 0 && (
            <DeliveriesSection
              deliveries={deliveries}
              counts={counts}
              triggers={triggers}
              filter={filter}
              onFilter={setFilter}
              onChanged={() => void refresh()}
            />
          )}
        </>
      )}
    </section>
  );
}
