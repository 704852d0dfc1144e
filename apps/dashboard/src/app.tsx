import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, clearToken, loadToken, setUnauthorizedHandler, TOKEN_KEY } from './api.js';
import { lazyPage } from './components/lazy.js';
import { useZone, ZoneSwitch } from './components/time.js';
import { ConnectionFormPage } from './pages/connection-form.js';
import { ConnectionsPage } from './pages/connections.js';
import { DestinationsPage } from './pages/destinations.js';
import { EventsPage } from './pages/events.js';
import { LimitsPage } from './pages/limits.js';
import { LoginPage } from './pages/login.js';
import { OverviewPage } from './pages/overview.js';
import { SourcesPage } from './pages/sources.js';
import { matchPath, navigate, queryOf, useHashPath } from './router.js';

/**
 * Top-level navigation. An entry with `page` belongs to a vendor flow: it is shown only while an
 * installed plugin declares that page id (`GET /api/plugins`, `pages: [{id, title}]`), under the title
 * the plugin gives it.
 */
const NAV: { path: string; label: string; page?: string }[] = [
  { path: '/overview', label: 'Overview' },
  { path: '/connections', label: 'Connections' },
  { path: '/sources', label: 'Sources' },
  { path: '/destinations', label: 'Destinations' },
  { path: '/events', label: 'Events' },
  { path: '/limits', label: 'Limits' },
  { path: '/gainsight', label: 'Gainsight', page: 'gainsight' },
  { path: '/accounts', label: 'Accounts', page: 'accounts' },
  { path: '/qualtrics', label: 'Qualtrics', page: 'qualtrics' },
  { path: '/pipelines', label: 'Pipelines' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/api', label: 'API' },
];

type Render = (params: Record<string, string>, query: URLSearchParams) => ComponentChildren;
/** The page's name in the browser's tab and history (`document.title`, before " · Synchub"). */
type Title = string | ((params: Record<string, string>, query: URLSearchParams) => string);

// Gainsight pulls and accounts load on first visit (their own chunk).
const GainsightPage = lazyPage(() => import('./pages/gainsight.js').then((m) => m.GainsightPage));
const AccountsPage = lazyPage(() => import('./pages/accounts.js').then((m) => m.AccountsPage));
const AccountPage = lazyPage(() => import('./pages/accounts.js').then((m) => m.AccountPage));
const QualtricsPage = lazyPage(() => import('./qualtrics/qualtrics-page.js').then((m) => m.QualtricsPage));
// The destination form renders any kind's settings schema (and Gainsight's rows): its own chunk.
const DestinationFormPage = lazyPage(() => import('./pages/destination-form.js').then((m) => m.DestinationFormPage));
const PipelinesPage = lazyPage(() => import('./pages/pipelines.js').then((m) => m.PipelinesPage));
const PipelineFormPage = lazyPage(() => import('./pages/pipelines.js').then((m) => m.PipelineFormPage));
const AlertsPage = lazyPage(() => import('./alerts/alerts-page.js').then((m) => m.AlertsPage));
const ApiReferencePage = lazyPage(() => import('./pages/api-reference.js').then((m) => m.ApiReferencePage));

const ROUTES: { pattern: string; title: Title; render: Render }[] = [
  { pattern: '/overview', title: 'Overview', render: (_, q) => <OverviewPage query={q} /> },
  { pattern: '/connections', title: 'Connections', render: () => <ConnectionsPage /> },
  { pattern: '/connections/new', title: 'Add connection', render: () => <ConnectionFormPage /> },
  { pattern: '/connections/:id/edit', title: 'Edit connection', render: (p) => <ConnectionFormPage id={p['id']} /> },
  { pattern: '/sources', title: 'Sources', render: () => <SourcesPage /> },
  { pattern: '/destinations', title: 'Destinations', render: () => <DestinationsPage /> },
  { pattern: '/destinations/new', title: 'Add destination', render: () => <DestinationFormPage /> },
  {
    pattern: '/destinations/:id/edit',
    title: 'Edit destination',
    render: (p) => <DestinationFormPage id={p['id']} />,
  },
  // Both event views are one component, so switching keeps its live stream open.
  { pattern: '/events', title: 'Events', render: (_, q) => <EventsPage view="all" query={q} /> },
  { pattern: '/events/failures', title: 'Failures', render: (_, q) => <EventsPage view="failures" query={q} /> },
  { pattern: '/limits', title: 'Limits', render: () => <LimitsPage /> },
  {
    pattern: '/gainsight',
    title: 'Gainsight pulls',
    render: (_, q) => <GainsightPage connectionId={q.get('connection') ?? undefined} />,
  },
  { pattern: '/accounts', title: 'Accounts', render: () => <AccountsPage /> },
  { pattern: '/accounts/:id', title: 'Account', render: (p) => <AccountPage id={p['id']!} /> },
  { pattern: '/qualtrics', title: 'Qualtrics', render: () => <QualtricsPage /> },
  { pattern: '/pipelines', title: 'Pipelines', render: () => <PipelinesPage /> },
  {
    pattern: '/pipelines/new',
    title: (_, q) => (q.get('kind') === 'sync' ? 'New sync' : 'New pipeline'),
    render: (_, q) => <PipelineFormPage kind={q.get('kind') ?? undefined} />,
  },
  { pattern: '/pipelines/:id/edit', title: 'Edit pipeline', render: (p) => <PipelineFormPage id={p['id']} /> },
  { pattern: '/alerts', title: 'Alerts', render: () => <AlertsPage /> },
  { pattern: '/api', title: 'API reference', render: () => <ApiReferencePage /> },
];

const HOME = '/overview';

/** The page id a path belongs to, when it is a vendor flow's page. */
const pageOf = (path: string): string | undefined => {
  const bare = path.split('?')[0]!;
  return NAV.find((item) => item.page && (bare === item.path || bare.startsWith(`${item.path}/`)))?.page;
};

/** What the tab says for `path` (the pages a vendor plugin has not declared read "Page not available"). */
function titleOf(path: string, pages: Map<string, string> | undefined): string {
  const page = pageOf(path);
  if (page && pages && !pages.has(page)) return 'Page not available';
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return typeof route.title === 'string' ? route.title : route.title(params, queryOf(path));
  }
  return 'Page not found';
}

const APP_NAME = 'Synchub';
const setTitle = (title: string) => {
  document.title = `${title} · ${APP_NAME}`;
};

/**
 * After a navigation, focus goes to the new page's h1 (once it is there: lazy pages and loaded data
 * render it later), so screen readers announce the page and Tab goes on from its top. Gives up after a few
 * seconds, so a slow page never pulls focus away from what the user has moved on to.
 */
function focusHeadingOf(main: HTMLElement): () => void {
  const focus = () => {
    const h1 = main.querySelector<HTMLElement>('h1');
    if (!h1) return false;
    if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
    h1.focus();
    return true;
  };
  if (focus()) return () => {};
  const observer = new MutationObserver(() => {
    if (focus()) observer.disconnect();
  });
  observer.observe(main, { childList: true, subtree: true });
  const timer = setTimeout(() => observer.disconnect(), 5000);
  return () => {
    observer.disconnect();
    clearTimeout(timer);
  };
}

function Routes({ path, pages }: { path: string; pages: Map<string, string> | undefined }) {
  const page = pageOf(path);
  if (page && pages && !pages.has(page)) {
    return (
      <section class="page">
        <h1>Page not available</h1>
        <p>
          This page comes with a plugin that is not installed (no plugin declares the <code>{page}</code> page). See{' '}
          <code>GET /api/plugins</code> for what is installed, or <a href={`#${HOME}`}>go to the overview</a>.
        </p>
      </section>
    );
  }
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return <>{route.render(params, queryOf(path))}</>;
  }
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <a href={`#${HOME}`}>Go to the overview</a>.
      </p>
    </section>
  );
}

export function App() {
  const [token, setToken] = useState(loadToken);
  const [loginMessage, setLoginMessage] = useState<string | undefined>();
  const [version, setVersion] = useState<string | undefined>();
  // Every page formats its times in the chosen zone: switching it re-renders them all.
  useZone();
  const path = useHashPath();
  // Page ids → titles declared by installed plugins; undefined until known (vendor links wait for it).
  const [pages, setPages] = useState<Map<string, string> | undefined>();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      clearToken();
      setToken(null);
      setLoginMessage('Your session was rejected by the hub. Sign in again with the admin token.');
    });
    return () => setUnauthorizedHandler(undefined);
  }, []);

  // Signing in or out in another tab applies here too (the token is shared through localStorage).
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== TOKEN_KEY && e.key !== null) return;
      const next = loadToken();
      setToken(next);
      if (!next) setLoginMessage('You are signed out.');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  useEffect(() => {
    api.health().then(
      (h) => setVersion(h.version),
      () => setVersion(undefined),
    );
  }, []);

  useEffect(() => {
    if (path === '/') navigate(HOME);
  }, [path]);

  useEffect(() => {
    if (!token) return;
    api.plugins().then(
      (r) => setPages(new Map(r.plugins.flatMap((p) => p.pages.map((page) => [page.id, page.title] as const)))),
      // Without the list, show every page rather than hide what may be installed.
      () => setPages(new Map(NAV.flatMap((item) => (item.page ? [[item.page, item.label] as const] : [])))),
    );
  }, [token]);

  const bare = path.split('?')[0]!;
  useEffect(() => setTitle(token ? titleOf(path, pages) : 'Sign in'), [token, path, pages]);

  // A new page (not a changed filter in its query) moves focus to its heading; the first page loaded does
  // not, so the skip link stays the first Tab stop.
  const mainRef = useRef<HTMLElement>(null);
  const shownPath = useRef<string | undefined>(undefined);
  useEffect(() => {
    const main = mainRef.current;
    if (!main) return;
    const first = shownPath.current === undefined;
    const changed = shownPath.current !== bare;
    shownPath.current = bare;
    if (first || !changed) return;
    return focusHeadingOf(main);
  }, [bare, token]);

  // On a narrow screen the links scroll sideways: keep the current page's link in view.
  const navRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const nav = navRef.current;
    const link = nav?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!nav || !link) return;
    const left = link.offsetLeft - nav.offsetLeft;
    if (left < nav.scrollLeft || left + link.offsetWidth > nav.scrollLeft + nav.clientWidth) {
      nav.scrollLeft = Math.max(0, left - (nav.clientWidth - link.offsetWidth) / 2);
    }
  }, [path, token]);

  if (!token) {
    return (
      <LoginPage
        message={loginMessage}
        version={version}
        onSignedIn={(t) => {
          setLoginMessage(undefined);
          setToken(t);
        }}
      />
    );
  }

  const signOut = () => {
    clearToken();
    setToken(null);
    setLoginMessage('You are signed out.');
  };

  return (
    <div class="shell">
      {/* A hash link would be taken for a route: the link moves focus itself. */}
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link; its href alone would change the route */}
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to main content
      </a>
      <header class="topbar">
        <a class="brand" href={`#${HOME}`}>
          <span class="brand-mark" aria-hidden="true" />
          Synchub
        </a>
        <nav aria-label="Main" ref={navRef}>
          <ul class="nav-list">
            {NAV.map((item) => {
              if (item.page && !pages?.has(item.page)) return null;
              const label = (item.page && pages?.get(item.page)) || item.label;
              const active = bare === item.path || bare.startsWith(`${item.path}/`);
              return (
                <li key={item.path}>
                  <a
                    href={`#${item.path}`}
                    class={active ? 'nav-link active' : 'nav-link'}
                    aria-current={active ? 'page' : undefined}
                  >
                    {label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="topbar-end">
          <ZoneSwitch />
          {version && <span class="version">v{version}</span>}
          <button type="button" class="button ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={mainRef}>
        <Routes path={path} pages={pages} />
      </main>
    </div>
  );
}
