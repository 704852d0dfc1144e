import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { Time } from '../components/time.js';
import { FieldList } from '../components/field-value.js';
import { pullsApi } from '../pulls-api.js';
import type { AccountDetail, AccountRow, GainsightCompany } from '../pulls-types.js';
import { type Load, LoadStatus } from '../components/load.js';
import '../styles-accounts.css';

// The customer store the pulls fill: accounts from the primary CRM with what Gainsight adds to them.

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const quiet = (e: unknown) => e instanceof ApiError && e.status === 401;
const PAGE = 100;
const SEARCH_DELAY_MS = 250;

export const money = (n: number | null | undefined) =>
  typeof n === 'number' ? n.toLocaleString(undefined, { maximumFractionDigits: 0 }) : '—';

/** A date (or date-time) as a short local date; other text as it is. */
export function shortDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? date.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })
    : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

const MATCHED_BY: Record<string, string> = {
  sfdc_account_id: 'its SFDC Account ID',
  gsid_field: 'the GSID field',
};

export function AccountsPage() {
  const [accounts, setAccounts] = useState<AccountRow[]>([]);
  const [total, setTotal] = useState(0);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [more, setMore] = useState(false);
  const latest = useRef(0);

  // The hub searches name, domain, id and GSID; typing waits a moment before asking.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    const mine = ++latest.current;
    pullsApi.accounts({ q: query, limit: PAGE }).then(
      (answer) => {
        if (mine !== latest.current) return;
        setAccounts(answer.accounts);
        setTotal(answer.total);
        setLoad({ state: 'ready' });
      },
      (e: unknown) => mine === latest.current && !quiet(e) && setLoad({ state: 'error', message: messageOf(e) }),
    );
  }, [query]);

  const loadMore = async () => {
    setMore(true);
    try {
      const answer = await pullsApi.accounts({ q: query, limit: PAGE, offset: accounts.length });
      setAccounts((list) => [...list, ...answer.accounts]);
      setTotal(answer.total);
    } catch (e) {
      if (!quiet(e)) setLoad({ state: 'error', message: messageOf(e) });
    } finally {
      setMore(false);
    }
  };

  const nothingYet = load.state === 'ready' && total === 0 && query === '';
  return (
    <section class="page wide accounts-page">
      <div class="page-head">
        <div>
          <h1>Accounts</h1>
          <p class="muted">
            Accounts from your primary CRM, with the company fields, activities, survey responses and usage the
            Gainsight pulls add to them.
          </p>
        </div>
      </div>
      <LoadStatus load={load} what="accounts" />
      {nothingYet && (
        <div class="card empty">
          <h2>No accounts yet</h2>
          <p class="muted">
            Accounts come from the primary CRM’s accounts sync. Set it up and run it from the Gainsight pulls page.
          </p>
          <a class="button primary" href="#/gainsight">
            Go to Gainsight pulls
          </a>
        </div>
      )}
      {load.state === 'ready' && !nothingYet && (
        <>
          <div class="filters">
            <div class="field">
              <label for="accounts-search">Search accounts</label>
              <input
                id="accounts-search"
                type="search"
                value={search}
                placeholder="Name, domain, id or GSID"
                autoComplete="off"
                onInput={(e) => setSearch(e.currentTarget.value)}
              />
            </div>
            <p class="muted small" role="status">
              {accounts.length === total ? `${total} accounts` : `${accounts.length} of ${total} accounts`}
              {query && ` matching “${query}”`}
            </p>
          </div>
          <div class="card table-card">
            <table class="table accounts-table">
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Domain</th>
                  <th scope="col" class="num">
                    ARR
                  </th>
                  <th scope="col">Renewal</th>
                  <th scope="col">GSID</th>
                  <th scope="col">Gainsight</th>
                  <th scope="col" class="num">
                    Activities
                  </th>
                  <th scope="col" class="num">
                    Surveys
                  </th>
                  <th scope="col" class="num">
                    Usage
                  </th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={`${a.connectionId}:${a.id}`}>
                    <th scope="row" class="name-cell">
                      <a href={`#/accounts/${encodeURIComponent(a.id)}`}>{a.name ?? a.id}</a>
                    </th>
                    <td>{a.domain ?? '—'}</td>
                    <td class="num">{money(a.arr)}</td>
                    <td class="nowrap">{shortDate(a.renewalDate)}</td>
                    <td class="mono gsid" title={a.gsid ?? undefined}>
                      {a.gsid ? `${a.gsid.slice(0, 12)}…` : <span class="muted">—</span>}
                    </td>
                    <td>
                      {a.company ? (
                        <span
                          class="badge ok"
                          title={`Matched by ${MATCHED_BY[a.company.matchedBy] ?? a.company.matchedBy}`}
                        >
                          Linked
                        </span>
                      ) : (
                        <span class="muted small">—</span>
                      )}
                    </td>
                    <td class="num">{a.counts.activities}</td>
                    <td class="num">{a.counts.surveys}</td>
                    <td class="num">{a.counts.usage}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {accounts.length === 0 && <p class="muted center">No account matches “{query}”.</p>}
          </div>
          {accounts.length < total && (
            <p class="load-more">
              <button type="button" class="button" onClick={loadMore} disabled={more}>
                {more ? 'Loading…' : `Show ${Math.min(PAGE, total - accounts.length)} more`}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function AccountPage({ id }: { id: string }) {
  const [detail, setDetail] = useState<AccountDetail | undefined>();
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    setLoad({ state: 'loading' });
    pullsApi.account(id).then(
      (d) => {
        setDetail(d);
        setLoad({ state: 'ready' });
      },
      (e: unknown) => !quiet(e) && setLoad({ state: 'error', message: messageOf(e) }),
    );
  }, [id]);

  const account = detail?.account;
  return (
    <section class="page wide accounts-page">
      <p class="crumbs">
        <a href="#/accounts">← Accounts</a>
      </p>
      {load.state === 'loading' && <p class="muted">Loading the account…</p>}
      {load.state === 'error' && (
        <p class="notice error" role="alert">
          Could not load this account: {load.message}
        </p>
      )}
      {detail && account && load.state === 'ready' && (
        <>
          <h1>{account.name ?? account.id}</h1>
          <dl class="facts account-facts">
            <div>
              <dt>Domain</dt>
              <dd>{account.domain ?? '—'}</dd>
            </div>
            <div>
              <dt>ARR</dt>
              <dd>{money(account.arr)}</dd>
            </div>
            <div>
              <dt>Renewal</dt>
              <dd>{shortDate(account.renewalDate)}</dd>
            </div>
            <div>
              <dt>GSID</dt>
              <dd class="mono break">{account.gsid ?? '—'}</dd>
            </div>
            <div>
              <dt>Salesforce id</dt>
              <dd class="mono">{account.id}</dd>
            </div>
            <div>
              <dt>Parent</dt>
              <dd class="mono">
                {account.parentId ? (
                  <a href={`#/accounts/${encodeURIComponent(account.parentId)}`}>{account.parentId}</a>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div>
              <dt>Synced</dt>
              <dd>
                <Time at={account.syncedAt} />
              </dd>
            </div>
          </dl>
          <div class="account-grid">
            <GainsightFields companies={detail.companies} />
            <section class="card detail-card" aria-labelledby="acc-activities">
              <h2 id="acc-activities">Activities ({detail.activities.length})</h2>
              {detail.activities.length === 0 ? (
                <p class="muted small">None yet: the Activity pull adds timeline entries.</p>
              ) : (
                <table class="table compact">
                  <thead>
                    <tr>
                      <th scope="col">Type</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Date</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.activities.map((a) => (
                      <tr key={a.gsid}>
                        <td>
                          {a.type ? (
                            <span class="type-tag">{a.type}</span>
                          ) : (
                            <span class="muted small" title="Map this category in the Activity section">
                              Unmapped
                            </span>
                          )}
                          {a.category && <div class="muted small">{a.category}</div>}
                        </td>
                        <td>{a.subject ?? '—'}</td>
                        <td class="nowrap">{shortDate(a.activityDate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          <div class="account-grid">
            <section class="card detail-card" aria-labelledby="acc-surveys">
              <h2 id="acc-surveys">Survey responses ({detail.surveyResponses.length})</h2>
              {detail.surveyResponses.length === 0 ? (
                <p class="muted small">None yet: the Surveys pull adds NPS and CSAT responses.</p>
              ) : (
                <table class="table compact">
                  <thead>
                    <tr>
                      <th scope="col" class="num">
                        Score
                      </th>
                      <th scope="col">NPS group</th>
                      <th scope="col">Response</th>
                      <th scope="col">Date</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.surveyResponses.map((s) => (
                      <tr key={`${s.object}:${s.responseId}`}>
                        <td class="num">
                          {s.score ?? '—'}
                          {s.surveyType && <div class="muted small">{s.surveyType}</div>}
                        </td>
                        <td>
                          {s.npsGroup ? <span class={`badge nps-${s.npsGroup.toLowerCase()}`}>{s.npsGroup}</span> : '—'}
                        </td>
                        <td>{s.text ?? <span class="muted">—</span>}</td>
                        <td class="nowrap">{shortDate(s.respondedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section class="card detail-card" aria-labelledby="acc-usage">
              <h2 id="acc-usage">Usage metrics ({detail.usage.length})</h2>
              {detail.usage.length === 0 ? (
                <p class="muted small">None yet: the Product usage pull adds metrics.</p>
              ) : (
                <table class="table compact">
                  <thead>
                    <tr>
                      <th scope="col">Product</th>
                      <th scope="col">Metric</th>
                      <th scope="col" class="num">
                        Value
                      </th>
                      <th scope="col">Dimension</th>
                      <th scope="col">Period</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.usage.map((u) => (
                      <tr key={`${u.pipelineId}:${u.metric}:${u.dimension}:${u.period}`}>
                        <td>{u.product}</td>
                        <td>
                          {u.metric}
                          {u.secondary && Object.keys(u.secondary).length > 0 && (
                            <FieldList fields={u.secondary} apiNames class="small" />
                          )}
                        </td>
                        <td class="num">{u.value.toLocaleString()}</td>
                        <td>{u.dimension ?? '—'}</td>
                        <td class="nowrap">{u.period ? shortDate(u.period) : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </>
      )}
    </section>
  );
}

function GainsightFields({ companies }: { companies: GainsightCompany[] }) {
  return (
    <section class="card detail-card" aria-labelledby="acc-gs">
      <h2 id="acc-gs">Gainsight fields</h2>
      {companies.length === 0 && <p class="muted small">None yet: the Company pull adds them once it has run.</p>}
      {companies.map((c) => (
        <div key={`${c.connectionId}:${c.gsid}`} class="gs-company">
          <p class="muted small">
            {c.name ?? 'Company'} · <span class="mono">{c.gsid}</span> · matched by{' '}
            {MATCHED_BY[c.matchedBy] ?? c.matchedBy}
          </p>
          <FieldList fields={c.fields} apiNames class="gs-fields" />
        </div>
      ))}
    </section>
  );
}
