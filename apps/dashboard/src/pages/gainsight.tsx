import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { PullCommon } from '../components/pull-common.js';
import { kindSuffix, PullSection, shortTitle } from '../components/pull-section.js';
import { type Outcome, SyncBanner } from '../components/sync-banner.js';
import { Time } from '../components/time.js';
import { anyRunning, DEFAULT_PRESETS, runAllOutcome } from '../pull-status.js';
import { pullsApi } from '../pulls-api.js';
import type { Pipeline, PipelineKindInfo, PullsCommonView } from '../pulls-types.js';
import { navigate } from '../router.js';
import type { Connection, LastCheck } from '../types.js';
import { type Load, LoadStatus } from '../components/load.js';
import '../styles-gainsight.css';

// Gainsight → hub: the settings wizard of one Gainsight connection (Common + one section per object),
// with the connection status card and the object sync status banner on top.

const ORDER = ['company', 'activity', 'surveys', 'usage'];
const POLL_MS = 2000;
const TICK_MS = 30_000;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;

export function GainsightPage({ connectionId }: { connectionId?: string | undefined }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [kinds, setKinds] = useState<PipelineKindInfo[]>([]);
  const [presets, setPresets] = useState<Record<string, string>>(DEFAULT_PRESETS);
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    Promise.all([api.connections(), pullsApi.kinds()]).then(
      ([list, k]) => {
        setConnections(list);
        setKinds(k.kinds);
        // The wizard's own three first (daily, every 4 hours, weekly), then whatever else the hub offers.
        setPresets({ ...DEFAULT_PRESETS, ...k.schedules });
        setLoad({ state: 'ready' });
      },
      (e: unknown) => !quiet(e) && setLoad({ state: 'error', message: messageOf(e) }),
    );
  }, []);

  const gainsights = connections.filter((c) => c.connectorId === 'gainsight');
  const selected = gainsights.find((c) => c.id === connectionId) ?? gainsights[0];
  // The pulls are the Gainsight-reading kinds grouped with the company pull (not the bridge legs).
  const pullGroup = kinds.find((k) => k.kind === 'gainsight.company')?.group;
  const pullKinds = kinds
    .filter(
      (k) => k.connectorId === 'gainsight' && (pullGroup ? k.group === pullGroup : ORDER.includes(kindSuffix(k.kind))),
    )
    .sort((a, b) => rank(a.kind) - rank(b.kind));

  return (
    <section class="page wide-form gainsight-page">
      <div class="page-head">
        <div>
          <h1>Gainsight pulls</h1>
          <p class="muted">
            Company fields, activities, survey responses and product usage from Gainsight, added to the accounts your
            primary CRM owns. Each object is its own job with its own schedule.
          </p>
        </div>
        {gainsights.length > 1 && selected && (
          <div class="field connection-switch">
            <label for="gs-connection">Gainsight connection</label>
            <select
              id="gs-connection"
              value={selected.id}
              onChange={(e) => navigate(`/gainsight?connection=${encodeURIComponent(e.currentTarget.value)}`)}
            >
              {gainsights.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <LoadStatus load={load} />
      {load.state === 'ready' && !selected && (
        <div class="card empty">
          <h2>No Gainsight connection yet</h2>
          <p class="muted">Connect Gainsight (and Salesforce, your primary CRM) to configure the pulls.</p>
          <a class="button primary" href="#/connections/new">
            Add a connection
          </a>
        </div>
      )}
      {load.state === 'ready' && selected && pullKinds.length === 0 && (
        <p class="notice warn">This hub has no Gainsight pull kinds; update the hub to configure pulls.</p>
      )}
      {load.state === 'ready' && selected && pullKinds.length > 0 && (
        <Wizard
          key={selected.id}
          connection={selected}
          connections={connections}
          kinds={kinds}
          pullKinds={pullKinds}
          presets={presets}
          onConnection={(c) => setConnections((list) => list.map((x) => (x.id === c.id ? c : x)))}
        />
      )}
    </section>
  );
}

const rank = (kind: string) => {
  const i = ORDER.indexOf(kindSuffix(kind));
  return i === -1 ? ORDER.length : i;
};

interface WizardProps {
  connection: Connection;
  connections: Connection[];
  kinds: PipelineKindInfo[];
  pullKinds: PipelineKindInfo[];
  presets: Record<string, string>;
  onConnection: (c: Connection) => void;
}

function Wizard({ connection, connections, kinds, pullKinds, presets, onConnection }: WizardProps) {
  const [pipelines, setPipelines] = useState<Pipeline[] | undefined>();
  const [common, setCommon] = useState<PullsCommonView | undefined>();
  const [crmPipelines, setCrmPipelines] = useState<Pipeline[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [starting, setStarting] = useState<Set<string>>(new Set());
  const [runningAll, setRunningAll] = useState(false);
  const [now, setNow] = useState(Date.now());

  const primaryId = common?.primary?.connectionId ?? null;
  const refresh = useCallback(async () => {
    try {
      const [own, crm, view] = await Promise.all([
        pullsApi.pipelines(connection.id),
        primaryId ? pullsApi.pipelines(primaryId) : Promise.resolve([]),
        // The gate opens once the accounts sync completes: refetch it with the runs.
        pullsApi.common(connection.id),
      ]);
      setPipelines(own);
      setCrmPipelines(crm);
      setCommon(view);
      setNow(Date.now());
      setError(undefined);
    } catch (e) {
      if (!quiet(e)) setError(`Could not refresh the pulls: ${messageOf(e)}`);
    }
  }, [connection.id, primaryId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const accountsSync = crmPipelines.find((p) => p.kind === 'salesforce.accounts');
  const watching = anyRunning([...(pipelines ?? []), ...(accountsSync ? [accountsSync] : [])]) || starting.size > 0;
  useEffect(() => {
    const timer = setInterval(
      () => {
        if (watching) void refresh();
        else setNow(Date.now());
      },
      watching ? POLL_MS : TICK_MS,
    );
    return () => clearInterval(timer);
  }, [watching, refresh]);

  const run = async (pipelineId: string) => {
    setStarting((s) => new Set(s).add(pipelineId));
    setOutcomes(({ [pipelineId]: _, ...rest }) => rest);
    try {
      await pullsApi.runPipeline(pipelineId);
    } catch (e) {
      if (!quiet(e)) setOutcomes((o) => ({ ...o, [pipelineId]: { ok: false, text: `Not started: ${messageOf(e)}` } }));
    }
    await refresh();
    setStarting((s) => {
      const next = new Set(s);
      next.delete(pipelineId);
      return next;
    });
  };

  const runAll = async () => {
    setRunningAll(true);
    setOutcomes({});
    try {
      setOutcomes(runAllOutcome(await pullsApi.runAll(connection.id)));
    } catch (e) {
      if (!quiet(e)) setError(`Run all failed: ${messageOf(e)}`);
    }
    await refresh();
    setRunningAll(false);
  };

  const saved = (p: Pipeline) =>
    setPipelines((list = []) =>
      list.some((x) => x.id === p.id) ? list.map((x) => (x.id === p.id ? p : x)) : [...list, p],
    );

  const byKind = new Map((pipelines ?? []).map((p) => [p.kind, p]));
  const rows = pullKinds.flatMap((k) => {
    const p = byKind.get(k.kind);
    return p?.enabled ? [{ pipeline: p, title: shortTitle(k) }] : [];
  });

  return (
    <>
      <ConnectionStatus connection={connection} onChecked={onConnection} now={now} />
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <SyncBanner
        rows={rows}
        gated={common?.gate.ok === false ? common.gate.reason : undefined}
        outcomes={outcomes}
        starting={starting}
        runningAll={runningAll}
        now={now}
        onRun={(id) => void run(id)}
        onRunAll={() => void runAll()}
      />
      {(!pipelines || !common) && <p class="muted">Loading the pulls…</p>}
      {pipelines && common && (
        <div class="accordions">
          <PullCommon
            gainsight={connection}
            connections={connections}
            view={common}
            accountsSync={accountsSync}
            accountsKind={kinds.find((k) => k.kind === 'salesforce.accounts')}
            now={now}
            starting={accountsSync ? starting.has(accountsSync.id) : false}
            onSaved={setCommon}
            onAccountsSync={(p) => setCrmPipelines((list) => [...list, p])}
            onRun={(id) => void run(id)}
          />
          {pullKinds.map((k) => (
            <PullSection
              key={k.kind}
              kind={k}
              pipeline={byKind.get(k.kind)}
              connection={connection}
              crmId={primaryId}
              presets={presets}
              onSaved={saved}
            />
          ))}
        </div>
      )}
    </>
  );
}

function ConnectionStatus({
  connection,
  onChecked,
  now,
}: {
  connection: Connection;
  onChecked: (c: Connection) => void;
  now: number;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const check = connection.lastCheck;
  const objects = check?.ok ? check.details['objects'] : undefined;

  const validate = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const answer = await api.validateConnection(connection.id);
      const lastCheck: LastCheck = answer.ok
        ? { ok: true, at: answer.at, summary: answer.summary ?? 'Connected', details: answer.details ?? {} }
        : { ok: false, at: answer.at, error: answer.error ?? { code: 'unknown', message: 'Validation failed' } };
      onChecked({ ...connection, lastCheck });
    } catch (e) {
      if (!quiet(e)) setFailure(`Validation could not run: ${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card connection-status" aria-labelledby="gs-status-title">
      <div class="sync-head">
        <div>
          <h2 id="gs-status-title">Connection status</h2>
          <p class="muted small">
            {connection.name}
            {typeof connection.settings['domain'] === 'string' && <> · {connection.settings['domain']}</>}
          </p>
        </div>
        <button type="button" class="button" onClick={validate} disabled={busy}>
          {busy ? 'Validating…' : 'Validate connection'}
        </button>
      </div>
      <div aria-live="polite" class="status-line">
        {!check && <span class="badge neutral">Never validated</span>}
        {check?.ok && (
          <>
            <span class="badge ok">Connected</span>{' '}
            <strong>{typeof objects === 'number' ? `${objects} objects discovered` : check.summary}</strong>{' '}
            <span class="muted small">
              checked <Time at={new Date(check.at).getTime()} now={now} seconds={false} />
            </span>
          </>
        )}
        {check && !check.ok && (
          <>
            <span class="badge failed">Failed</span> <code class="code">{check.error.code}</code>{' '}
            <span class="error-text">{check.error.message}</span>{' '}
            <span class="muted small">
              checked <Time at={new Date(check.at).getTime()} now={now} seconds={false} />
            </span>
          </>
        )}
        {failure && (
          <p class="field-error" role="alert">
            {failure}
          </p>
        )}
      </div>
    </section>
  );
}
