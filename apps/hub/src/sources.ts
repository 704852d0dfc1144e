import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from './crypto.js';
import type { Db } from './db/index.js';
import type { SourcesTable } from './db/schema.js';
import { HubError } from './errors.js';

export interface SourceView {
  id: string;
  name: string;
  /** The last characters of the write key, to tell keys apart; the key itself is shown once. */
  writeKeyHint: string;
  destinationId: string | null;
  createdAt: string;
  updatedAt: string;
}

const view = (r: SourcesTable): SourceView => ({
  id: r.id,
  name: r.name,
  writeKeyHint: r.write_key_hint,
  destinationId: r.destination_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const newKey = () => `wk_${randomBytes(24).toString('base64url')}`;
const hintOf = (key: string) => `…${key.slice(-4)}`;

/**
 * Sources own write keys. Keys are stored as SHA-256 (fast to look up, useless if the file leaks) and
 * resolved through a small in-memory map so ingest does no query per request.
 */
export function createSources(
  db: Db,
  deps: {
    now?: () => number;
    destinationExists: (id: string) => Promise<boolean>;
    /**
     * Several processes share the database: a key the map does not know is looked up (another process may
     * have just made it), and `onChange` tells the others to `forget` theirs after a key is rotated or removed.
     */
    shared?: boolean;
    onChange?: () => void;
  },
) {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  let byHash: Map<string, string> | undefined;

  const load = async () => {
    const rows = await db.selectFrom('sources').select(['id', 'write_key_hash']).execute();
    byHash = new Map(rows.map((r) => [r.write_key_hash, r.id]));
    return byHash;
  };
  const row = async (id: string) => {
    const r = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HubError('not_found', `No source with id ${id}`);
    return r;
  };
  const checkDestination = async (id: string | null | undefined) => {
    if (id && !(await deps.destinationExists(id))) {
      throw new HubError('invalid_input', `No destination with id ${id}`, {
        issues: [{ path: 'destinationId', message: 'unknown destination' }],
      });
    }
  };
  const checkName = async (name: string, except?: string) => {
    let q = db.selectFrom('sources').select('id').where('name', '=', name);
    if (except) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst()) {
      throw new HubError('conflict', `A source named "${name}" already exists`, {
        issues: [{ path: 'name', message: 'already in use' }],
      });
    }
  };

  return {
    async list() {
      return (await db.selectFrom('sources').selectAll().orderBy('created_at').execute()).map(view);
    },
    async get(id: string) {
      return view(await row(id));
    },
    async create(input: { name: string; destinationId?: string | null | undefined }) {
      await checkName(input.name);
      await checkDestination(input.destinationId);
      const writeKey = newKey();
      const r: SourcesTable = {
        id: randomUUID(),
        name: input.name,
        write_key_hash: sha256Hex(writeKey),
        write_key_hint: hintOf(writeKey),
        destination_id: input.destinationId ?? null,
        created_at: iso(),
        updated_at: iso(),
      };
      await db.insertInto('sources').values(r).execute();
      byHash = undefined;
      deps.onChange?.();
      return { source: view(r), writeKey };
    },
    async update(id: string, patch: { name?: string | undefined; destinationId?: string | null | undefined }) {
      const r = await row(id);
      if (patch.name !== undefined) await checkName(patch.name, id);
      await checkDestination(patch.destinationId);
      const next: SourcesTable = {
        ...r,
        name: patch.name ?? r.name,
        destination_id: patch.destinationId === undefined ? r.destination_id : patch.destinationId,
        updated_at: iso(),
      };
      await db.updateTable('sources').set(next).where('id', '=', id).execute();
      return view(next);
    },
    /** A new write key; the old one stops working at once. */
    async rotateKey(id: string) {
      await row(id);
      const writeKey = newKey();
      await db
        .updateTable('sources')
        .set({ write_key_hash: sha256Hex(writeKey), write_key_hint: hintOf(writeKey), updated_at: iso() })
        .where('id', '=', id)
        .execute();
      byHash = undefined;
      deps.onChange?.();
      return { source: view(await row(id)), writeKey };
    },
    async remove(id: string) {
      const result = await db.deleteFrom('sources').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HubError('not_found', `No source with id ${id}`);
      byHash = undefined;
      deps.onChange?.();
    },
    /** Drop the key map (another process changed the sources); the next request loads it again. */
    forget() {
      byHash = undefined;
    },
    /** Source id for a write key, or undefined. Hash lookup: no timing leak on the key's content. */
    async authenticate(writeKey: string): Promise<string | undefined> {
      const map = byHash ?? (await load());
      const hash = sha256Hex(writeKey);
      const known = map.get(hash);
      if (known !== undefined || !deps.shared) return known;
      const found = await db.selectFrom('sources').select('id').where('write_key_hash', '=', hash).executeTakeFirst();
      if (found) map.set(hash, found.id);
      return found?.id;
    },
  };
}

export type Sources = ReturnType<typeof createSources>;
