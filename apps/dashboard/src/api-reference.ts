// The API reference page's reading of /api/openapi.json: operations grouped by tag, schemas as short text.

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read field by field, each one checked
type Node = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  tag: string;
  summary: string;
  description?: string | undefined;
  /** Who may call it: the admin token, a source's write key, or anyone. */
  auth: 'admin token' | 'write key' | 'none';
  parameters: Array<{ name: string; in: string; required: boolean; type: string }>;
  body?: string | undefined;
  answers: Array<{ status: string; description: string; type?: string | undefined }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const refName = (ref: string) => ref.replace('#/components/schemas/', '');

/**
 * A schema as a short TypeScript-like text: `{ name: string; settings?: DestinationSettings }`. Named
 * schemas show as their name (the page lists them below); nesting past `depth` shows as `{…}`.
 */
export function schemaText(schema: Node | undefined, depth = 2): string {
  if (!schema || typeof schema !== 'object') return 'unknown';
  if (typeof schema.$ref === 'string') return refName(schema.$ref);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union) && union.length > 0) return union.map((s: Node) => schemaText(s, depth)).join(' | ');
  if (Array.isArray(schema.allOf)) return schema.allOf.map((s: Node) => schemaText(s, depth)).join(' & ');
  if (Array.isArray(schema.enum)) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nullable = types.includes('null') ? ' | null' : '';
  const type = types.find((t) => t !== 'null');
  if (type === 'array') return `${wrap(schemaText(schema.items, depth))}[]${nullable}`;
  if (type === 'object' || schema.properties || schema.additionalProperties) {
    const props = Object.entries((schema.properties ?? {}) as Record<string, Node>);
    if (props.length === 0) {
      const extra = schema.additionalProperties;
      const value =
        extra && typeof extra === 'object' && Object.keys(extra).length > 0 ? schemaText(extra, depth) : 'unknown';
      return `{ [key: string]: ${value} }${nullable}`;
    }
    if (depth <= 0) return `{…}${nullable}`;
    const required = new Set<string>(schema.required ?? []);
    const fields = props.map(
      ([key, value]) => `${key}${required.has(key) ? '' : '?'}: ${schemaText(value, depth - 1)}`,
    );
    return `{ ${fields.join('; ')} }${nullable}`;
  }
  return `${type ?? 'unknown'}${nullable}`;
}

const wrap = (text: string) => (text.includes(' | ') || text.includes(' & ') ? `(${text})` : text);

function authOf(op: Node, doc: Node): Operation['auth'] {
  const security = (op.security ?? doc.security ?? []) as Node[];
  if (security.length === 0) return 'none';
  return security.some((s) => 'writeKey' in s) ? 'write key' : 'admin token';
}

/** Every operation of the document, in its order, with what the page shows of it. */
export function operationsOf(doc: Node): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Node>)) {
    for (const method of METHODS) {
      const op = item[method] as Node | undefined;
      if (!op) continue;
      const body = op.requestBody?.content?.['application/json']?.schema as Node | undefined;
      out.push({
        method: method.toUpperCase(),
        path,
        tag: op.tags?.[0] ?? 'Other',
        summary: op.summary ?? '',
        description: op.description,
        auth: authOf(op, doc),
        parameters: ((op.parameters ?? []) as Node[]).map((p) => ({
          name: String(p.name),
          in: String(p.in),
          required: Boolean(p.required),
          type: schemaText(p.schema, 1),
        })),
        body: body ? schemaText(body) : undefined,
        answers: Object.entries((op.responses ?? {}) as Record<string, Node>).map(([status, answer]) => {
          const content = (answer.content ?? {}) as Record<string, Node>;
          const [mediaType, media] = Object.entries(content)[0] ?? [];
          const type = !media ? undefined : mediaType === 'application/json' ? schemaText(media.schema) : mediaType;
          return { status, description: String(answer.description ?? ''), type };
        }),
      });
    }
  }
  return out;
}

/** Operations by tag, tags in the order they first appear. */
export function byTag(operations: Operation[]): Array<[string, Operation[]]> {
  const groups = new Map<string, Operation[]>();
  for (const op of operations) groups.set(op.tag, [...(groups.get(op.tag) ?? []), op]);
  return [...groups];
}

/** Whether `op` matches a search (path, method, summary or tag; case-insensitive). */
export function matches(op: Operation, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return [op.method, op.path, op.summary, op.tag].some((text) => text.toLowerCase().includes(q));
}
