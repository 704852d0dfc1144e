import fs from 'node:fs';
import { seededRandom } from '@synchub/sandbox';
import {
  createDatabase,
  HubSlot,
  type Json,
  knownSettings,
  type Life,
  leaseOf,
  pidOfOwner,
  psql,
  restartPostgres,
  sleep,
  startVendors,
  TOKEN,
} from './harness.js';
import type { CallLogEntry } from './simulator.js';

/** How one scale run is played; every figure has an env override for short runs while iterating. */
export interface ScaleOptions {
  hubs: number;
  /** Events sent in all (chaos and control phases). */
  events: number;
  /** Tracks per tenant, about (each is a publish of its own: they spend the budget). */
  tracksPerTenant: number;
  kills: number;
  /** Gap between chaos actions: min..max ms. */
  gapMs: [number, number];
  pause: boolean;
  restartPostgres: boolean;
  /** The kill-free phase after the chaos, with load. */
  controlMs: number;
  /** Longest wait for delivery to drain at the end. */
  drainMs: number;
  leaseTtlMs: number;
  heartbeatMs: number;
  /** A preload planting a fault in every hub process (a mutation run). */
  mutation?: { name: string; preload: string };
  seed: number;
}

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};

/** The full run (about 5 minutes); SYNCHUB_SCALE_* shorten it. */
export function optionsFromEnv(): ScaleOptions {
  return {
    hubs: 3,
    events: num('SYNCHUB_SCALE_EVENTS', 20_000),
    tracksPerTenant: num('SYNCHUB_SCALE_TRACKS', 100),
    kills: num('SYNCHUB_SCALE_KILLS', 8),
    gapMs: [num('SYNCHUB_SCALE_GAP_MIN_MS', 20_000), num('SYNCHUB_SCALE_GAP_MAX_MS', 28_000)],
    pause: process.env.SYNCHUB_SCALE_PAUSE !== '0',
    restartPostgres: process.env.SYNCHUB_SCALE_PG_RESTART !== '0',
    controlMs: num('SYNCHUB_SCALE_CONTROL_MS', 40_000),
    drainMs: num('SYNCHUB_SCALE_DRAIN_MS', 150_000),
    leaseTtlMs: num('SYNCHUB_SCALE_LEASE_TTL_MS', 3000),
    heartbeatMs: num('SYNCHUB_SCALE_HEARTBEAT_MS', 1000),
    seed: num('SYNCHUB_SCALE_SEED', 16),
  };
}

export const PEOPLE = 30;
export const COMPANIES = 6;
export const BATCH = 20;
export const SCHEDULE_SECONDS = 20;
export const TENANTS = ['a', 'b'] as const;
export type Tenant = (typeof TENANTS)[number];

/** A message as the harness sent it, with what the checks need. */
export interface Sent {
  messageId: string;
  tenant: Tenant;
  type: 'identify' | 'group' | 'track';
  /** Send order (the harness sends one request at a time, so this is also the order the hubs stored them). */
  n: number;
  phase: 'chaos' | 'control';
  email: string;
  company?: string;
}

export interface ChaosAction {
  what: 'SIGKILL' | 'SIGKILL during a pipeline run' | 'SIGSTOP' | 'PostgreSQL restart';
  at: number;
  tenant?: Tenant;
  /** SIGSTOP: the tenants whose leases the paused process held. */
  tenants?: Tenant[];
  life?: string;
  /** How the target was found: the lease holder read from the database, or a fallback. */
  how: string;
  until?: number;
}

export interface ScaleResult {
  options: ScaleOptions;
  sent: Sent[];
  acked: Set<string>;
  requests: { ok: number; failed: number };
  log: CallLogEntry[];
  state: Json;
  offsetMs: number;
  lives: Life[];
  actions: ChaosAction[];
  controlFrom: number;
  destinations: Record<Tenant, string>;
  runs: Json[];
  runKeys: Json[];
  pending: Json;
  drainedMs: number;
  missingSettings: string[];
  durationMs: number;
}

/** A pull read (the Gainsight company pull pages on ModifiedDate; delivery looks companies up by Name). */
export const isPullRead = (e: CallLogEntry) =>
  e.vendor === 'a' && e.path.startsWith('/v1/data/objects/query/') && JSON.stringify(e.body).includes('ModifiedDate');

/** A delivery write: anything that is not a read (GET, query or describe). */
export const isWrite = (e: CallLogEntry) =>
  e.vendor !== 'sf' && e.method !== 'GET' && !e.path.includes('/query/') && !e.path.includes('/describe');

/** SYNCHUB_SCALE_PROGRESS=<file>: a line per step, to follow a long run from another shell. */
const progress = (line: string) => {
  const file = process.env.SYNCHUB_SCALE_PROGRESS;
  if (file) fs.appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
};

export async function scaleRun(options: ScaleOptions): Promise<ScaleResult> {
  const began = Date.now();
  const random = seededRandom(options.seed);
  const db = createDatabase();
  const vendors = await startVendors({ SCALE_CLOCK_OFFSET_MS: '7000', SCALE_SEED: String(options.seed) });
  const secretKey = randomHex(32);
  const { set, missing } = knownSettings({
    SYNCHUB_LEASE_TTL_MS: String(options.leaseTtlMs),
    // The scheduler ticks every min(5 s, heartbeat): a short heartbeat also gives the 20-s schedule its tick.
    SYNCHUB_RUN_HEARTBEAT_MS: String(options.heartbeatMs),
  });
  const env = {
    SYNCHUB_DATABASE_URL: db.url,
    SYNCHUB_SECRET_KEY: secretKey,
    SYNCHUB_ADMIN_TOKEN: TOKEN,
    SYNCHUB_LOG_LEVEL: 'warn',
    ...set,
  };
  const preloads = [new URL('./tag.mjs', import.meta.url).href];
  if (options.mutation) preloads.push(options.mutation.preload);
  const slots: HubSlot[] = [];
  // A process that dies on its own (a crash the database restart caused, say) is a finding; it is restarted
  // so the run goes on, and the checks count it.
  const restartOnExit = (life: Life) => {
    const slot = slots[life.slot - 1];
    if (slot && !stopping) slot.start().catch((e) => console.error(`restart of slot ${life.slot} failed`, e));
  };
  let stopping = false;
  try {
    for (let i = 1; i <= options.hubs; i++) slots.push(new HubSlot(i, env, preloads, restartOnExit));
    // The first process migrates the fresh database; the others start on it afterwards.
    await slots[0]?.start();
    await Promise.all(slots.slice(1).map((s) => s.start()));
    progress(`hubs started on ${db.name}${options.mutation ? ` (mutation: ${options.mutation.name})` : ''}`);
    const hub = () => slots.find((s) => s.alive && !s.paused) ?? (slots[0] as HubSlot);

    // ── set-up, through any process's API: they share the database and the secret key
    const connection = async (tenant: Tenant) => {
      const creds = vendors.credentials[tenant];
      return (
        await hub().ok('POST', '/api/connections', {
          connectorId: 'gainsight',
          name: `tenant ${tenant}`,
          settings: { domain: vendors[tenant], sandbox: true, tenantId: creds.tenantId },
          secrets: { accessKey: creds.accessKey, sharedSecret: creds.sharedSecret },
        })
      ).connection.id as string;
    };
    const connections = { a: await connection('a'), b: await connection('b') };
    const destinations = {} as Record<Tenant, string>;
    const writeKeys = {} as Record<Tenant, string>;
    for (const tenant of TENANTS) {
      destinations[tenant] = (
        await hub().ok('POST', '/api/destinations', {
          name: `gainsight ${tenant}`,
          kind: 'gainsight',
          connectionId: connections[tenant],
          settings: {
            flushWindowMs: 500,
            topicName: 'product',
            eventVersions: [{ event: 'Feature Used', eventName: 'Product Event', version: 'v01' }],
          },
        })
      ).destination.id;
      writeKeys[tenant] = (
        await hub().ok('POST', '/api/sources', { name: `app ${tenant}`, destinationId: destinations[tenant] })
      ).writeKey;
    }
    // The pull on tenant a needs the primary CRM's accounts synced once.
    const sf = vendors.credentials.sf;
    const sfConnection = (
      await hub().ok('POST', '/api/connections', {
        connectorId: 'salesforce',
        name: 'crm',
        settings: { loginUrl: vendors.sf, clientId: sf.clientId, sandbox: true },
        secrets: { clientSecret: sf.clientSecret, refreshToken: sf.refreshToken },
      })
    ).connection.id;
    const accounts = (
      await hub().ok('POST', '/api/pipelines', {
        kind: 'salesforce.accounts',
        name: 'accounts',
        connectionId: sfConnection,
      })
    ).pipeline.id as string;
    const { runId } = await hub().ok('POST', `/api/pipelines/${accounts}/run`);
    for (const deadline = Date.now() + 60_000; ; ) {
      const { run } = await hub().ok('GET', `/api/runs/${runId}`);
      if (run.status === 'completed') break;
      if (run.status !== 'running' || Date.now() > deadline)
        throw new Error(`the accounts sync did not complete: ${JSON.stringify(run)}`);
      await sleep(250);
    }
    progress('accounts synced');
    const pull = (
      await hub().ok('POST', '/api/pipelines', {
        kind: 'gainsight.company',
        name: 'companies',
        connectionId: connections.a,
        settings: { pageSize: 20 },
        schedule: `*/${SCHEDULE_SECONDS} * * * * *`,
      })
    ).pipeline.id as string;

    // ── load: one request at a time, round-robin over the live processes, SDK-sized batches per tenant
    const sent: Sent[] = [];
    const acked = new Set<string>();
    const requests = { ok: 0, failed: 0 };
    let phase: 'chaos' | 'control' = 'chaos';
    let sending = true;
    // One request at a time, and the chaos can wait for the one in flight (before a SIGSTOP).
    let gate: Promise<void> = Promise.resolve();
    const hold = async (): Promise<() => void> => {
      const held = gate;
      let release: () => void = () => {};
      gate = new Promise((r) => {
        release = r;
      });
      await held;
      return release;
    };
    const chaosMs =
      (options.kills + (options.pause ? 1 : 0) + (options.restartPostgres ? 1 : 0)) *
      ((options.gapMs[0] + options.gapMs[1]) / 2);
    // A tenth of the events is kept for the control phase, paced over it; the rest over the chaos.
    const chaosEvents = Math.floor(options.events * 0.9);
    let phaseStarted = Date.now();
    let phaseFirst = 0;
    const pace = () =>
      phase === 'chaos' ? chaosEvents / chaosMs : (options.events - chaosEvents) / Math.max(1, options.controlMs);
    const trackShare = (options.tracksPerTenant * 2) / options.events;
    const message = (tenant: Tenant): Json => {
      const n = sent.length;
      const person = Math.floor(random() * PEOPLE);
      const email = `p${person}@${tenant}.scale.test`;
      const messageId = `${tenant}-${n}`;
      const r = random();
      const base = { messageId, userId: `${tenant}-u${person}` };
      if (r < trackShare) {
        sent.push({ messageId, tenant, type: 'track', n, phase, email });
        return { ...base, type: 'track', event: 'Feature Used', properties: { scale_seq: n, scale_phase: phase } };
      }
      if (r < 0.6) {
        sent.push({ messageId, tenant, type: 'identify', n, phase, email });
        return { ...base, type: 'identify', traits: { email, lastName: `L${n}` } };
      }
      const company = `Scale ${tenant.toUpperCase()} Co ${person % COMPANIES}`;
      sent.push({ messageId, tenant, type: 'group', n, phase, email, company });
      return {
        ...base,
        type: 'group',
        groupId: `${tenant}-g${person % COMPANIES}`,
        traits: { name: company, employees: n },
        context: { traits: { email } },
      };
    };
    const load = (async () => {
      let turn = 0;
      while (sending && sent.length < options.events) {
        const due = phaseStarted + (sent.length - phaseFirst) / pace();
        if (phase === 'chaos' && sent.length >= chaosEvents) {
          await sleep(250);
          continue;
        }
        if (Date.now() < due) {
          await sleep(Math.min(250, due - Date.now()));
          continue;
        }
        const release = await hold();
        try {
          const live = slots.filter((s) => s.alive && !s.paused);
          const slot = live[turn % Math.max(1, live.length)];
          const tenant = TENANTS[turn % 2] as Tenant;
          turn += 1;
          if (!slot) {
            await sleep(100); // every process is down for a moment: wait, never spin
            continue;
          }
          const batch = Array.from({ length: BATCH }, () => message(tenant));
          try {
            const res = await fetch(`${slot.url}/v1/batch`, {
              method: 'POST',
              headers: {
                authorization: `Basic ${Buffer.from(`${writeKeys[tenant]}:`).toString('base64')}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
              signal: AbortSignal.timeout(10_000),
            });
            await res.arrayBuffer();
            if (res.status >= 200 && res.status < 300) {
              requests.ok += 1;
              for (const m of batch) acked.add(m.messageId as string);
            } else requests.failed += 1;
          } catch {
            requests.failed += 1; // cut off by a kill: not acknowledged, may or may not be stored
          }
        } finally {
          release();
        }
      }
    })();

    // ── chaos: every gap, an action on the process holding a tenant's lease
    const actions: ChaosAction[] = [];
    const plan: ChaosAction['what'][] = [];
    for (let k = 0; k < options.kills; k++) plan.push(k === 2 ? 'SIGKILL during a pipeline run' : 'SIGKILL');
    if (options.pause) plan.splice(Math.min(2, plan.length), 0, 'SIGSTOP');
    if (options.restartPostgres) plan.splice(Math.min(6, plan.length), 0, 'PostgreSQL restart');
    const holderOf = (tenant: Tenant): { slot: HubSlot; how: string } | undefined => {
      const lease = leaseOf(db.name, `delivery:${destinations[tenant]}`);
      const pid = pidOfOwner(lease?.owner);
      const slot = slots.find((s) => s.alive && s.life?.pid === pid);
      if (slot) return { slot, how: `lease holder (epoch ${lease?.epoch})` };
      const live = slots.filter((s) => s.alive && !s.paused);
      const any = live[Math.floor(random() * live.length)];
      return any && { slot: any, how: lease ? `lease held by no live process (${lease.owner})` : 'no lease row' };
    };
    let tenantTurn = 0;
    for (const what of plan) {
      const gap = options.gapMs[0] + random() * (options.gapMs[1] - options.gapMs[0]);
      await sleep(gap);
      progress(`${what} (sent ${sent.length}, acknowledged ${acked.size})`);
      const tenant = TENANTS[tenantTurn++ % 2] as Tenant;
      if (what === 'PostgreSQL restart') {
        const at = Date.now();
        const tookMs = restartPostgres();
        actions.push({ what, at, until: Date.now(), how: `pg_ctlcluster restart -m immediate (${tookMs} ms)` });
        continue;
      }
      if (what === 'SIGKILL during a pipeline run') {
        // The process running the pull: the running run's owner in the database (`host:pid:…`), else the
        // process whose pull reads reached the vendor last.
        let target: { slot: HubSlot; how: string } | undefined;
        for (const deadline = Date.now() + 30_000; !target && Date.now() < deadline; ) {
          let owner: unknown;
          try {
            owner = psql(db.name, `SELECT owner FROM runs WHERE pipeline_id = '${pull}' AND status = 'running'`)[0]
              ?.owner;
          } catch {
            /* no owner column */
          }
          const running = slots.find((s) => s.alive && !s.paused && s.life?.pid === pidOfOwner(owner));
          if (running) target = { slot: running, how: 'owns the running pull run' };
          else await sleep(200);
        }
        for (const deadline = Date.now() + 30_000; !target && Date.now() < deadline; ) {
          const recent = (await vendors.log())
            .filter((e) => isPullRead(e) && e.at - vendors.offsetMs > Date.now() - 1500)
            .at(-1);
          const slot = recent && slots.find((s) => s.alive && !s.paused && s.life?.name === recent.process);
          if (slot) target = { slot, how: 'sent the pull read just now' };
          else await sleep(200);
        }
        target ??= holderOf(tenant);
        if (!target) continue;
        const life = await target.slot.kill();
        actions.push({ what, at: life?.end?.at ?? Date.now(), life: life?.name, how: target.how });
        await target.slot.start();
        continue;
      }
      const target = holderOf(tenant);
      if (!target) continue;
      if (what === 'SIGSTOP') {
        // No request of the load generator may sit in the paused process: it would be stored on waking.
        const release = await hold();
        const pid = target.slot.life?.pid;
        const held = TENANTS.filter((t) => pidOfOwner(leaseOf(db.name, `delivery:${destinations[t]}`)?.owner) === pid);
        target.slot.pause();
        release();
        const at = target.slot.life?.pausedAt ?? Date.now();
        // Past the lease time, and until another process holds every lease the paused one held (so what it
        // does on waking is a late write, not a lease it may take again because nobody else did).
        await sleep(options.leaseTtlMs + 1000);
        const taken = () =>
          held.every((t) => {
            const owner = pidOfOwner(leaseOf(db.name, `delivery:${destinations[t]}`)?.owner);
            return owner !== undefined && owner !== pid;
          });
        for (const deadline = Date.now() + 30_000; !taken() && Date.now() < deadline; ) await sleep(250);
        const how = `${target.how}; held ${held.join(', ') || 'nothing'}; ${taken() ? 'taken over' : 'NOT taken over in 30 s'} when woken`;
        target.slot.resume();
        actions.push({ what, at, tenant, tenants: held, life: target.slot.life?.name, how, until: Date.now() });
        continue;
      }
      const life = await target.slot.kill();
      actions.push({ what, at: life?.end?.at ?? Date.now(), tenant, life: life?.name, how: target.how });
      await target.slot.start();
    }

    // ── the kill-free control phase: load goes on, nothing is killed
    progress('control phase');
    phase = 'control';
    const controlFrom = Date.now();
    phaseStarted = controlFrom;
    phaseFirst = sent.length;
    await sleep(options.controlMs);
    sending = false;
    await load;

    // ── drain: until no event waits for delivery (or the limit), and no run is in progress
    progress(`drain (sent ${sent.length}, acknowledged ${acked.size})`);
    const drainFrom = Date.now();
    let pending: Json = {};
    while (Date.now() - drainFrom < options.drainMs) {
      try {
        pending = (await hub().ok('GET', '/api/events?limit=1')).counts;
        const open = Object.entries(pending)
          .filter(([k]) => !['delivered', 'failed', 'dropped', 'filtered'].includes(k))
          .reduce((n, [, v]) => n + Number(v), 0);
        if (open === 0) break;
      } catch {
        /* a process restarting: ask again */
      }
      await sleep(1000);
    }
    const drainedMs = Date.now() - drainFrom;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const { runs } = await hub().ok('GET', `/api/pipelines/${pull}/runs?limit=200`);
      if (!runs.some((r: Json) => r.status === 'running')) break;
      await sleep(500);
    }
    const runs = (await hub().ok('GET', `/api/pipelines/${pull}/runs?limit=200`)).runs as Json[];
    let runKeys: Json[] = [];
    try {
      runKeys = psql(db.name, `SELECT id, status, trigger, run_key, owner FROM runs WHERE pipeline_id = '${pull}'`);
    } catch {
      /* no run_key column yet */
    }
    progress('reading the vendor log');
    const log = await vendors.log();
    const state = await vendors.state();
    return {
      options,
      sent,
      acked,
      requests,
      log,
      state,
      offsetMs: vendors.offsetMs,
      lives: slots.flatMap((s) => s.lives),
      actions,
      controlFrom,
      destinations,
      runs,
      runKeys,
      pending,
      drainedMs,
      missingSettings: missing,
      durationMs: Date.now() - began,
    };
  } catch (error) {
    for (const s of slots) console.error(s.output.slice(-30).join('\n'));
    throw error;
  } finally {
    stopping = true;
    await Promise.all(slots.map((s) => s.stop()));
    await vendors.stop();
    db.drop();
  }
}

const randomHex = (bytes: number) =>
  Array.from({ length: bytes }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');
