import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { friendlyMessage } from '../schema-form.js';
import { countsLine, runStateOf, runWhen } from '../pull-status.js';
import { pullsApi } from '../pulls-api.js';
import type { Pipeline, PipelineKindInfo, PullsCommonView } from '../pulls-types.js';
import type { Connection } from '../types.js';
import { FieldPicker } from './pickers.js';
import { RunBadge } from './sync-banner.js';

// The Common section: which Salesforce connection is the primary CRM, which of its Account fields holds the
// Gainsight GSID, and that CRM's accounts sync (the Gainsight pulls are gated until it has completed).

const ACCOUNTS_KIND = 'salesforce.accounts';

interface Props {
  gainsight: Connection;
  connections: Connection[];
  view: PullsCommonView;
  /** The primary CRM's accounts sync, when it exists. */
  accountsSync: Pipeline | undefined;
  accountsKind: PipelineKindInfo | undefined;
  now: number;
  starting: boolean;
  onSaved: (view: PullsCommonView) => void;
  onAccountsSync: (pipeline: Pipeline) => void;
  onRun: (pipelineId: string) => void;
}

export function PullCommon(props: Props) {
  const { gainsight, connections, view, accountsSync, accountsKind, now, starting } = props;
  const { common, primary: resolved, gate } = view;
  const crms = connections.filter((c) => c.connectorId === (accountsKind?.connectorId ?? 'salesforce'));
  const [primary, setPrimary] = useState(common.primaryConnectionId ?? '');
  const [gsid, setGsid] = useState<unknown>(common.gsidField ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  // Polling brings a fresh view every few seconds: only a change of the saved values resets the inputs.
  useEffect(() => {
    setPrimary(common.primaryConnectionId ?? '');
    setGsid(common.gsidField ?? '');
  }, [common.primaryConnectionId, common.gsidField]);

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(undefined);
    try {
      const saved = await pullsApi.saveCommon(gainsight.id, {
        primaryConnectionId: primary || null,
        ...(typeof gsid === 'string' && gsid ? { gsidField: gsid } : {}),
      });
      setMessage({ ok: true, text: 'Common settings saved.' });
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const byField: Record<string, string> = {};
      const rest: string[] = [];
      for (const i of e instanceof ApiError ? e.issues : []) {
        const key = i.path.split('.')[0] ?? '';
        if (key === 'primaryConnectionId' || key === 'gsidField') byField[key] = friendlyMessage(i.message);
        else rest.push(i.path ? `${i.path}: ${i.message}` : i.message);
      }
      setErrors(byField);
      setMessage({ ok: false, text: [(e as Error).message, ...rest].join(' ') });
    } finally {
      setBusy(false);
    }
  };

  const setUpSync = async () => {
    const crm = crms.find((c) => c.id === resolved?.connectionId);
    if (!crm || !accountsKind) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const pipeline = await pullsApi.createPipeline({
        kind: ACCOUNTS_KIND,
        name: `${crm.name} · Accounts`,
        connectionId: crm.id,
        // The accounts sync keeps the GSID field on each account: the one the Common section names.
        settings: { fields: { gsid: common.gsidField } },
        enabled: true,
        schedule: accountsKind.defaultSchedule,
      });
      props.onAccountsSync(pipeline);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        const issues = e instanceof ApiError ? e.issues.map((i) => `${i.path}: ${i.message}`) : [];
        setMessage({
          ok: false,
          text: `Could not set up the accounts sync: ${[(e as Error).message, ...issues].join(' ')}`,
        });
      }
    } finally {
      setBusy(false);
    }
  };

  const syncState = accountsSync ? runStateOf(accountsSync) : undefined;
  const auto = resolved?.resolvedBy === 'only_salesforce' ? resolved : undefined;
  // Open while the pulls are gated when the page loads; afterwards the user decides (a run finishing
  // must not fold the section under their eyes).
  const [openAtFirst] = useState(!gate.ok);

  return (
    <details class="card accordion" id="gs-common-section" open={openAtFirst}>
      <summary>
        <span class="accordion-title">Common</span>
        <span class={`badge ${resolved ? 'ok' : 'neutral'}`}>
          {resolved ? `Primary CRM: ${resolved.name}` : 'Primary CRM needed'}
        </span>
        {!gate.ok && <span class="badge failed">Pulls gated</span>}
      </summary>
      <form class="accordion-body" onSubmit={save} noValidate aria-label="Common settings">
        <p class="muted small">
          Gainsight is a secondary CRM: Salesforce owns each account. Pulls stay gated until the primary CRM’s accounts
          have synced, and never create accounts.
        </p>
        <div class={`field${errors['primaryConnectionId'] ? ' invalid' : ''}`}>
          <label for="gs-common-primary">Primary CRM</label>
          {crms.length === 0 ? (
            <p class="notice warn">
              No Salesforce connection yet. <a href="#/connections/new">Add one</a> first: it owns the accounts.
            </p>
          ) : (
            <select
              id="gs-common-primary"
              value={primary}
              aria-invalid={errors['primaryConnectionId'] ? true : undefined}
              onChange={(e) => {
                setPrimary(e.currentTarget.value);
                setGsid('');
              }}
            >
              <option value="">
                {auto ? `Automatic: the only Salesforce connection (${auto.name})` : 'Choose a Salesforce connection…'}
              </option>
              {crms.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
          {errors['primaryConnectionId'] && <p class="field-error">{errors['primaryConnectionId']}</p>}
        </div>
        <div class={`field${errors['gsidField'] ? ' invalid' : ''}`}>
          <label for="gs-common-gsid">Gainsight GSID field on Salesforce</label>
          <FieldPicker
            id="gs-common-gsid"
            connectionId={primary || auto?.connectionId || null}
            object="Account"
            value={gsid}
            required={false}
            describedBy="gs-common-gsid-help"
            invalid={Boolean(errors['gsidField'])}
            onChange={setGsid}
          />
          <p class="help" id="gs-common-gsid-help">
            The Account field that stores each account’s Gainsight GSID: the fallback match when a record’s GsCompanyId
            is not an account the hub knows. Each object can override it.
          </p>
          {errors['gsidField'] && <p class="field-error">{errors['gsidField']}</p>}
        </div>
        <div class="form-actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save common settings'}
          </button>
          {message && (
            <span class={message.ok ? 'row-status' : 'error-text small'} role={message.ok ? 'status' : 'alert'}>
              {message.text}
            </span>
          )}
        </div>
        {resolved && (
          <section class="crm-sync" aria-labelledby="gs-crm-sync-title">
            <h3 id="gs-crm-sync-title">Primary CRM accounts sync</h3>
            {accountsSync ? (
              <div class="sync-main">
                <RunBadge state={syncState ?? 'never'} />
                <span class="muted small">{runWhen(accountsSync.lastRun, now)}</span>
                {accountsSync.lastRun && syncState !== 'running' && (
                  <span class="small">{countsLine(accountsSync.lastRun)}</span>
                )}
                <button
                  type="button"
                  class="button small"
                  disabled={syncState === 'running' || starting}
                  onClick={() => props.onRun(accountsSync.id)}
                >
                  {starting ? 'Starting…' : 'Run accounts sync'}
                </button>
                {syncState === 'failed' && accountsSync.lastRun?.error && (
                  <p class="error-text small">{accountsSync.lastRun.error.message}</p>
                )}
              </div>
            ) : (
              <p>
                <span class="muted small">This CRM has no accounts sync yet. </span>
                <button type="button" class="button small" disabled={busy || !accountsKind} onClick={setUpSync}>
                  Set up accounts sync
                </button>
              </p>
            )}
          </section>
        )}
      </form>
    </details>
  );
}
