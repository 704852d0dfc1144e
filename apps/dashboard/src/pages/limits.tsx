import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { vendorAccount } from '../format.js';
import type { LimitRow, ReportedUsage, WindowUsage } from '../types.js';
import { type Load, LoadStatus } from '../components/load.js';
import { Time } from '../components/time.js';

const REFRESH_MS = 5000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** "This minute", "This hour", "Today (UTC)" — windows are aligned to the epoch, so days roll at 00:00 UTC. */
export function windowName(windowMs: number, label?: string): string {
  if (windowMs === MINUTE) return 'This minute';
  if (windowMs === HOUR) return 'This hour';
  if (windowMs === DAY) return 'Today (UTC)';
  return label ? `This ${label}` : `Per ${Math.round(windowMs / 1000)} s`;
}

/**
 * A budget's name for people: the connections that spend it ("Demo Salesforce", "Prod and Sandbox
 * Gainsight" reads better than `127.0.0.1:41835:3MVG9sim…`); the vendor account only when none is left.
 */
export function budgetLabel(row: Pick<LimitRow, 'account' | 'connections'>): string {
  const names = row.connections;
  if (names.length === 0) return vendorAccount(row.account);
  return names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Vendor call budgets per account and bucket: how much of each window the hub has spent. */
export function LimitsPage() {
  const [limits, setLimits] = useState<LimitRow[]>([]);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [at, setAt] = useState(Date.now());

  const refresh = useCallback(async () => {
    try {
      setLimits(await api.limits());
      setAt(Date.now());
      setLoad({ state: 'ready' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        setLoad({ state: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  // One card per vendor account; its buckets inside.
  const accounts = new Map<string, LimitRow[]>();
  for (const row of limits) accounts.set(row.account, [...(accounts.get(row.account) ?? []), row]);

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>Limits</h1>
          <p class="muted">
            Calls the hub has spent against each vendor account’s rate limits. Every connection to the same account
            shares its budget; when a window is full, delivery waits for it to roll over instead of failing. Where the
            vendor counts the budget itself (Salesforce’s daily API calls belong to the whole org, other integrations
            included), the page shows what the vendor last reported.
          </p>
        </div>
        <button type="button" class="button small" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <LoadStatus load={load} what="limits" />
      {load.state === 'ready' && limits.length === 0 && (
        <div class="card empty">
          <h2>No vendor accounts yet</h2>
          <p class="muted">
            Budgets appear here once a <a href="#/connections">connection</a> exists.
          </p>
        </div>
      )}
      {[...accounts].map(([account, rows], i) => (
        <section key={account} class="card limit-card" aria-labelledby={`budget-${i}`}>
          <h2 id={`budget-${i}`}>
            <span class="connector-tag">{rows[0]?.connector}</span> {rows[0] ? budgetLabel(rows[0]) : account}
          </h2>
          <p class="muted small account-line">
            {(rows[0]?.connections.length ?? 0) > 1 ? 'One budget for these connections: ' : ''}vendor account{' '}
            <code title={account}>{vendorAccount(account)}</code>
          </p>
          {rows.map((row) => (
            <div key={row.bucket} class="bucket">
              <h3>
                <span class="bucket-name">{row.bucket}</span> <span class="muted small">bucket</span>
              </h3>
              {row.usage.map((u) => (
                <UsageBar
                  key={u.window.windowMs}
                  usage={u}
                  name={`${row.bucket} calls, ${windowName(u.window.windowMs, u.window.label).toLowerCase()}`}
                  now={at}
                />
              ))}
              {row.reported && <ReportedBar reported={row.reported} name={`${row.bucket} calls reported`} now={at} />}
              {row.usage.length === 0 && !row.reported && (
                <p class="muted small">No figures yet: the vendor reports its count with the first call.</p>
              )}
            </div>
          ))}
        </section>
      ))}
    </section>
  );
}

const REPORTED_STATE: Record<ReportedUsage['state'], string> = {
  normal: 'calls go as needed',
  slowing: 'past the slow-down line: the hub spaces its calls',
  stopped: 'at the stop line: the hub makes no calls',
  exhausted: 'the vendor refused calls: the budget is spent',
};

/** A budget the vendor counts (everyone's calls), with the lines where the hub slows down and stops. */
function ReportedBar({ reported, name, now }: { reported: ReportedUsage; name: string; now: number }) {
  const { used, limit } = reported;
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  const level = reported.state === 'normal' ? 'low' : reported.state === 'slowing' ? 'mid' : 'high';
  const hours = Math.round(reported.windowMs / 3_600_000);
  return (
    <div class="usage">
      <div class="usage-head">
        <span class="usage-title">Reported by the vendor (rolling {hours} h, all integrations)</span>
        <span class="usage-numbers">
          {limit > 0 ? (
            <>
              <strong>{used.toLocaleString()}</strong> / {limit.toLocaleString()} calls
            </>
          ) : (
            <strong>spent</strong>
          )}
        </span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG bar styles the same everywhere; <meter> does not */}
      <svg
        class={`bar bar-${level}`}
        role="meter"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
        aria-valuetext={limit > 0 ? `${used} of ${limit} calls used` : 'budget spent'}
        viewBox="0 0 100 8"
        preserveAspectRatio="none"
      >
        <rect class="bar-track" x="0" y="0" width="100" height="8" />
        <rect class="bar-fill" x="0" y="0" width={used > 0 ? Math.max(1.5, share * 100) : 0} height="8" />
      </svg>
      <p class="muted small">
        {REPORTED_STATE[reported.state]}
        {limit > 0 &&
          ` · slows down at ${reported.slowLine.toLocaleString()}, stops at ${reported.stopLine.toLocaleString()}`}
        {reported.nextCallAt !== null && (
          <>
            {' · next call '}
            <Time at={reported.nextCallAt} now={now} relative />
          </>
        )}
        {' · reported '}
        <Time at={reported.reportedAt} now={now} seconds={false} relative />
      </p>
    </div>
  );
}

function UsageBar({ usage, name, now }: { usage: WindowUsage; name: string; now: number }) {
  const share = usage.limit > 0 ? Math.min(1, usage.used / usage.limit) : 0;
  const level = share >= 0.9 ? 'high' : share >= 0.7 ? 'mid' : 'low';
  const title = windowName(usage.window.windowMs, usage.window.label);
  return (
    <div class="usage">
      <div class="usage-head">
        <span class="usage-title">{title}</span>
        <span class="usage-numbers">
          <strong>{usage.used.toLocaleString()}</strong> / {usage.limit.toLocaleString()} calls
        </span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG bar styles the same everywhere; <meter> does not */}
      <svg
        class={`bar bar-${level}`}
        role="meter"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={usage.limit}
        aria-valuenow={usage.used}
        aria-valuetext={`${usage.used} of ${usage.limit} calls used`}
        viewBox="0 0 100 8"
        preserveAspectRatio="none"
      >
        <rect class="bar-track" x="0" y="0" width="100" height="8" />
        {/* A sliver stays visible for a single call, so "used" never looks like zero. */}
        <rect class="bar-fill" x="0" y="0" width={usage.used > 0 ? Math.max(1.5, share * 100) : 0} height="8" />
      </svg>
      <p class="muted small">
        {usage.remaining.toLocaleString()} left
        {/* An unused window has nothing to give back (the hub answers "now"); seconds matter under an hour. */}
        {usage.used > 0 && (
          <>
            {' · resets '}
            <Time at={usage.resetsAt} now={now} seconds={usage.window.windowMs < HOUR} relative />
          </>
        )}
      </p>
    </div>
  );
}
