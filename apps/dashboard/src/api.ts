import type {
  BacklogEntry,
  Connection,
  ConnectionInput,
  Connector,
  Destination,
  DestinationInput,
  DestinationKind,
  EventCounts,
  EventDetail,
  EventQuery,
  EventRow,
  Issue,
  LimitRow,
  PluginError,
  PublicUrl,
  Refusal,
  ReplaySelector,
  Source,
  ValidateAnswer,
} from './types.js';

/** Any non-2xx answer from the hub, carrying its `{ error: { code, message, … } }` body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly issues: Issue[];

  constructor(status: number, code: string, message: string, issues: Issue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

// The token lives in localStorage, so a new tab (or a restarted browser) stays signed in until "Sign out",
// which clears it in every tab. The trade-off: it stays on disk in the browser profile, and any script
// running on the dashboard's origin could read it (as it could from sessionStorage while the tab is open).
// The dashboard loads no third-party script, the hub serves it with a strict Content-Security-Policy, and
// `synchub token` revokes a token that leaked. Sign out on a shared computer.
export const TOKEN_KEY = 'synchub.adminToken';

export function loadToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

// The app registers one handler so any 401, from any page, sends the user back to the login screen.
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

/** For requests made outside `request` (the live event stream). */
export function reportUnauthorized(): void {
  onUnauthorized?.();
}

export async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
  const message = typeof error?.message === 'string' ? error.message : `${res.status} ${res.statusText}`.trim();
  const issues = Array.isArray(error?.issues) ? (error.issues as Issue[]) : [];
  return new ApiError(res.status, code, message, issues);
}

export async function request<T>(method: string, path: string, body?: unknown, token = loadToken()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (cause) {
    throw new ApiError(0, 'network', 'Cannot reach the hub. Is it running?', [], { cause });
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401) onUnauthorized?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Checks a token without storing it and without triggering the global 401 handler. */
export async function checkToken(token: string): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch('/api/session', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  } catch (cause) {
    throw new ApiError(0, 'network', 'Cannot reach the hub. Is it running?', [], { cause });
  }
  if (res.status === 401) return false;
  if (!res.ok) throw await errorFrom(res);
  return true;
}

const id = (value: string | number) => encodeURIComponent(String(value));

function eventsQuery(q: EventQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const api = {
  health: () => request<{ status: string; version: string }>('GET', '/health', undefined, null),
  connectors: () => request<{ connectors: Connector[] }>('GET', '/api/connectors').then((r) => r.connectors),
  /** Installed plugin packages: what each contributes, including the dashboard pages it declares. */
  plugins: () =>
    request<{ plugins: { packageName: string; pages: { id: string; title: string }[] }[] }>('GET', '/api/plugins'),
  /** Connectors plus the plugin packages that failed to load (so a broken install is not silent). */
  catalog: () =>
    request<{ connectors: Connector[]; errors?: PluginError[] }>('GET', '/api/connectors').then((r) => ({
      connectors: r.connectors,
      errors: r.errors ?? [],
    })),
  /** One connector with its streams, writers (mode, batch size, options schema) and event destination. */
  connector: (connectorId: string) =>
    request<{ connector: Connector }>('GET', `/api/connectors/${id(connectorId)}`).then((r) => r.connector),
  connections: () => request<{ connections: Connection[] }>('GET', '/api/connections').then((r) => r.connections),
  connection: (id: string) =>
    request<{ connection: Connection }>('GET', `/api/connections/${encodeURIComponent(id)}`).then((r) => r.connection),
  createConnection: (input: ConnectionInput) =>
    request<{ connection: Connection }>('POST', '/api/connections', input).then((r) => r.connection),
  updateConnection: (id: string, input: Partial<ConnectionInput>) =>
    request<{ connection: Connection }>('PATCH', `/api/connections/${encodeURIComponent(id)}`, input).then(
      (r) => r.connection,
    ),
  deleteConnection: (id: string) => request<void>('DELETE', `/api/connections/${encodeURIComponent(id)}`),
  validateConnection: (id: string) =>
    request<ValidateAnswer>('POST', `/api/connections/${encodeURIComponent(id)}/validate`),

  sources: () => request<{ sources: Source[] }>('GET', '/api/sources').then((r) => r.sources),
  /** Requests ingest refused, per source and reason, newest first. */
  refusals: () => request<{ refusals: Refusal[] }>('GET', '/api/sources/refusals').then((r) => r.refusals),
  /** Where others reach the hub: the base of every ingest and webhook URL shown. */
  settings: () => request<{ publicUrl: PublicUrl }>('GET', '/api/settings'),
  /** The answer's `writeKey` is the only time the hub ever reveals it. */
  createSource: (input: { name: string; destinationId: string | null }) =>
    request<{ source: Source; writeKey: string }>('POST', '/api/sources', input),
  updateSource: (sourceId: string, patch: { name?: string; destinationId?: string | null }) =>
    request<{ source: Source }>('PATCH', `/api/sources/${id(sourceId)}`, patch).then((r) => r.source),
  rotateSourceKey: (sourceId: string) =>
    request<{ writeKey: string }>('POST', `/api/sources/${id(sourceId)}/rotate-key`).then((r) => r.writeKey),
  deleteSource: (sourceId: string) => request<void>('DELETE', `/api/sources/${id(sourceId)}`),

  /** Every event destination kind the installed connectors offer, with its settings schema. */
  destinationKinds: () => request<{ kinds: DestinationKind[] }>('GET', '/api/destinations/kinds').then((r) => r.kinds),
  destinations: () => request<{ destinations: Destination[] }>('GET', '/api/destinations').then((r) => r.destinations),
  destination: (destinationId: string) =>
    request<{ destination: Destination }>('GET', `/api/destinations/${id(destinationId)}`).then((r) => r.destination),
  createDestination: (input: DestinationInput) =>
    request<{ destination: Destination }>('POST', '/api/destinations', input).then((r) => r.destination),
  updateDestination: (destinationId: string, patch: Partial<Omit<DestinationInput, 'kind'>>) =>
    request<{ destination: Destination }>('PATCH', `/api/destinations/${id(destinationId)}`, patch).then(
      (r) => r.destination,
    ),
  deleteDestination: (destinationId: string) => request<void>('DELETE', `/api/destinations/${id(destinationId)}`),

  events: (q: EventQuery = {}) =>
    request<{ events: EventRow[]; counts: EventCounts }>('GET', `/api/events${eventsQuery(q)}`),
  event: (eventId: number) => request<{ event: EventDetail }>('GET', `/api/events/${id(eventId)}`).then((r) => r.event),
  /** Failed events back into the queue; answers how many were replayed. */
  replay: (selector: ReplaySelector) =>
    request<{ replayed: number }>('POST', '/api/events/replay', selector).then((r) => r.replayed),
  limits: () => request<{ limits: LimitRow[] }>('GET', '/api/limits').then((r) => r.limits),
  /** What waits for delivery per destination, with the budget's estimate. */
  backlog: () => request<{ backlog: BacklogEntry[]; at: number }>('GET', '/api/backlog'),
};
