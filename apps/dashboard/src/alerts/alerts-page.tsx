import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { type Load, LoadStatus } from '../components/load.js';
import { type AlertRule, alertsApi, type HistoryEntry } from './api.js';
import { HistorySection } from './history.js';
import { RuleCard } from './rule-card.js';
import { RuleEditor, type ScopeOptions } from './rule-editor.js';
import './alerts.css';

/** Rules change state in the background (evaluations, deliveries): look again this often. */
const POLL_MS = 5000;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Alert rules with their state, a form per condition type, channels, "Send a test alert", and the history. */
export function AlertsPage() {
  const [rules, setRules] = useState<AlertRule[]>([]);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [options, setOptions] = useState<ScopeOptions>({ pipelines: [], destinations: [], budgets: [] });
  const [ruleId, setRuleId] = useState('');
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  /** 'new', a rule id being edited, or nothing. */
  const [editing, setEditing] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [now, setNow] = useState(Date.now());

  const refresh = useCallback(async () => {
    try {
      const [r, h] = await Promise.all([alertsApi.rules(), alertsApi.history(ruleId || undefined)]);
      setRules(r);
      setHistory(h);
      setNow(Date.now());
      setLoad({ state: 'ready' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setLoad({ state: 'error', message: messageOf(e) });
    }
  }, [ruleId]);

  const loadOptions = useCallback(async () => {
    try {
      const [pipelines, destinations, budgets] = await Promise.all([
        alertsApi.pipelines(),
        api.destinations(),
        alertsApi.budgets(),
      ]);
      setOptions({ pipelines, destinations, budgets });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401))
        setNotice(`Could not load pipelines and budgets: ${messageOf(e)}`);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  useEffect(() => {
    void loadOptions();
  }, [loadOptions]);

  const names = new Map<string, string>([
    ...options.pipelines.map((p) => [p.id, p.name] as const),
    ...options.destinations.map((d) => [d.id, d.name] as const),
    ...options.budgets.map((b) => [b.key, b.label] as const),
  ]);
  const nameOf = (id: string) => names.get(id) ?? id;
  const firing = rules.filter((r) => r.enabled && r.state.status === 'firing').length;

  const open = (what: string) => {
    setNotice(undefined);
    setEditing(what);
    void loadOptions();
    requestAnimationFrame(() =>
      document.getElementById(what === 'new' ? 'new-rule-name' : `edit-${what.slice(0, 8)}-name`)?.focus(),
    );
  };
  const saved = (rule: AlertRule, created: boolean) => {
    setEditing(undefined);
    setNotice(created ? `Rule “${rule.name}” created.` : `Rule “${rule.name}” saved.`);
    void refresh();
  };

  return (
    <section class="page alerts-page">
      <div class="page-head">
        <div>
          <h1>Alerts</h1>
          <p class="muted">
            Be told when a run fails, a pipeline goes stale, events fail or wait too long, or a vendor budget runs out —
            by webhook (Slack-compatible) or e-mail. One alert per condition until it clears, then a “resolved” message.
            Rules are checked every 30 seconds, and at once when a run ends or events fail.
          </p>
        </div>
        {load.state === 'ready' && editing !== 'new' && (
          <button type="button" class="button primary" onClick={() => open('new')}>
            New alert rule
          </button>
        )}
      </div>
      <LoadStatus load={load} what="alert rules" onRetry={() => void refresh()} />
      {notice && (
        <p class="notice success" role="status">
          {notice}
        </p>
      )}
      {load.state === 'ready' && (
        <>
          {editing === 'new' && (
            <RuleEditor options={options} onSaved={(r) => saved(r, true)} onCancel={() => setEditing(undefined)} />
          )}
          {rules.length === 0 && editing !== 'new' && (
            <div class="card empty">
              <h2>No alert rules yet</h2>
              <p class="muted">Add a rule to be told when something needs attention.</p>
            </div>
          )}
          {rules.length > 0 && (
            <p class="muted small" aria-live="polite">
              {rules.length} {rules.length === 1 ? 'rule' : 'rules'} · {firing} firing
            </p>
          )}
          {rules.map((rule) =>
            editing === rule.id ? (
              <RuleEditor
                key={rule.id}
                rule={rule}
                options={options}
                onSaved={(r) => saved(r, false)}
                onCancel={() => setEditing(undefined)}
              />
            ) : (
              <RuleCard
                key={rule.id}
                rule={rule}
                now={now}
                nameOf={nameOf}
                onEdit={() => open(rule.id)}
                onChanged={() => void refresh()}
              />
            ),
          )}
          <HistorySection history={history} rules={rules} ruleId={ruleId} onRule={setRuleId} now={now} />
        </>
      )}
    </section>
  );
}
