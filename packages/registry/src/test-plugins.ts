// Test helper (not exported): writes fake plugin packages into a temp folder, laid out like an install.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** A valid definition; `patch` is JS run before the export to break it (`definition.id = 'X';`). */
export function pluginSource(id: string, patch = ''): string {
  return `import { z } from 'zod';
const definition = {
  id: ${JSON.stringify(id)},
  name: 'Acme ' + ${JSON.stringify(id)},
  version: '1.0.0',
  contractVersion: 1,
  description: 'A third-party connector',
  settings: z.object({
    baseUrl: z.string().meta({ title: 'Base URL', description: 'Where the API lives' }),
    sandbox: z.boolean().default(false),
    since: z.date().optional(),
  }),
  secrets: z.object({ apiKey: z.string() }),
  async check() { return { summary: 'ok', details: {} }; },
  async discover() { return []; },
  streams: { accounts: { name: 'accounts', async *read() { yield { records: [], cursor: null }; } } },
  writers: {
    accounts: { name: 'accounts', mode: 'upsert', batchSize: 50, write: async ({ records }) => records.map(() => ({ ok: true })) },
  },
  rateLimit: { buckets: { api: [{ limit: 100, windowMs: 60000 }] }, defaultBucket: 'api', key: (s) => s.baseUrl },
};
${patch}
export default definition;
`;
}

/** A `pluginSource` patch that gives the connector an event destination, a stream and a writer with options. */
export const DESTINATION_PATCH = `
definition.streams.accounts.object = 'Account';
definition.streams.accounts.description = 'Accounts, oldest change first';
definition.streams.accounts.options = z.object({ since: z.string().optional().meta({ title: 'Since' }) });
definition.writers.accounts.description = 'Upsert accounts by domain';
definition.writers.accounts.options = z.object({ object: z.string().default('Account') });
definition.destination = {
  title: 'Acme events',
  description: 'Tracks and identifies',
  settings: z.object({ eventPrefix: z.string().default('app.').meta({ title: 'Event prefix' }) }),
  messageTypes: ['identify', 'track'],
  merge: true,
  map: (message) => ({ records: [{ writer: 'accounts', record: { id: message.userId } }] }),
};`;

/** A valid pipeline kind as JS source (an object literal); `extra` adds members (`validate: …,`). */
export function kindSource(kind: string, extra = ''): string {
  return `{
    kind: ${JSON.stringify(kind)},
    title: 'Kind ' + ${JSON.stringify(kind)},
    description: 'Moves things',
    group: 'Acme',
    connectorId: 'acme',
    settings: z.object({ object: z.string().default('Account') }),
    defaultSchedule: '0 3 * * *',
    async run(run) { run.count('read', 1); },
    ${extra}
  }`;
}

/** A valid flows entry; `patch` is JS run before the export to break it (`flows.id = 'X';`). */
export function flowsSource(id: string, patch = ''): string {
  return `import { z } from 'zod';
const flows = {
  id: ${JSON.stringify(id)},
  name: 'Flows ' + ${JSON.stringify(id)},
  version: '1.0.0',
  contractVersion: 1,
  kinds: [${kindSource(`${id}.pull`)}],
  destinations: [{
    kind: ${JSON.stringify(`${id}-events`)},
    connectorId: 'acme',
    title: 'Acme events',
    settings: z.object({ prefix: z.string().default('') }),
    messageTypes: ['track'],
    merge: false,
    map: (message) => ({ records: [{ writer: 'accounts', record: { id: message.userId } }] }),
  }],
  mount: ${JSON.stringify(id)},
  migrations: { '0001_things': { async up() {} } },
  service: () => ({}),
  pages: [{ id: 'accounts', title: 'Accounts' }],
};
${patch}
export default flows;
`;
}

export interface FakePackage {
  /** Folder relative to the temp root, e.g. `node_modules/@acme/foo`. */
  dir: string;
  name?: string | undefined;
  /** The `synchub` key; `null` leaves it out. Defaults to `{ connector: './index.mjs' }`. */
  synchub?: unknown;
  /** Entry file contents (written to ./index.mjs); omitted → no entry file. */
  source?: string | undefined;
  /** More files, by path relative to the package (e.g. a flows entry beside the connector's). */
  files?: Record<string, string> | undefined;
}

export interface TempRoot {
  root: string;
  write(pkg: FakePackage): Promise<string>;
  link(target: string, linkPath: string): Promise<void>;
  remove(): Promise<void>;
}

/** A temp folder whose node_modules holds a link to this package's zod, so fake plugins can import it. */
export async function createTempRoot(): Promise<TempRoot> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'synchub-registry-'));
  const zodDir = path.dirname(createRequire(import.meta.url).resolve('zod/package.json'));
  await mkdir(path.join(root, 'node_modules'), { recursive: true });
  await symlink(zodDir, path.join(root, 'node_modules', 'zod'), 'dir');
  return {
    root,
    async write(pkg) {
      const dir = path.join(root, pkg.dir);
      await mkdir(dir, { recursive: true });
      const manifest: Record<string, unknown> = { name: pkg.name, version: '1.0.0', type: 'module' };
      if (pkg.synchub !== null) manifest['synchub'] = pkg.synchub ?? { connector: './index.mjs' };
      await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
      if (pkg.source !== undefined) await writeFile(path.join(dir, 'index.mjs'), pkg.source);
      for (const [file, text] of Object.entries(pkg.files ?? {})) await writeFile(path.join(dir, file), text);
      return dir;
    },
    async link(target, linkPath) {
      await mkdir(path.dirname(path.join(root, linkPath)), { recursive: true });
      await symlink(path.join(root, target), path.join(root, linkPath), 'dir');
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
