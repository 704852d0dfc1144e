import { zodIssues } from '../errors.js';
import { scheduleError } from '../pipelines/schedule.js';
import { destinationSettings, diffFields, diffValue } from './compare.js';
import type { ConfigDocument } from './document.js';
import { mapConnectionRefs } from './export.js';
import { connectionRefs, type PlanContext } from './plan-context.js';

/** Event destinations: the kind on offer, a connection of its connector (by name), settings as the store saves them. */
export async function planDestinations(ctx: PlanContext, doc: Pick<ConfigDocument, 'destinations'>): Promise<void> {
  const { deps, problems, upserts, cur, ids, idOf, nameOf, after, missingRef, connectorAfter, record } = ctx;
  const afterConnections = after('connection');
  for (const [i, entry] of doc.destinations.entries()) {
    const at = `destinations[${i}]`;
    const existing = cur.destination.get(entry.name);
    const offer = deps.destinations.offerOf(entry.kind);
    if (!offer) {
      const known =
        deps.destinations
          .kinds()
          .map((k) => k.kind)
          .join(', ') || 'none';
      problems.push({ path: `${at}.kind`, message: `unknown destination kind "${entry.kind}"; known: ${known}` });
      continue;
    }
    if (existing && existing.kind !== entry.kind) {
      problems.push({
        path: `${at}.kind`,
        message: `"${entry.name}" is a ${existing.kind} destination on the hub; its kind cannot change (name the new one differently)`,
      });
      continue;
    }
    let ok = true;
    const connector = afterConnections.has(entry.connection) ? connectorAfter.get(entry.connection) : undefined;
    if (connector === undefined) {
      ok = false;
      problems.push({ path: `${at}.connection`, message: missingRef('connection', entry.connection) });
    } else if (connector !== offer.connectorId) {
      ok = false;
      problems.push({
        path: `${at}.connection`,
        message: `a ${entry.kind} destination needs a ${offer.connectorId} connection; "${entry.connection}" is ${connector}`,
      });
    }
    const refs = connectionRefs(entry.settings, `${at}.settings`, afterConnections, missingRef, problems);
    const checked = destinationSettings(offer.definition, entry.settings, `${at}.settings`);
    problems.push(...checked.issues);
    if (!ok || !refs || !checked.settings) continue;
    const settingsIds = () => mapConnectionRefs(entry.settings, (n) => idOf('connection', n));
    if (!existing) {
      upserts.push({
        change: { type: 'destination', name: entry.name, action: 'create' },
        run: async () => {
          const d = await deps.destinations.create({
            name: entry.name,
            kind: entry.kind,
            connectionId: idOf('connection', entry.connection),
            settings: settingsIds(),
            enabled: entry.enabled,
          });
          ids.destination.set(d.name, d.id);
          await record('destination.create', d.id, { name: d.name, kind: d.kind });
        },
      });
      continue;
    }
    const fields = [
      ...diffValue('connection', nameOf(existing.connectionId), entry.connection),
      ...diffValue('enabled', existing.enabled, entry.enabled),
      ...diffFields(
        'settings',
        mapConnectionRefs(existing.settings, nameOf) as Record<string, unknown>,
        checked.settings,
      ),
    ];
    if (fields.length === 0) continue;
    upserts.push({
      change: { type: 'destination', name: entry.name, action: 'update', fields },
      run: async () => {
        await deps.destinations.update(existing.id, {
          connectionId: idOf('connection', entry.connection),
          settings: settingsIds(),
          enabled: entry.enabled,
        });
        await record('destination.update', existing.id, { fields: fields.map((f) => f.path) });
      },
    });
  }
}

/** Sources: only their destination is configuration; their write keys are the hub's. */
export async function planSources(ctx: PlanContext, doc: Pick<ConfigDocument, 'sources'>): Promise<void> {
  const { deps, problems, upserts, writeKeys, cur, idOf, nameOf, after, missingRef, record } = ctx;
  // Sources: their write keys are the hub's; a created source gets a new one (in the answer, once).
  const afterDestinations = after('destination');
  for (const [i, entry] of doc.sources.entries()) {
    const existing = cur.source.get(entry.name);
    const destination = entry.destination;
    if (destination !== null && !afterDestinations.has(destination)) {
      problems.push({ path: `sources[${i}].destination`, message: missingRef('destination', destination) });
      continue;
    }
    const destinationId = () => (destination === null ? null : idOf('destination', destination));
    if (!existing) {
      upserts.push({
        change: { type: 'source', name: entry.name, action: 'create', notes: ['a new write key is made (shown once)'] },
        run: async () => {
          const created = await deps.sources.create({ name: entry.name, destinationId: destinationId() });
          writeKeys.push({ source: entry.name, writeKey: created.writeKey });
          await record('source.create', created.source.id, { name: entry.name });
        },
      });
      continue;
    }
    const fields = diffValue(
      'destination',
      existing.destinationId === null ? null : nameOf(existing.destinationId),
      destination,
    );
    if (fields.length === 0) continue;
    upserts.push({
      change: { type: 'source', name: entry.name, action: 'update', fields },
      run: async () => {
        await deps.sources.update(existing.id, { destinationId: destinationId() });
        await record('source.update', existing.id, { destination });
      },
    });
  }
}

/** Pipelines: kind, connection of its connector, settings (`…ConnectionId` by name) and schedule. */
export async function planPipelines(ctx: PlanContext, doc: Pick<ConfigDocument, 'pipelines'>): Promise<void> {
  const { deps, problems, upserts, cur, ids, idOf, nameOf, after, missingRef, connectorAfter, record } = ctx;
  const afterConnections = after('connection');
  // Pipelines (a kind's own save-time checks against the vendor run when the store saves them).
  for (const [i, entry] of doc.pipelines.entries()) {
    const at = `pipelines[${i}]`;
    const existing = cur.pipeline.get(entry.name);
    const kind = deps.kinds.find((k) => k.kind === entry.kind);
    if (!kind) {
      const known = deps.kinds.map((k) => k.kind).join(', ') || 'none';
      problems.push({ path: `${at}.kind`, message: `unknown pipeline kind "${entry.kind}"; known: ${known}` });
      continue;
    }
    if (existing && existing.kind !== entry.kind) {
      problems.push({
        path: `${at}.kind`,
        message: `"${entry.name}" is a ${existing.kind} pipeline on the hub; its kind cannot change (name the new one differently)`,
      });
      continue;
    }
    let ok = true;
    const connector = afterConnections.has(entry.connection) ? connectorAfter.get(entry.connection) : undefined;
    if (connector === undefined) {
      ok = false;
      problems.push({ path: `${at}.connection`, message: missingRef('connection', entry.connection) });
    } else if (kind.connectorId !== '*' && connector !== kind.connectorId) {
      ok = false;
      problems.push({
        path: `${at}.connection`,
        message: `${kind.title} needs a ${kind.connectorId} connection; "${entry.connection}" is ${connector}`,
      });
    }
    const refs = connectionRefs(entry.settings, `${at}.settings`, afterConnections, missingRef, problems);
    const settings = kind.settings.safeParse(entry.settings);
    if (!settings.success) problems.push(...zodIssues(settings.error, `${at}.settings`));
    const schedule = entry.schedule ?? existing?.schedule ?? kind.defaultSchedule;
    const bad = scheduleError(schedule);
    if (bad) problems.push({ path: `${at}.schedule`, message: `not a valid cron expression: ${bad}` });
    if (!ok || !refs || !settings.success || bad) continue;
    const settingsIds = () =>
      mapConnectionRefs(entry.settings, (n) => idOf('connection', n)) as Record<string, unknown>;
    if (!existing) {
      upserts.push({
        change: { type: 'pipeline', name: entry.name, action: 'create', notes: [`kind ${kind.kind}`] },
        run: async () => {
          const p = await deps.pipelines.create({
            kind: kind.kind,
            name: entry.name,
            connectionId: idOf('connection', entry.connection),
            settings: settingsIds(),
            enabled: entry.enabled,
            schedule,
          });
          ids.pipeline.set(p.name, p.id);
          await record('pipeline.create', p.id, { name: p.name, kind: p.kind });
        },
      });
      continue;
    }
    const fields = [
      ...diffValue('connection', nameOf(existing.connectionId), entry.connection),
      ...diffValue('enabled', existing.enabled, entry.enabled),
      ...diffValue('schedule', existing.schedule, schedule),
      ...diffFields(
        'settings',
        mapConnectionRefs(existing.settings, nameOf) as Record<string, unknown>,
        settings.data as Record<string, unknown>,
      ),
    ];
    if (fields.length === 0) continue;
    upserts.push({
      change: { type: 'pipeline', name: entry.name, action: 'update', fields },
      run: async () => {
        await deps.pipelines.update(existing.id, {
          connectionId: idOf('connection', entry.connection),
          settings: settingsIds(),
          enabled: entry.enabled,
          schedule,
        });
        await record('pipeline.update', existing.id, { fields: fields.map((f) => f.path) });
      },
    });
  }
}
