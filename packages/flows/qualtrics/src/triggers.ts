import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { QualtricsError } from './errors.js';
import type { QualtricsDb, WorkflowTriggersTable } from './schema.js';
import type { TemplateRow } from './template.js';

export interface TriggerView {
  id: string;
  name: string;
  connectionId: string;
  /** Overrides of the connection's settings; null uses the connection's. */
  triggerUrl: string | null;
  username: string | null;
  /** The last characters of the webhook secret, to tell secrets apart; the secret is shown once. */
  secretHint: string;
  template: TemplateRow[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TriggerInput {
  name: string;
  connectionId: string;
  triggerUrl?: string | null | undefined;
  username?: string | null | undefined;
  template?: TemplateRow[] | undefined;
  enabled?: boolean | undefined;
}

export const triggerView = (r: WorkflowTriggersTable): TriggerView => ({
  id: r.id,
  name: r.name,
  connectionId: r.connection_id,
  triggerUrl: r.trigger_url,
  username: r.username,
  secretHint: r.secret_hint,
  template: JSON.parse(r.template_json),
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const newSecret = () => `qwh_${randomBytes(24).toString('base64url')}`;
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
/** Constant-time comparison of two strings of any length (hashing first equalises lengths). */
const safeEqual = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const hintOf = (secret: string) => `…${secret.slice(-4)}`;

/**
 * Workflow triggers: a Qualtrics connection, optional URL/username overrides, the payload template and
 * the webhook secret Gainsight authenticates with (stored as SHA-256, compared in constant time).
 */
export function createTriggerStore(deps: {
  db: QualtricsDb;
  now: () => number;
  /** Connector id of a connection, undefined when there is none. */
  connectorOf(connectionId: string): Promise<string | undefined>;
}) {
  const { db } = deps;
  const iso = () => new Date(deps.now()).toISOString();

  const row = async (id: string) => {
    const r = await db.selectFrom('workflow_triggers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new QualtricsError('not_found', `No workflow trigger with id ${id}`);
    return r;
  };
  const checkName = async (name: string, except?: string) => {
    let q = db.selectFrom('workflow_triggers').select('id').where('name', '=', name);
    if (except) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst()) {
      throw new QualtricsError('conflict', `A workflow trigger named "${name}" already exists`, {
        issues: [{ path: 'name', message: 'already in use' }],
      });
    }
  };
  const checkConnection = async (connectionId: string) => {
    const connector = await deps.connectorOf(connectionId);
    const message =
      connector === undefined
        ? 'unknown connection'
        : connector === 'qualtrics'
          ? undefined
          : `a ${connector} connection`;
    if (message) {
      throw new QualtricsError(
        'invalid_input',
        `connectionId: a workflow trigger needs a Qualtrics connection (${message})`,
        {
          issues: [{ path: 'connectionId', message: `needs a Qualtrics connection (${message})` }],
        },
      );
    }
  };

  return {
    async list(): Promise<TriggerView[]> {
      return (await db.selectFrom('workflow_triggers').selectAll().orderBy('created_at').orderBy('name').execute()).map(
        triggerView,
      );
    },
    async get(id: string): Promise<TriggerView> {
      return triggerView(await row(id));
    },
    /** The secret is in this answer only. */
    async create(input: TriggerInput): Promise<{ trigger: TriggerView; secret: string }> {
      await checkName(input.name);
      await checkConnection(input.connectionId);
      const secret = newSecret();
      const r: WorkflowTriggersTable = {
        id: randomUUID(),
        name: input.name,
        connection_id: input.connectionId,
        trigger_url: input.triggerUrl || null,
        username: input.username || null,
        secret_hash: sha256Hex(secret),
        secret_hint: hintOf(secret),
        template_json: JSON.stringify(input.template ?? []),
        enabled: input.enabled === false ? 0 : 1,
        created_at: iso(),
        updated_at: iso(),
      };
      await db.insertInto('workflow_triggers').values(r).execute();
      return { trigger: triggerView(r), secret };
    },
    async update(id: string, patch: Partial<TriggerInput>): Promise<TriggerView> {
      const r = await row(id);
      if (patch.name !== undefined) await checkName(patch.name, id);
      if (patch.connectionId !== undefined) await checkConnection(patch.connectionId);
      const next: WorkflowTriggersTable = {
        ...r,
        name: patch.name ?? r.name,
        connection_id: patch.connectionId ?? r.connection_id,
        trigger_url: patch.triggerUrl === undefined ? r.trigger_url : patch.triggerUrl || null,
        username: patch.username === undefined ? r.username : patch.username || null,
        template_json: patch.template === undefined ? r.template_json : JSON.stringify(patch.template),
        enabled: patch.enabled === undefined ? r.enabled : patch.enabled ? 1 : 0,
        updated_at: iso(),
      };
      await db.updateTable('workflow_triggers').set(next).where('id', '=', id).execute();
      return triggerView(next);
    },
    /** A new secret; the old one stops working at once. */
    async rotateSecret(id: string): Promise<{ trigger: TriggerView; secret: string }> {
      await row(id);
      const secret = newSecret();
      await db
        .updateTable('workflow_triggers')
        .set({ secret_hash: sha256Hex(secret), secret_hint: hintOf(secret), updated_at: iso() })
        .where('id', '=', id)
        .execute();
      return { trigger: triggerView(await row(id)), secret };
    },
    /** The trigger, its rules and its delivery history. */
    async remove(id: string): Promise<void> {
      await row(id);
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('trigger_rules').where('trigger_id', '=', id).execute();
        await tx.deleteFrom('trigger_deliveries').where('trigger_id', '=', id).execute();
        await tx.deleteFrom('workflow_triggers').where('id', '=', id).execute();
      });
    },
    /**
     * The trigger a webhook call names, when its secret matches: 404 for an unknown trigger, 401 for a
     * missing or wrong secret (hash compared in constant time).
     */
    async authenticate(id: string, secret: string | undefined): Promise<TriggerView> {
      const r = await db.selectFrom('workflow_triggers').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) throw new QualtricsError('not_found', `No workflow trigger with id ${id}`);
      if (!secret) {
        throw new QualtricsError(
          'unauthorized',
          'Missing webhook secret: send "X-Synchub-Secret: <secret>" or "Authorization: Bearer <secret>"',
        );
      }
      if (!safeEqual(sha256Hex(secret), r.secret_hash))
        throw new QualtricsError('unauthorized', 'Invalid webhook secret');
      return triggerView(r);
    },
  };
}

export type TriggerStore = ReturnType<typeof createTriggerStore>;
