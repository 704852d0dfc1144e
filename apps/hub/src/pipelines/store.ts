import { randomUUID } from 'node:crypto';
import type { FlowHost } from '@synchub/core';
import type { Db } from '../db/index.js';
import type { PipelinesTable } from '../db/schema.js';
import { HubError, type Issue, invalidInput, isHubError, zodIssues } from '../errors.js';
import { pluginMessage, withDeadline } from '../host/deadline.js';
import { pipelineScope } from '../host/state.js';
import type { PipelineKind, ResolvedConnection } from './kind.js';
import { nextRunAt, scheduleError } from './schedule.js';

export interface PipelineView {
  id: string;
  kind: string;
  name: string;
  connectionId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  schedule: string;
  cursor: string | null;
  nextRunAt: number | null;
  createdAt: string;
  updatedAt: string;
}

export const pipelineView = (r: PipelinesTable): PipelineView => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  connectionId: r.connection_id,
  settings: JSON.parse(r.settings_json),
  enabled: r.enabled === 1,
  schedule: r.schedule,
  cursor: r.cursor,
  nextRunAt: r.next_run_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface PipelineInput {
  kind: string;
  name: string;
  connectionId: string;
  settings?: Record<string, unknown> | undefined;
  enabled?: boolean | undefined;
  schedule?: string | undefined;
}

export function createPipelineStore(deps: {
  db: Db;
  kinds: PipelineKind[];
  now: () => number;
  /** Connector id of a connection (undefined when it does not exist). */
  connectorOf(connectionId: string): Promise<string | undefined>;
  connectionOf(connectionId: string): Promise<ResolvedConnection>;
  /** The host API a kind's `validate` gets (its plugin's own). */
  hostOf(kind: PipelineKind): FlowHost;
  /** How long a kind's `validate` may take. */
  operationTimeoutMs: number;
}) {
  const { db, now } = deps;
  const iso = () => new Date(now()).toISOString();
  const kindOf = (kind: string) => {
    const found = deps.kinds.find((k) => k.kind === kind);
    if (!found) {
      throw new HubError('invalid_input', `Unknown pipeline kind "${kind}"`, {
        issues: [{ path: 'kind', message: `one of ${deps.kinds.map((k) => k.kind).join(', ')}` }],
      });
    }
    return found;
  };
  const row = async (id: string) => {
    const r = await db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new HubError('not_found', `No pipeline with id ${id}`);
    return r;
  };
  const nameTaken = async (name: string, except?: string) => {
    let q = db.selectFrom('pipelines').select('id').where('name', '=', name);
    if (except) q = q.where('id', '!=', except);
    return (await q.executeTakeFirst()) !== undefined;
  };

  /**
   * The kind's own save-time checks. Whatever its `validate` throws (a vendor's ConnectorError, a plain
   * Error) or a deadline passing is an issue with that message: the save is refused, never a 500.
   */
  const validateWithKind = async (kind: PipelineKind, settings: unknown, connectionId: string): Promise<Issue[]> => {
    const { validate } = kind;
    if (!validate) return [];
    try {
      const issues = await withDeadline(`The checks of ${kind.title}`, deps.operationTimeoutMs, (signal) =>
        validate.call(kind, {
          settings,
          connectionId,
          host: deps.hostOf(kind),
          connectionOf: deps.connectionOf,
          signal,
        }),
      );
      return Array.isArray(issues) ? issues : [];
    } catch (error) {
      // Issues of its own, thrown the hub's way (`invalidInput`), stay as they are.
      if (isHubError(error) && error.code === 'invalid_input' && Array.isArray(error.extra.issues))
        return error.extra.issues as Issue[];
      return [{ path: 'settings', message: pluginMessage(error) }];
    }
  };

  /**
   * Every problem of a save at once (a form shows them all): name, connection, settings schema and
   * schedule, and the kind's own save-time checks against the vendor, which need settings that parse and a
   * connection of its connector, so they run whenever those two are right. `name` undefined: not checked
   * (a preview, or an update that keeps it). A name in use and nothing else is a conflict (409).
   */
  const validate = async (
    kind: PipelineKind,
    input: { name?: string | undefined; except?: string; connectionId: string; settings: unknown; schedule: string },
  ) => {
    const { connectionId, schedule } = input;
    const issues: Issue[] = [];
    let taken = false;
    if (input.name !== undefined) {
      if (input.name.trim() === '') issues.push({ path: 'name', message: 'required' });
      else if (await nameTaken(input.name, input.except)) {
        taken = true;
        issues.push({ path: 'name', message: 'already in use' });
      }
    }
    const parsed = kind.settings.safeParse(input.settings);
    if (!parsed.success) issues.push(...zodIssues(parsed.error, 'settings'));
    const connector = connectionId === '' ? undefined : await deps.connectorOf(connectionId);
    let connectionOk = false;
    if (connectionId === '') issues.push({ path: 'connectionId', message: 'required' });
    else if (connector === undefined) issues.push({ path: 'connectionId', message: 'unknown connection' });
    // `*`: a vendor-neutral kind (the generic sync) whose own connection may be of any connector.
    else if (kind.connectorId !== '*' && connector !== kind.connectorId) {
      issues.push({
        path: 'connectionId',
        message: `${kind.title} needs a ${kind.connectorId} connection, not ${connector}`,
      });
    } else connectionOk = true;
    const bad = scheduleError(schedule);
    if (bad) issues.push({ path: 'schedule', message: `not a valid cron expression: ${bad}` });
    if (parsed.success && connectionOk && kind.validate)
      issues.push(...(await validateWithKind(kind, parsed.data, connectionId)));
    if (taken && issues.length === 1)
      throw new HubError('conflict', `A pipeline named "${input.name}" already exists`, { issues });
    if (issues.length > 0 || !parsed.success) throw invalidInput(issues);
    return parsed.data as Record<string, unknown>;
  };

  return {
    kindOf,
    async list(filter: { connectionId?: string | undefined } = {}) {
      let q = db.selectFrom('pipelines').selectAll();
      if (filter.connectionId) q = q.where('connection_id', '=', filter.connectionId);
      return (await q.orderBy('created_at').orderBy('name').execute()).map(pipelineView);
    },
    async get(id: string) {
      return pipelineView(await row(id));
    },
    /** The checks `create` makes (name aside), saving nothing: a preview of unsaved settings. */
    async check(input: PipelineInput) {
      const kind = kindOf(input.kind);
      const schedule = input.schedule ?? kind.defaultSchedule;
      const settings = await validate(kind, {
        connectionId: input.connectionId,
        settings: input.settings ?? {},
        schedule,
      });
      return { kind, settings };
    },
    async create(input: PipelineInput) {
      const kind = kindOf(input.kind);
      const schedule = input.schedule ?? kind.defaultSchedule;
      const settings = await validate(kind, {
        name: input.name,
        connectionId: input.connectionId,
        settings: input.settings ?? {},
        schedule,
      });
      const r: PipelinesTable = {
        id: randomUUID(),
        kind: kind.kind,
        name: input.name,
        connection_id: input.connectionId,
        settings_json: JSON.stringify(settings),
        enabled: input.enabled === false ? 0 : 1,
        schedule,
        cursor: null,
        next_run_at: nextRunAt(schedule, now()),
        created_at: iso(),
        updated_at: iso(),
      };
      await db.insertInto('pipelines').values(r).execute();
      return pipelineView(r);
    },
    async update(
      id: string,
      patch: {
        name?: string | undefined;
        /** Another connection of the kind's connector (checked, and the kind's save-time checks re-run). */
        connectionId?: string | undefined;
        settings?: Record<string, unknown> | undefined;
        enabled?: boolean | undefined;
        schedule?: string | undefined;
        /** Forget the cursor: the next run starts from the beginning. */
        resetCursor?: boolean | undefined;
      },
    ) {
      const r = await row(id);
      const kind = kindOf(r.kind);
      const schedule = patch.schedule ?? r.schedule;
      const connectionId = patch.connectionId ?? r.connection_id;
      const settings = await validate(kind, {
        name: patch.name,
        except: id,
        connectionId,
        settings: patch.settings ?? JSON.parse(r.settings_json),
        schedule,
      });
      const next: PipelinesTable = {
        ...r,
        name: patch.name ?? r.name,
        connection_id: connectionId,
        settings_json: JSON.stringify(settings),
        enabled: patch.enabled === undefined ? r.enabled : patch.enabled ? 1 : 0,
        schedule,
        // Kept across a change of connection (usually a replacement for the same account, where starting
        // over would write everything again); `resetCursor` starts over on another account.
        cursor: patch.resetCursor ? null : r.cursor,
        next_run_at: schedule === r.schedule ? r.next_run_at : nextRunAt(schedule, now()),
        updated_at: iso(),
      };
      await db.updateTable('pipelines').set(next).where('id', '=', id).execute();
      return pipelineView(next);
    },
    async remove(id: string) {
      const result = await db.deleteFrom('pipelines').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new HubError('not_found', `No pipeline with id ${id}`);
      await db
        .deleteFrom('run_records')
        .where('run_id', 'in', db.selectFrom('runs').select('id').where('pipeline_id', '=', id))
        .execute();
      await db.deleteFrom('runs').where('pipeline_id', '=', id).execute();
      await db.deleteFrom('plugin_state').where('scope', '=', pipelineScope(id)).execute();
    },
  };
}

export type PipelineStore = ReturnType<typeof createPipelineStore>;
