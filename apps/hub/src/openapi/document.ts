import type { Hono } from 'hono';
import { documentedRoutes } from './describe.js';

type Json = Record<string, unknown>;

/** A kind (destination or pipeline) and the JSON Schema of its settings. */
export interface KindSchema {
  kind: string;
  title: string;
  settingsSchema: unknown;
}

/** A running service's own routes (FlowService.openapi), relative to its mount. */
export interface ServicePaths {
  packageName: string;
  mount: string;
  api?: Record<string, unknown> | undefined;
  hooks?: Record<string, unknown> | undefined;
}

export interface DocumentSources {
  version: string;
  destinationKinds(): KindSchema[];
  pipelineKinds(): KindSchema[];
  services(): ServicePaths[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A component name from a kind id (`^[a-zA-Z0-9._-]+$`). */
const componentName = (prefix: string, kind: string) => `${prefix}.${kind.replace(/[^a-zA-Z0-9._-]/g, '_')}`;

/** A settings JSON Schema as a component: its `$schema` goes (the document's dialect is 2020-12 already). */
function asComponent(schema: unknown, title: string): Json {
  const { $schema: _, ...rest } = (typeof schema === 'object' && schema !== null ? schema : {}) as Json;
  return { ...rest, title };
}

/**
 * `/api/openapi.json`: the routes the hub declared (their zod schemas), plus what is only known at run time —
 * the settings schema of every destination and pipeline kind the loaded plugins offer, and the routes of the
 * running plugin services under `/api/<mount>` and `/hooks/<mount>`. The declared part is built once, when
 * first asked for: its generator and the answer schemas are loaded then (openapi/generate.ts), not at start.
 */
export function createDocument(app: Hono, sources: DocumentSources): () => Promise<Json> {
  let base: Promise<Json> | undefined;
  return async () => {
    if (!base) {
      base = import('./generate.js').then(
        ({ generateDocument }) =>
          generateDocument(documentedRoutes(app), {
            version: sources.version,
            description:
              'The admin API (bearer admin token), the Segment/RudderStack-compatible ingest API (source write key) and plugin services. Errors answer `{ error: { code, message, issues? } }`.',
          }) as unknown as Json,
      );
      // A failed build is not kept: the next request tries again.
      base.catch(() => {
        base = undefined;
      });
    }
    const doc = structuredClone(await base) as Json & { paths: Record<string, Json>; components: Json };
    doc.components ??= {};
    doc.components.securitySchemes = {
      adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (`synchub token`)' },
      writeKey: { type: 'http', scheme: 'basic', description: "A source's write key as the user, no password" },
    };
    doc.security = [{ adminToken: [] }];
    const schemas = (doc.components.schemas ?? {}) as Record<string, unknown>;
    doc.components.schemas = schemas;
    addSettings(
      doc.paths,
      schemas,
      'DestinationSettings',
      '/api/destinations',
      'Destination',
      sources.destinationKinds(),
    );
    addSettings(doc.paths, schemas, 'PipelineSettings', '/api/pipelines', 'Pipeline', sources.pipelineKinds());
    for (const service of sources.services()) {
      for (const [place, paths] of [
        ['api', service.api],
        ['hooks', service.hooks],
      ] as const) {
        for (const [path, item] of Object.entries(paths ?? {})) {
          if (typeof item !== 'object' || item === null) continue;
          const full = `/${place}/${service.mount}${path === '/' ? '' : path}`;
          doc.paths[full] = withTag(item as Json, service.packageName, place === 'hooks');
        }
      }
    }
    return doc;
  };
}

/** Each operation gets the plugin's package as its tag; hooks authenticate their own callers. */
function withTag(item: Json, tag: string, hook: boolean): Json {
  const out: Json = { ...item };
  for (const method of METHODS) {
    const op = out[method] as Json | undefined;
    if (!op) continue;
    out[method] = { tags: [tag], ...(hook ? { security: [] } : {}), ...op };
  }
  return out;
}

/**
 * One component per kind (`DestinationSettings.<kind>`), a union of them (`DestinationSettings`, with
 * `x-synchub-kinds` naming which kind each is), and the `settings` of the bodies and answers pointing at it.
 */
function addSettings(
  paths: Record<string, Json>,
  schemas: Record<string, unknown>,
  prefix: string,
  under: string,
  answer: string,
  kinds: KindSchema[],
): void {
  const byKind: Record<string, { $ref: string }> = {};
  for (const kind of kinds) {
    const name = componentName(prefix, kind.kind);
    schemas[name] = asComponent(kind.settingsSchema, `${kind.title} (${kind.kind})`);
    byKind[kind.kind] = { $ref: `#/components/schemas/${name}` };
  }
  schemas[prefix] = {
    description: `Settings of one kind: the one named by \`kind\` (see x-synchub-kinds). Kinds: ${kinds.map((k) => k.kind).join(', ') || 'none loaded'}.`,
    anyOf: Object.values(byKind),
    'x-synchub-kinds': byKind,
  };
  const ref = { $ref: `#/components/schemas/${prefix}` };
  for (const [path, item] of Object.entries(paths)) {
    if (path !== under && !path.startsWith(`${under}/`)) continue;
    for (const method of METHODS) {
      const body = (item[method] as Json | undefined)?.requestBody as Json | undefined;
      const schema = ((body?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as
        | Json
        | undefined;
      const props = schema?.properties as Json | undefined;
      if (props && 'settings' in props) props.settings = ref;
    }
  }
  const props = (schemas[answer] as Json | undefined)?.properties as Json | undefined;
  if (props && 'settings' in props) props.settings = ref;
}
