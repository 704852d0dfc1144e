import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { BacklogCard } from '../components/backlog-card.js';
import { EventDetailPanel } from '../components/event-detail.js';
import { EventTable, openerId } from '../components/event-table.js';
import { STATE_LABELS } from '../components/state-badge.js';
import { ConfirmReplayAll, CountTiles, EmptyEvents, LiveBadge } from '../components/event-widgets.js';
import { openEventStream, type StreamStatus, throttle } from '../live.js';
import { navigate, withQuery } from '../router.js';
import type {
  BacklogEntry,
  EventCounts,
  EventRow,
  EventState,
  EventStateFilter,
  ReplaySelector,
  Source,
} from '../types.js';
import { type Load, LoadStatus } from '../components/load.js';

const PAGE = 100;
const STATES: EventState[] = ['received', 'retrying', 'delivered', 'failed'];
const STATE_FILTERS: Array<{ value: EventStateFilter; label: string }> = [
  { value: 'waiting', label: 'Waiting (not delivered yet)' },
  ...STATES.map((s) => ({ value: s, label: STATE_LABELS[s] })),
];
const TYPES = ['identify', 'group', 'track', 'page', 'screen', 'alias'];
/** A burst of changes refetches the list at most this often. */
const REFETCH_MS = 1000;

type Notice = { kind: 'success' | 'error'; text: string };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;

interface Props {
  view: 'all' | 'failures';
  query: URLSearchParams;
}

/** The event log, live: counts by state, a filterable table, one event's detail, and replay of failures. */
export function EventsPage({ view, query }: Props) {
  const failures = view === 'failures';
  const base = failures ? '/events/failures' : '/events';
  const asked = query.get('state') as EventStateFilter | null;
  const state: EventStateFilter | undefined = failures ? 'failed' : (asked ?? undefined);
  const type = query.get('type') ?? undefined;
  const errorCode = query.get('errorCode') ?? undefined;
  const sourceId = query.get('sourceId') ?? undefined;
  const search = query.get('search') ?? undefined;

  const [rows, setRows] = useState<EventRow[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [counts, setCounts] = useState<EventCounts | undefined>();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [live, setLive] = useState<StreamStatus>('connecting');
  const [selectedId, setSelectedId] = useState<number | undefined>();
  const [sources, setSources] = useState<Source[]>([]);
  const [replaying, setReplaying] = useState<string | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  // What is typed in the search box; it applies on Enter (exact ids, emails and event names).
  const [draft, setDraft] = useState(search ?? '');
  // The box follows the address when the search changes elsewhere (Clear filters, back, a link). Not on
  // mount, and not after its own Enter: effects run after paint, and a late one would wipe what is being
  // typed by then.
  const applied = useRef(search);
  useEffect(() => {
    if (applied.current === search) return;
    applied.current = search;
    setDraft(search ?? '');
  }, [search]);
  const applySearch = (value: string | undefined) => {
    applied.current = value;
    setFilter({ search: value });
  };
  const [knownCodes, setKnownCodes] = useState<string[]>([]);
  const [backlog, setBacklog] = useState<{ backlog: BacklogEntry[]; at: number } | undefined>();
  const request = useRef(0);
  const shown = useRef(PAGE);

  // Refetch what is on screen (at least one page) with the current filters; late answers are dropped.
  const refetch = useCallback(async () => {
    const mine = ++request.current;
    try {
      const limit = Math.min(1000, Math.max(PAGE, shown.current));
      // The backlog is a side note: its failure leaves the last one shown.
      void api.backlog().then(
        (b) => mine === request.current && setBacklog(b),
        () => {},
      );
      const answer = await api.events({ state, type, errorCode, sourceId, search, limit });
      if (mine !== request.current) return;
      setRows(answer.events);
      setCounts(answer.counts);
      setHasMore(answer.events.length === limit);
      setLoad({ state: 'ready' });
      const codes = answer.events.flatMap((e) => (e.lastError ? [e.lastError.code] : []));
      if (codes.length) setKnownCodes((known) => [...new Set([...known, ...codes])].sort());
    } catch (e) {
      if (mine === request.current && !quiet(e)) setLoad({ state: 'error', message: messageOf(e) });
    }
  }, [state, type, errorCode, sourceId, search]);

  // The live stream outlives filter changes: it calls whatever refetch is current.
  const current = useRef(refetch);
  current.current = refetch;
  const liveRefetch = useMemo(() => throttle(() => void current.current(), REFETCH_MS), []);

  useEffect(() => {
    shown.current = PAGE;
    setLoad({ state: 'loading' });
    void refetch();
  }, [refetch]);

  useEffect(() => {
    const stop = openEventStream('/api/events/stream', {
      onStatus: setLive,
      onMessage: (message) => {
        let data: { counts?: EventCounts } & Partial<EventCounts>;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        // `ready` carries the counts themselves; `change` carries { changes, counts }.
        if (message.event === 'ready') setCounts(data as EventCounts);
        else if (message.event === 'change' && data.counts) setCounts(data.counts);
        if (message.event === 'ready' || message.event === 'change') liveRefetch();
      },
    });
    return () => {
      stop();
      liveRefetch.cancel();
    };
  }, [liveRefetch]);

  useEffect(() => {
    api.sources().then(setSources, () => setSources([]));
  }, []);

  const loadOlder = async () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    try {
      const answer = await api.events({ state, type, errorCode, sourceId, search, before: last.id, limit: PAGE });
      setRows((list) => [...list, ...answer.events]);
      shown.current = rows.length + answer.events.length;
      setHasMore(answer.events.length === PAGE);
    } catch (e) {
      if (!quiet(e)) setNotice({ kind: 'error', text: `Could not load older events: ${messageOf(e)}` });
    }
  };

  const replay = async (selector: ReplaySelector, what: string) => {
    setReplaying(what);
    setNotice(undefined);
    try {
      const n = await api.replay(selector);
      // Say what was replayed, so two replays in a row read differently.
      const scope =
        'ids' in selector && selector.ids.length === 1
          ? ` (event ${selector.ids[0]})`
          : 'filter' in selector
            ? ' matching the filter'
            : '';
      setNotice(
        n === 0
          ? { kind: 'success', text: `Nothing to replay${scope}: no failed events matched.` }
          : { kind: 'success', text: `Replayed ${plural(n, 'event')}${scope}: queued for delivery again.` },
      );
      await refetch();
    } catch (e) {
      if (!quiet(e)) setNotice({ kind: 'error', text: `Replay failed: ${messageOf(e)}` });
    } finally {
      setReplaying(undefined);
    }
  };

  const setFilter = (patch: Record<string, string | undefined>) =>
    navigate(withQuery(base, { state: failures ? undefined : state, type, errorCode, sourceId, search, ...patch }));

  const selected = rows.find((r) => r.id === selectedId);
  const codes = errorCode && !knownCodes.includes(errorCode) ? [...knownCodes, errorCode] : knownCodes;
  const filtered = Boolean(type || errorCode || sourceId || search || (!failures && state));
  const replayFilter = {
    ...(type ? { type } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(sourceId ? { sourceId } : {}),
    ...(search ? { search } : {}),
  };
  const canReplayFilter = Object.keys(replayFilter).length > 0;

  return (
    <section class="page wide">
      <div class="page-head">
        <div>
          <h1>Events</h1>
          <p class="muted">Calls received on the ingest API and what became of each one.</p>
        </div>
        <LiveBadge status={live} />
      </div>

      <CountTiles counts={counts} active={failures ? 'failed' : state} />
      {!failures && <BacklogCard entries={backlog?.backlog} now={backlog?.at ?? Date.now()} />}

      <nav class="tabs" aria-label="Event views">
        <a href="#/events" class={failures ? 'tab' : 'tab active'} aria-current={failures ? undefined : 'page'}>
          All events
        </a>
        <a
          href="#/events/failures"
          class={failures ? 'tab active' : 'tab'}
          aria-current={failures ? 'page' : undefined}
        >
          Failures{counts && counts.failed > 0 ? ` (${counts.failed})` : ''}
        </a>
      </nav>

      <fieldset class="filters">
        <legend class="visually-hidden">Filter events</legend>
        {!failures && (
          <div class="field">
            <label for="filter-state">State</label>
            <select id="filter-state" value={state ?? ''} onChange={(e) => setFilter({ state: e.currentTarget.value })}>
              <option value="">All states</option>
              {STATE_FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="filter-type">Type</label>
          <select id="filter-type" value={type ?? ''} onChange={(e) => setFilter({ type: e.currentTarget.value })}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-code">Error code</label>
          <select
            id="filter-code"
            value={errorCode ?? ''}
            onChange={(e) => setFilter({ errorCode: e.currentTarget.value })}
          >
            <option value="">Any</option>
            {codes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div class="field search-field">
          <label for="filter-search">Search</label>
          <input
            id="filter-search"
            type="search"
            value={draft}
            placeholder="User id, email, messageId or event name"
            aria-describedby="filter-search-help"
            onInput={(e) => {
              const value = e.currentTarget.value;
              setDraft(value);
              // Clearing the box (its × or the last character) shows everything again.
              if (value === '' && search) applySearch(undefined);
            }}
            onKeyDown={(e) => {
              // The box's own value: a fast Enter can come before the re-render that updates `draft`.
              if (e.key === 'Enter') applySearch(e.currentTarget.value.trim() || undefined);
            }}
          />
          <span id="filter-search-help" class="visually-hidden">
            Press Enter to search. Ids match exactly; emails and event names in any case.
          </span>
        </div>
        {sources.length > 1 && (
          <div class="field">
            <label for="filter-source">Source</label>
            <select
              id="filter-source"
              value={sourceId ?? ''}
              onChange={(e) => setFilter({ sourceId: e.currentTarget.value })}
            >
              <option value="">All sources</option>
              {sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {filtered && (
          <a class="button small ghost" href={`#${base}`}>
            Clear filters
          </a>
        )}
      </fieldset>

      {failures && (
        <fieldset class="replay-bar">
          <legend class="visually-hidden">Replay failed events</legend>
          <p class="muted small">
            Replay puts failed events back in the queue with their attempts reset — after you fix the mapping or the
            connection that made them fail.
          </p>
          <div class="button-row start">
            <button
              type="button"
              class="button"
              disabled={!canReplayFilter || replaying !== undefined}
              title={canReplayFilter ? undefined : 'Choose a type, an error code, a source or a search first'}
              onClick={() => void replay({ filter: replayFilter }, 'filter')}
            >
              {replaying === 'filter' ? 'Replaying…' : 'Replay all matching filter'}
            </button>
            <ConfirmReplayAll
              disabled={replaying !== undefined || (counts?.failed ?? 0) === 0}
              busy={replaying === 'all'}
              count={counts?.failed ?? 0}
              onConfirm={() => void replay({ all: true }, 'all')}
            />
          </div>
        </fieldset>
      )}

      <div aria-live="polite">
        {notice && (
          <p class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
            {notice.text}
          </p>
        )}
      </div>

      <LoadStatus load={load} what="events" onRetry={() => void refetch()} />
      {load.state === 'ready' && (
        <div class={selected ? 'events-layout with-detail' : 'events-layout'}>
          <div>
            {rows.length === 0 ? (
              <EmptyEvents failures={failures} filtered={filtered} base={base} />
            ) : (
              <EventTable
                rows={rows}
                selectedId={selectedId}
                onSelect={(id) => setSelectedId((was) => (was === id ? undefined : id))}
                onReplay={(id) => void replay({ ids: [id] }, `row:${id}`)}
                replayingId={replaying?.startsWith('row:') ? Number(replaying.slice(4)) : undefined}
              />
            )}
            {hasMore && (
              <button type="button" class="button small load-more" onClick={() => void loadOlder()}>
                Load older events
              </button>
            )}
          </div>
          {selected && (
            <EventDetailPanel
              row={selected}
              sourceName={sources.find((s) => s.id === selected.sourceId)?.name}
              onClose={() => {
                // Back to the row that opened it (it stays in the table), not to the top of the page.
                document.getElementById(openerId(selected.id))?.focus();
                setSelectedId(undefined);
              }}
              onReplay={(id) => void replay({ ids: [id] }, `row:${id}`)}
              replaying={replaying === `row:${selected.id}`}
            />
          )}
        </div>
      )}
    </section>
  );
}
