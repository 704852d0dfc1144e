import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, request } from '../api.js';
import { BacklogCard } from '../components/backlog-card.js';
import { CountTiles } from '../components/event-widgets.js';
import { TimeChart } from '../components/time-chart.js';
import { SortHeader, useSort } from '../components/sortable.js';
import { Time } from '../components/time.js';
import { formatTime, timeUntil, vendorAccount, zoneLabel } from '../format.js';
import { openEventStream, throttle } from '../live.js';
import {
  bucketLength,
  callChart,
  describeChart,
  eventChart,
  HOUR,
  type OverviewAnswer,
  rangePhrase,
  sum,
} from '../overview-data.js';
import { navigate, withQuery } from '../router.js';
import type { Pipeline, Run } from '../pulls-types.js';
import type { LimitRow } from '../types.js';
import { budgetLabel, windowName } from './limits.js';
import { type Load, LoadStatus } from '../components/load.js';
import '../styles-overview.css';

// The landing page: what the hub did lately (events in and out, vendor calls), budgets and pipeline runs.

const RANGES = [
  { hours: 1, label: '1 h' },
  { hours: 6, label: '6 h' },
  { hours: 24, label: '24 h' },
  { hours: 168, label: '7 d' },
];
const REFRESH_MS = 10_000;
// Live changes can come every second while events flow; the charts need not follow that closely.
const LIVE_REFETCH_MS = 3_000;
const EVENT_COLORS = ['#6b7a99', '#137a42', '#b42318'];
// Successes in cool colours, errors in warm ones (and hatched), one pair per connector.
const OK_COLORS = ['#2457d6', '#0f8a8a', '#7a4cc2', '#4a7d1e'];
const ERROR_COLORS = ['#b42318', '#d9480f', '#9e1f63', '#b7791f'];

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
// A 401 already sent the user to the login; nothing to show here.
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;

function hoursOf(query: URLSearchParams): number {
  const h = Number(query.get('hours'));
  return RANGES.some((r) => r.hours === h) ? h : 24;
}

const listPipelines = () => request<{ pipelines: Pipeline[] }>('GET', '/api/pipelines').then((r) => r.pipelines);

export function OverviewPage({ query }: { query: URLSearchParams }) {
  const hours = hoursOf(query);
  const [answer, setAnswer] = useState<OverviewAnswer | undefined>();
  // The range the shown answer covers: until a new range's answer arrives, the charts describe the old one.
  const [shownHours, setShownHours] = useState(hours);
  const [limits, setLimits] = useState<LimitRow[] | undefined>();
  const [pipelines, setPipelines] = useState<Pipeline[] | undefined>();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [at, setAt] = useState(Date.now());
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++latest.current;
    // Each part fails on its own: a broken pipelines list must not blank the charts.
    const [o, l, p] = await Promise.allSettled([
      request<OverviewAnswer>('GET', `/api/overview?hours=${hours}`),
      api.limits(),
      listPipelines(),
    ]);
    if (mine !== latest.current) return;
    if (o.status === 'fulfilled') {
      setAnswer(o.value);
      setShownHours(hours);
    }
    if (l.status === 'fulfilled') setLimits(l.value);
    if (p.status === 'fulfilled') setPipelines(p.value);
    setAt(Date.now());
    if (o.status === 'rejected') {
      if (!quiet(o.reason)) setLoad({ state: 'error', message: messageOf(o.reason) });
    } else setLoad({ state: 'ready' });
  }, [hours]);

  const current = useRef(refresh);
  current.current = refresh;
  const liveRefetch = useMemo(() => throttle(() => void current.current(), LIVE_REFETCH_MS), []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    const stop = openEventStream('/api/events/stream', {
      onMessage: (message) => {
        if (message.event === 'change') liveRefetch();
      },
    });
    return () => {
      stop();
      liveRefetch.cancel();
    };
  }, [liveRefetch]);

  const events = useMemo(() => (answer ? eventChart(answer, at) : undefined), [answer, at]);
  const calls = useMemo(() => (answer ? callChart(answer, at) : undefined), [answer, at]);
  const callColors = useMemo(() => {
    const connectors = [...new Set(calls?.series.map((s) => s.key.split(':')[0]))];
    return (calls?.series ?? []).map((s) => {
      const i = connectors.indexOf(s.key.split(':')[0]);
      const palette = s.error ? ERROR_COLORS : OK_COLORS;
      return palette[i % palette.length] ?? '#666';
    });
  }, [calls]);
  const spanMs = shownHours * HOUR;
  const callErrors = sum(calls?.series.filter((s) => s.error).flatMap((s) => s.values) ?? []);
  const callTotal = sum(calls?.series.flatMap((s) => s.values) ?? []);

  return (
    <section class="page overview">
      <div class="page-head">
        <div>
          <h1>Overview</h1>
          <p class="muted">
            Events in and out, calls to vendors, rate-limit budgets and pipeline runs over the {rangePhrase(hours)}.
            Updates every {REFRESH_MS / 1000} s and as events change.
          </p>
        </div>
        <fieldset class="range-switch">
          <legend class="visually-hidden">Time range</legend>
          {RANGES.map((r) => (
            <button
              key={r.hours}
              type="button"
              class={r.hours === hours ? 'button small active' : 'button small'}
              aria-pressed={r.hours === hours}
              title={`Show the ${rangePhrase(r.hours)}`}
              onClick={() => navigate(withQuery('/overview', { hours: String(r.hours) }))}
            >
              {r.label}
            </button>
          ))}
        </fieldset>
      </div>
      <LoadStatus load={load} what="the overview" />
      {answer && <CountTiles counts={answer.counts} active={undefined} />}
      {answer && <BacklogCard entries={answer.backlog} now={at} />}
      {events && calls && (
        <div class="overview-grid">
          <section class="card chart-card" aria-labelledby="chart-events">
            <h2 id="chart-events">Events</h2>
            <p class="muted small">
              Received, delivered and failed, per {bucketLength(events.bucketMs)}; times in {zoneLabel()}.
            </p>
            <TimeChart
              data={events}
              mode="lines"
              title="Events"
              summary={describeChart(events, 'Events', shownHours)}
              colors={EVENT_COLORS}
              spanMs={spanMs}
            />
          </section>
          <section class="card chart-card" aria-labelledby="chart-calls">
            <h2 id="chart-calls">Vendor calls</h2>
            <p class="muted small">
              {callTotal.toLocaleString()} calls, {callErrors.toLocaleString()} errors (HTTP 400 and above, or no
              answer); hatched bars are errors.
            </p>
            <TimeChart
              data={calls}
              mode="stack"
              title="Vendor calls"
              summary={describeChart(calls, 'Vendor calls', shownHours)}
              colors={callColors}
              spanMs={spanMs}
            />
          </section>
        </div>
      )}
      {answer && (
        <div class="overview-grid">
          <BudgetSummary limits={limits} now={at} />
          <RunSummary pipelines={pipelines} now={at} />
        </div>
      )}
    </section>
  );
}

function BudgetSummary({ limits, now }: { limits: LimitRow[] | undefined; now: number }) {
  return (
    <section class="card summary-card" aria-labelledby="budgets">
      <div class="summary-head">
        <h2 id="budgets">Rate-limit budgets</h2>
        <a href="#/limits">All limits</a>
      </div>
      {!limits && <p class="muted">Loading…</p>}
      {limits?.length === 0 && <p class="muted">No vendor accounts yet.</p>}
      {limits && limits.length > 0 && (
        <ul class="plain budget-list">
          {limits.map((row) => (
            <li key={`${row.account}:${row.bucket}`} class="budget-item">
              <div class="budget-name">
                <span class="connector-tag">{row.connector}</span>{' '}
                <span class="budget-account" title={`Vendor account ${vendorAccount(row.account)}`}>
                  {budgetLabel(row)}
                </span>{' '}
                <span class="muted small">{row.bucket}</span>
              </div>
              <ul class="plain budget-windows">
                {[...row.usage]
                  .sort((a, b) => a.window.windowMs - b.window.windowMs)
                  .map((u) => {
                    const share = u.limit > 0 ? Math.min(1, u.used / u.limit) : 0;
                    return (
                      <li
                        key={u.window.windowMs}
                        title={`Room comes back ${timeUntil(u.resetsAt, now)} (${formatTime(u.resetsAt, now)})`}
                      >
                        <span class="budget-window">{windowName(u.window.windowMs, u.window.label)}</span>
                        <span
                          class={`mini-bar${share >= 0.9 ? ' high' : share >= 0.7 ? ' mid' : ''}`}
                          aria-hidden="true"
                        >
                          <span style={{ width: `${u.used > 0 ? Math.max(2, share * 100) : 0}%` }} />
                        </span>
                        <span class="budget-used">
                          {u.used.toLocaleString()} / {u.limit.toLocaleString()}
                        </span>
                      </li>
                    );
                  })}
                {row.reported && row.reported.limit > 0 && (
                  <li title={`Reported by the vendor: ${row.reported.state}`}>
                    <span class="budget-window">Vendor-reported</span>
                    <span
                      class={`mini-bar${row.reported.state === 'normal' ? '' : row.reported.state === 'slowing' ? ' mid' : ' high'}`}
                      aria-hidden="true"
                    >
                      <span
                        style={{
                          width: `${row.reported.used > 0 ? Math.max(2, Math.min(1, row.reported.used / row.reported.limit) * 100) : 0}%`,
                        }}
                      />
                    </span>
                    <span class="budget-used">
                      {row.reported.used.toLocaleString()} / {row.reported.limit.toLocaleString()}
                    </span>
                  </li>
                )}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const RUN_BADGE: Record<Run['status'], string> = {
  running: 'neutral',
  completed: 'ok',
  failed: 'failed',
  interrupted: 'neutral',
};

/** The pipelines that ran most recently, newest first, with their last run's outcome (sortable). */
function RunSummary({ pipelines, now }: { pipelines: Pipeline[] | undefined; now: number }) {
  const ran = (pipelines ?? [])
    .filter((p): p is Pipeline & { lastRun: Run } => p.lastRun !== null)
    .sort((a, b) => b.lastRun.startedAt - a.lastRun.startedAt)
    .slice(0, 6);
  const never = (pipelines?.length ?? 0) - ran.length;
  const { sorted, sort, toggle } = useSort(ran, (p, key) =>
    key === 'name'
      ? p.name
      : key === 'when'
        ? (p.lastRun.finishedAt ?? p.lastRun.startedAt)
        : p.lastRun.counts[key as 'read' | 'written' | 'skipped' | 'failed'],
  );
  const header = (label: string, column: string, num?: boolean) => (
    <SortHeader label={label} column={column} sort={sort} onSort={toggle} num={num} />
  );
  return (
    <section class="card summary-card" aria-labelledby="runs">
      <div class="summary-head">
        <h2 id="runs">Latest pipeline runs</h2>
        <a href="#/pipelines">All pipelines</a>
      </div>
      {!pipelines && <p class="muted">Loading…</p>}
      {pipelines?.length === 0 && <p class="muted">No pipelines yet.</p>}
      {pipelines && pipelines.length > 0 && ran.length === 0 && <p class="muted">No pipeline has run yet.</p>}
      {ran.length > 0 && (
        <div class="table-scroll">
          <table class="table compact">
            <thead>
              <tr>
                {header('Pipeline', 'name')}
                {header('Last run', 'when')}
                {header('Read', 'read', true)}
                {header('Written', 'written', true)}
                {header('Skipped', 'skipped', true)}
                {header('Failed', 'failed', true)}
              </tr>
            </thead>
            <tbody>
              {sorted.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name}
                    <span class="muted small run-kind">
                      {p.kind} · run {p.lastRun.number ?? p.lastRun.id}
                    </span>
                  </td>
                  <td>
                    <span class={`badge ${RUN_BADGE[p.lastRun.status] ?? 'neutral'}`}>{p.lastRun.status}</span>{' '}
                    <span class="muted small run-when">
                      <Time at={p.lastRun.finishedAt ?? p.lastRun.startedAt} now={now} seconds={false} />
                    </span>
                  </td>
                  <td class="num">{p.lastRun.counts.read.toLocaleString()}</td>
                  <td class="num">{p.lastRun.counts.written.toLocaleString()}</td>
                  <td class="num">{p.lastRun.counts.skipped.toLocaleString()}</td>
                  <td class="num">{p.lastRun.counts.failed.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {never > 0 && ran.length > 0 && (
        <p class="muted small">
          {never} more {never === 1 ? 'pipeline has' : 'pipelines have'} not run yet.
        </p>
      )}
    </section>
  );
}
