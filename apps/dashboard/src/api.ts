import { type Answer, type Body, call } from './api-client.js';
import type { ConnectionInput, Destination, DestinationInput, EventQuery, Issue, ReplaySelector } from './types.js';

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

export const api = {
  health: () => request<Answer<'/health', 'get'>>('GET', '/health', undefined, null),
  connectors: () => call('get', '/api/connectors').then((r) => r.connectors),
  /** Installed plugin packages: what each contributes, including the dashboard pages it declares. */
  plugins: () => call('get', '/api/plugins'),
  /** Connectors plus the plugin packages that failed to load (so a broken install is not silent). */
  catalog: () => call('get', '/api/connectors').then((r) => ({ connectors: r.connectors, errors: r.errors ?? [] })),
  /** One connector with its streams, writers (mode, batch size, options schema) and event destination. */
  connector: (connectorId: string) =>
    call('get', '/api/connectors/{id}', { params: { id: connectorId } }).then((r) => r.connector),
  connections: () => call('get', '/api/connections').then((r) => r.connections),
  connection: (id: string) => call('get', '/api/connections/{id}', { params: { id } }).then((r) => r.connection),
  createConnection: (input: ConnectionInput) =>
    call('post', '/api/connections', { body: input }).then((r) => r.connection),
  updateConnection: (id: string, input: Partial<ConnectionInput>) =>
    call('patch', '/api/connections/{id}', { params: { id }, body: input }).then((r) => r.connection),
  deleteConnection: (id: string) => call('delete', '/api/connections/{id}', { params: { id } }),
  validateConnection: (id: string) => call('post', '/api/connections/{id}/validate', { params: { id } }),

  sources: () => call('get', '/api/sources').then((r) => r.sources),
  /** Requests ingest refused, per source and reason, newest first. */
  refusals: () => call('get', '/api/sources/refusals').then((r) => r.refusals),
  /** Where others reach the hub: the base of every ingest and webhook URL shown. */
  settings: () => call('get', '/api/settings'),
  /** The answer's `writeKey` is the only time the hub ever reveals it. */
  createSource: (input: { name: string; destinationId: string | null }) =>
    call('post', '/api/sources', { body: input }),
  updateSource: (sourceId: string, patch: { name?: string; destinationId?: string | null }) =>
    call('patch', '/api/sources/{id}', { params: { id: sourceId }, body: patch }).then((r) => r.source),
  rotateSourceKey: (sourceId: string) =>
    call('post', '/api/sources/{id}/rotate-key', { params: { id: sourceId } }).then((r) => r.writeKey),
  deleteSource: (sourceId: string) => call('delete', '/api/sources/{id}', { params: { id: sourceId } }),

  /** Every event destination kind the installed connectors offer, with its settings schema. */
  destinationKinds: () => call('get', '/api/destinations/kinds').then((r) => r.kinds),
  destinations: () => call('get', '/api/destinations').then((r) => r.destinations as Destination[]),
  destination: (destinationId: string) =>
    call('get', '/api/destinations/{id}', { params: { id: destinationId } }).then((r) => r.destination as Destination),
  // The document types `settings` with the kinds loaded when the types were generated; the form sends any
  // kind's settings (a plugin's too) and the hub checks them against that kind's schema.
  createDestination: (input: DestinationInput) =>
    call('post', '/api/destinations', { body: input as Body<'/api/destinations', 'post'> }).then(
      (r) => r.destination as Destination,
    ),
  updateDestination: (destinationId: string, patch: Partial<Omit<DestinationInput, 'kind'>>) =>
    call('patch', '/api/destinations/{id}', {
      params: { id: destinationId },
      body: patch as Body<'/api/destinations/{id}', 'patch'>,
    }).then((r) => r.destination as Destination),
  deleteDestination: (destinationId: string) =>
    call('delete', '/api/destinations/{id}', { params: { id: destinationId } }),

  events: (q: EventQuery = {}) => call('get', '/api/events', { query: q }),
  event: (eventId: number) => call('get', '/api/events/{id}', { params: { id: eventId } }).then((r) => r.event),
  /** Failed events back into the queue; answers how many were replayed. */
  replay: (selector: ReplaySelector) => call('post', '/api/events/replay', { body: selector }).then((r) => r.replayed),
  limits: () => call('get', '/api/limits').then((r) => r.limits),
  /** What waits for delivery per destination, with the budget's estimate. */
  backlog: () => call('get', '/api/backlog'),
  /** The hub's OpenAPI document (the API reference page). */
  openapi: () => call('get', '/api/openapi.json'),
};
