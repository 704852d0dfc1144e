import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MASK } from '../connections.js';
import type { SecretBox } from '../crypto.js';
import type { Db } from '../db/index.js';
import { HubError, invalidInput } from '../errors.js';
import type {
  AlertCondition,
  AlertRulesTable,
  AlertTables,
  ChannelSecrets,
  ChannelsInput,
  EmailSettings,
  RuleInput,
  RulePatch,
  StoredChannels,
} from './schema.js';
import { maskUrl } from './views.js';

export type AlertDb = Kysely<import('../db/index.js').Database & AlertTables>;
/** The hub's database with the alert tables (migration 0010) in its type. */
export const alertDb = (db: Db): AlertDb => db.withTables<AlertTables>();

/**
 * A rule as the API shows it: the SMTP password masked, and the webhook URL as its scheme and host only (a
 * Slack or Teams URL carries its token in the path).
 */
export interface RuleView {
  id: string;
  name: string;
  enabled: boolean;
  condition: AlertCondition;
  channels: {
    webhook: { url: string } | null;
    email: (EmailSettings & { password: string | null }) | null;
  };
  createdAt: string;
  updatedAt: string;
}

/** A rule with its decrypted channel secrets, for sending. Never leaves the process. */
export interface ResolvedRule {
  view: RuleView;
  channels: StoredChannels;
  secrets: ChannelSecrets;
}

export function createRuleStore(deps: {
  db: Db;
  box: SecretBox;
  now: () => number;
  /** Told every decrypted secret, so the logger scrubs it from any line. */
  onSecret: (value: string) => void;
  /** Refuses (invalid_input) a condition naming a pipeline, destination or budget that does not exist. */
  checkScope: (condition: AlertCondition) => Promise<void>;
}) {
  const db = alertDb(deps.db);
  const iso = () => new Date(deps.now()).toISOString();

  const secretsOf = (row: AlertRulesTable): ChannelSecrets => {
    if (!row.secrets_enc) return {};
    const secrets = JSON.parse(deps.box.open(row.secrets_enc)) as ChannelSecrets;
    if (secrets.emailPassword) deps.onSecret(secrets.emailPassword);
    if (secrets.webhookUrl) deps.onSecret(secrets.webhookUrl);
    return secrets;
  };

  /**
   * The channels to send through: the webhook's URL is sealed with the password (rules saved before it was
   * kept the URL in `channels_json`, which then holds it as it is).
   */
  const channelsOf = (row: AlertRulesTable, secrets: ChannelSecrets): StoredChannels => {
    const channels = JSON.parse(row.channels_json) as StoredChannels;
    const url = secrets.webhookUrl ?? channels.webhook?.url;
    return { ...channels, webhook: channels.webhook && url ? { url } : null };
  };

  const view = (row: AlertRulesTable): RuleView => {
    const channels = JSON.parse(row.channels_json) as StoredChannels;
    const hasPassword = row.secrets_enc !== null && Boolean(secretsOf(row).emailPassword);
    return {
      id: row.id,
      name: row.name,
      enabled: row.enabled === 1,
      condition: JSON.parse(row.condition_json),
      channels: {
        webhook: channels.webhook ? { url: maskUrl(channels.webhook.url) } : null,
        email: channels.email ? { ...channels.email, password: hasPassword ? MASK : null } : null,
      },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  };

  const row = async (id: string) => {
    const found = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!found) throw new HubError('not_found', `No alert rule with id ${id}`);
    return found;
  };

  const ensureNameFree = async (name: string, exceptId?: string) => {
    let q = db.selectFrom('alert_rules').select('id').where('name', '=', name);
    if (exceptId) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) {
      throw new HubError('conflict', `An alert rule named "${name}" already exists`, {
        issues: [{ path: 'name', message: 'already in use' }],
      });
    }
  };

  /**
   * Channels to store and the sealed secrets: a password that is absent, '' or the mask keeps `stored`'s, and
   * so does the webhook URL as the API shows it (`https://host/••••••`); `channels_json` keeps only that form.
   */
  const seal = (channels: ChannelsInput, stored: { channels: StoredChannels | undefined; secrets: ChannelSecrets }) => {
    const { password, ...email } = channels.email ?? { password: undefined };
    const given =
      password === undefined || password === '' || password === MASK ? stored.secrets.emailPassword : password;
    const emailPassword = channels.email && given ? given : undefined;
    if (emailPassword) deps.onSecret(emailPassword);
    let webhookUrl = channels.webhook?.url;
    const storedUrl = stored.channels?.webhook?.url;
    if (webhookUrl && storedUrl && webhookUrl === maskUrl(storedUrl)) webhookUrl = storedUrl;
    else if (webhookUrl?.includes(MASK)) {
      throw invalidInput([
        { path: 'channels.webhook.url', message: 'enter the whole URL (the saved one is not shown)' },
      ]);
    }
    if (webhookUrl) deps.onSecret(webhookUrl);
    const stored2: StoredChannels = {
      webhook: webhookUrl ? { url: maskUrl(webhookUrl) } : null,
      email: channels.email ? (email as EmailSettings) : null,
    };
    const secrets: ChannelSecrets = { emailPassword, webhookUrl };
    return {
      channels_json: JSON.stringify(stored2),
      secrets_enc: emailPassword || webhookUrl ? deps.box.seal(JSON.stringify(secrets)) : null,
    };
  };

  return {
    async list(): Promise<RuleView[]> {
      const rows = await db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('name').execute();
      return rows.map(view);
    },
    async get(id: string): Promise<RuleView> {
      return view(await row(id));
    },
    async resolve(id: string): Promise<ResolvedRule> {
      const found = await row(id);
      const secrets = secretsOf(found);
      return { view: view(found), channels: channelsOf(found, secrets), secrets };
    },
    async enabled(): Promise<ResolvedRule[]> {
      const rows = await db.selectFrom('alert_rules').selectAll().where('enabled', '=', 1).orderBy('name').execute();
      return rows.map((r) => {
        const secrets = secretsOf(r);
        return { view: view(r), channels: channelsOf(r, secrets), secrets };
      });
    },
    async create(input: RuleInput): Promise<RuleView> {
      await deps.checkScope(input.condition);
      await ensureNameFree(input.name);
      const at = iso();
      const record: AlertRulesTable = {
        id: randomUUID(),
        name: input.name,
        enabled: input.enabled ? 1 : 0,
        condition_json: JSON.stringify(input.condition),
        ...seal(input.channels, { channels: undefined, secrets: {} }),
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('alert_rules').values(record).execute();
      return view(record);
    },
    /** Fields given replace the stored ones (channels as a whole, but a password left out is kept). */
    async update(id: string, patch: RulePatch): Promise<{ rule: RuleView; conditionChanged: boolean }> {
      const current = await row(id);
      if (patch.condition) await deps.checkScope(patch.condition);
      if (patch.name !== undefined) await ensureNameFree(patch.name, id);
      const secrets = secretsOf(current);
      const sealed = patch.channels ? seal(patch.channels, { channels: channelsOf(current, secrets), secrets }) : {};
      const conditionJson = patch.condition ? JSON.stringify(patch.condition) : current.condition_json;
      const updated: AlertRulesTable = {
        ...current,
        name: patch.name ?? current.name,
        enabled: patch.enabled === undefined ? current.enabled : patch.enabled ? 1 : 0,
        condition_json: conditionJson,
        ...sealed,
        updated_at: iso(),
      };
      await db.updateTable('alert_rules').set(updated).where('id', '=', id).execute();
      return { rule: view(updated), conditionChanged: conditionJson !== current.condition_json };
    },
    async remove(id: string): Promise<void> {
      const result = await db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HubError('not_found', `No alert rule with id ${id}`);
    },
  };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
