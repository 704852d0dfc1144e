// Test helpers (not exported): a tiny in-memory connector and flow plugins built the way a package would.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  CONTRACT_VERSION,
  type ConnectorDefinition,
  defineConnector,
  type FlowPluginDefinition,
  type PipelineKindDefinition,
  type SyncRecord,
} from '@synchub/core';
import type { LoadedConnector } from '@synchub/registry';
import { z } from 'zod';
import type { TestHub } from '../testing.js';

/** "Memo": a vendor that keeps what its one writer gets in `written`. */
export function createMemo(overrides: Partial<ConnectorDefinition> = {}) {
  const written: SyncRecord[] = [];
  const definition = defineConnector({
    id: 'memo',
    name: 'Memo',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    settings: z.object({ label: z.string().default('memo') }),
    secrets: z.object({ token: z.string().default('memo-secret-token') }),
    check: async () => ({ summary: 'Connected', details: {} }),
    discover: async () => [{ name: 'items' }],
    streams: {
      items: {
        name: 'items',
        async *read() {
          yield { records: [{ id: '1' }, { id: '2' }], cursor: 'c2' };
        },
      },
    },
    writers: {
      items: {
        name: 'items',
        mode: 'upsert',
        batchSize: 10,
        async write({ records }) {
          written.push(...records);
          return records.map(() => ({ ok: true as const }));
        },
      },
    },
    rateLimit: { buckets: { api: [{ limit: 1000, windowMs: 60_000 }] }, defaultBucket: 'api', key: () => 'memo' },
    ...overrides,
  } as ConnectorDefinition);
  const connector: LoadedConnector = { definition, packageName: '@test/memo', packageDir: '' };
  return { written, definition, connector };
}

/** A connection to Memo; resolves with its id. */
export async function addMemoConnection(t: TestHub, name = 'Memo'): Promise<string> {
  const res = await t.request('POST', '/api/connections', { connectorId: 'memo', name, settings: {}, secrets: {} });
  if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { connection: { id: string } }).connection.id;
}

/** A pipeline kind on Memo connections that counts one read; override what a test needs. */
export function testKind(kind: string, overrides: Partial<PipelineKindDefinition> = {}): PipelineKindDefinition {
  return {
    kind,
    title: `Kind ${kind}`,
    description: 'A test kind',
    group: 'Tests',
    connectorId: 'memo',
    settings: z.object({ note: z.string().default('') }),
    defaultSchedule: '0 3 * * *',
    async run(run) {
      run.count('read');
    },
    ...overrides,
  };
}

export function testFlows(id: string, overrides: Partial<FlowPluginDefinition> = {}): FlowPluginDefinition {
  return { id, name: `Flows ${id}`, version: '1.0.0', contractVersion: CONTRACT_VERSION, ...overrides };
}

/** Writes a plugin package (package.json + files) under `dir`, with the hub's zod linked beside it. */
export function writePackage(
  dir: string,
  name: string,
  synchub: Record<string, string>,
  files: Record<string, string>,
  version = '1.0.0',
) {
  const root = path.join(dir, name);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name, version, type: 'module', synchub }));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, file), text);
  const zod = path.join(dir, 'zod');
  if (!fs.existsSync(zod)) {
    fs.symlinkSync(path.dirname(createRequire(import.meta.url).resolve('zod/package.json')), zod, 'dir');
  }
  return root;
}

/** Resolves once `check` is true (polling), or rejects after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
