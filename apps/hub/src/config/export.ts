import type { Alerts } from '../alerts/index.js';
import type { Audit } from '../audit.js';
import { type ConnectionStore, MASK } from '../connections.js';
import type { Destinations } from '../destinations.js';
import type { LoadedPlugins } from '../host/plugins.js';
import type { HubLogger } from '../logger.js';
import type { PipelineKind } from '../pipelines/kind.js';
import type { Runner } from '../pipelines/runner.js';
import type { PipelineStore } from '../pipelines/store.js';
import type { Sources } from '../sources.js';
import { CONFIG_VERSION, type ConfigDocument, envNameFor, type ExportAnswer } from './document.js';

export interface ConfigDeps {
  connections: ConnectionStore;
  destinations: Destinations;
  sources: Sources;
  pipelines: PipelineStore;
  kinds: PipelineKind[];
  alerts: Alerts;
  plugins: LoadedPlugins;
  runner: Runner;
  audit: Audit;
  logger: HubLogger;
}

/** Settings whose key ends in ConnectionId name another connection (as in connections.ts). */
const CONNECTION_REF = /ConnectionId$/;

/** A copy of `value` with every string under a `…ConnectionId` key passed through `map` (ids ↔ names). */
export function mapConnectionRefs(value: unknown, map: (ref: string) => string, depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => mapConnectionRefs(v, map, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      CONNECTION_REF.test(k) && typeof v === 'string' ? map(v) : mapConnectionRefs(v, map, depth + 1),
    ]),
  );
}

/** Alert conditions name pipelines and destinations by id in the API and by name in the document. */
export function conditionToDocument(condition: Record<string, unknown>, names: (id: string) => string) {
  const { pipelineId, destinationId, ...rest } = condition;
  return {
    ...rest,
    ...(pipelineId === undefined ? {} : { pipeline: typeof pipelineId === 'string' ? names(pipelineId) : null }),
    ...(destinationId === undefined
      ? {}
      : { destination: typeof destinationId === 'string' ? names(destinationId) : null }),
  };
}

/** One env variable per secret; two names that snake-case alike get a numbered suffix. */
function envNamer() {
  const taken = new Set<string>();
  return (...parts: string[]) => {
    const base = envNameFor(...parts);
    let candidate = base;
    for (let i = 2; taken.has(candidate); i++) candidate = `${base}_${i}`;
    taken.add(candidate);
    return candidate;
  };
}

/** The hub's configuration as a document: secrets as `${ENV}` references, never their values. */
export async function exportConfig(deps: ConfigDeps): Promise<ExportAnswer> {
  const envName = envNamer();
  const env: ExportAnswer['env'] = [];
  const connections = await deps.connections.list();
  const destinations = await deps.destinations.list();
  const pipelines = await deps.pipelines.list();
  const names = new Map<string, string>([
    ...connections.map((c) => [c.id, c.name] as const),
    ...destinations.map((d) => [d.id, d.name] as const),
    ...pipelines.map((p) => [p.id, p.name] as const),
  ]);
  const nameOf = (id: string) => names.get(id) ?? id;

  const document: ConfigDocument = {
    version: CONFIG_VERSION,
    connections: connections.map((c) => ({
      name: c.name,
      connector: c.connectorId,
      settings: c.settings,
      // The view masks every secret that is set: its keys are all the export needs.
      secrets: Object.fromEntries(
        Object.keys(c.secrets)
          .sort()
          .map((field) => {
            const name = envName(c.name, field);
            env.push({ name, for: `connection "${c.name}" secret ${field}` });
            return [field, `\${${name}}`];
          }),
      ),
    })),
    destinations: destinations.map((d) => ({
      name: d.name,
      kind: d.kind,
      connection: nameOf(d.connectionId),
      enabled: d.enabled,
      settings: mapConnectionRefs(d.settings, nameOf) as Record<string, unknown>,
    })),
    sources: (await deps.sources.list()).map((s) => ({
      name: s.name,
      destination: s.destinationId === null ? null : nameOf(s.destinationId),
    })),
    pipelines: pipelines.map((p) => ({
      name: p.name,
      kind: p.kind,
      connection: nameOf(p.connectionId),
      enabled: p.enabled,
      schedule: p.schedule,
      settings: mapConnectionRefs(p.settings, nameOf) as Record<string, unknown>,
    })),
    alerts: (await deps.alerts.list()).map((r) => {
      const { email } = r.channels;
      // A webhook URL is a secret too (Slack's and Teams' carry their token in the path).
      let webhook: { url: string } | null = null;
      if (r.channels.webhook) {
        const name = envName('alert', r.name, 'webhook url');
        env.push({ name, for: `alert rule "${r.name}" webhook URL` });
        webhook = { url: `\${${name}}` };
      }
      let channels: Record<string, unknown> = { webhook, email };
      if (email) {
        const { password, ...rest } = email;
        let ref: string | null = null;
        if (password === MASK) {
          const name = envName('alert', r.name, 'email password');
          env.push({ name, for: `alert rule "${r.name}" e-mail password` });
          ref = `\${${name}}`;
        }
        channels = { webhook, email: { ...rest, password: ref } };
      }
      return {
        name: r.name,
        enabled: r.enabled,
        condition: conditionToDocument(r.condition as Record<string, unknown>, nameOf),
        channels,
      };
    }),
  };
  return {
    document,
    env,
    notes: [
      'Sources are exported without their write keys: applying to another hub creates new keys (shown once).',
      'Pipeline cursors, run history, events and alert states are not configuration and are not exported.',
    ],
  };
}
