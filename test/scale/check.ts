import type { Json } from './harness.js';
import { isPullRead, isWrite, SCHEDULE_SECONDS, type ScaleResult, type Sent, TENANTS, type Tenant } from './run.js';
import type { CallLogEntry } from './simulator.js';

/** One assertion of the suite: its name, whether it held, the figure it rests on, and the first problems. */
export interface Check {
  name: string;
  ok: boolean;
  figure: string;
  problems: string[];
}

/** The budget each tenant's calls must stay within (the Gainsight connector's sync bucket: 100 a minute). */
export const BUDGET = { limit: 100, windowMs: 60_000 };
/**
 * Arrivals are what the vendor counts, reservations are what the hubs count: a call reserved at t reaches
 * the vendor a little later (the hub's event loop, the socket). A rolling window this much shorter than
 * the budget's absorbs that jitter without hiding a real excess (an excess shows as many calls, not one).
 */
const JITTER_MS = 500;
/** A duplicate is explained by a kill or a pause when the first copy reached the vendor this shortly before it. */
const IN_FLIGHT_MS = 10_000;

const seqOf = (body: unknown): number | undefined => {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Json;
  const v = b.scale_seq ?? b.properties?.scale_seq;
  return typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : undefined;
};
const ok2xx = (e: CallLogEntry) => e.status >= 200 && e.status < 300;
const tenantOf = (e: CallLogEntry): Tenant | undefined => (e.vendor === 'a' || e.vendor === 'b' ? e.vendor : undefined);
const numberOf = (v: unknown) => Number(String(v ?? '').replace(/^L/, ''));

/** Every assertion of issue 16's proof, from the vendor's log and state (never the hubs' tables). */
export function checkScale(r: ScaleResult): Check[] {
  const checks: Check[] = [];
  const add = (name: string, problems: string[], figure: string) =>
    checks.push({ name, ok: problems.length === 0, figure, problems });
  const toVendorClock = (t: number) => t + r.offsetMs;
  const lifeOf = new Map(r.lives.map((l) => [l.name, l]));

  // ── tracks: each acknowledged one arrived; duplicates only from a killed or paused process's last calls
  const publishes = r.log.filter((e) => e.path.endsWith('/eventManager/event') && ok2xx(e));
  const arrivals = new Map<number, CallLogEntry[]>();
  for (const e of publishes) {
    const seq = seqOf(e.body);
    if (seq === undefined) continue;
    const list = arrivals.get(seq) ?? [];
    list.push(e);
    arrivals.set(seq, list);
  }
  const bySeq = new Map(r.sent.map((m) => [m.n, m]));
  const lost: string[] = [];
  const unexplained: string[] = [];
  const controlDuplicates: string[] = [];
  let duplicates = 0;
  let tracksAcked = 0;
  const causes = { killed: 0, paused: 0, 'database restart': 0 };
  // A publish answered while the database was down (restarted `immediate`) cannot be recorded either.
  const restarts = r.actions.filter((a) => a.what === 'PostgreSQL restart');
  for (const m of r.sent) {
    if (m.type !== 'track') continue;
    const copies = arrivals.get(m.n) ?? [];
    if (r.acked.has(m.messageId)) {
      tracksAcked += 1;
      if (copies.length === 0)
        lost.push(`track ${m.messageId} (scale_seq=${m.n}) acknowledged, never reached tenant ${m.tenant}`);
    }
    if (copies.length > 1) {
      duplicates += copies.length - 1;
      if (m.phase === 'control')
        controlDuplicates.push(`track ${m.messageId} (control phase) arrived ${copies.length} times`);
      // Every copy but the last must come from a process that died or was paused soon after sending it.
      for (const copy of copies.slice(0, -1)) {
        const life = lifeOf.get(copy.process);
        const near = (from: number | undefined, to = from) =>
          from !== undefined &&
          to !== undefined &&
          copy.at >= toVendorClock(from) - IN_FLIGHT_MS &&
          copy.at <= toVendorClock(to) + 1000;
        const cause = near(life?.end?.how === 'SIGKILL' ? life.end.at : undefined)
          ? 'killed'
          : near(life?.pausedAt)
            ? 'paused'
            : restarts.some((a) => near(a.at, a.until))
              ? 'database restart'
              : undefined;
        if (cause) causes[cause] += 1;
        else
          unexplained.push(
            `track ${m.messageId} arrived ${copies.length} times; a copy from ${copy.process} was not in flight at a kill or pause`,
          );
      }
    }
  }
  for (const seq of arrivals.keys())
    if (!bySeq.has(seq) || bySeq.get(seq)?.type !== 'track')
      lost.push(`a track scale_seq=${seq} arrived that was never sent`);
  add('no acknowledged track lost', lost, `${tracksAcked} acknowledged tracks, ${publishes.length} publishes received`);
  add(
    'track duplicates only from publishes in flight on a killed or paused process',
    unexplained,
    `${duplicates} duplicate(s): ${Object.entries(causes)
      .map(
        ([k, n]) =>
          `${n} in flight on a ${k === 'database restart' ? 'process at the database restart' : `${k} process`}`,
      )
      .join(', ')}`,
  );
  add('no track duplicate in the kill-free control phase', controlDuplicates, `${controlDuplicates.length}`);

  // ── people and companies: once each, holding their last acknowledged value
  const entityProblems: string[] = [];
  const onceProblems: string[] = [];
  let people = 0;
  let companies = 0;
  for (const tenant of TENANTS) {
    const rows = r.state[tenant] as { person: Json[]; company: Json[]; company_person: Json[] };
    const mine = (m: Sent) => m.tenant === tenant;
    const personRows = new Map<string, Json[]>();
    for (const p of rows.person) {
      const email = String(p.Email).toLowerCase();
      personRows.set(email, [...(personRows.get(email) ?? []), p]);
    }
    const companyRows = new Map<string, Json[]>();
    for (const c of rows.company) {
      const name = String(c.Name);
      companyRows.set(name, [...(companyRows.get(name) ?? []), c]);
    }
    for (const [email, list] of personRows)
      if (list.length > 1) onceProblems.push(`tenant ${tenant}: person ${email} exists ${list.length} times`);
    for (const [name, list] of companyRows)
      if (list.length > 1 && name.startsWith('Scale '))
        onceProblems.push(`tenant ${tenant}: company ${name} exists ${list.length} times`);

    // The accepted values: the last acknowledged update's, or a later unacknowledged one's (it may be stored).
    const accepted = (updates: Sent[]) => {
      let last = -1;
      updates.forEach((m, i) => {
        if (r.acked.has(m.messageId)) last = i;
      });
      if (last < 0) return undefined;
      return new Set(
        updates
          .slice(last)
          .filter((m, i) => i === 0 || !r.acked.has(m.messageId))
          .map((m) => m.n),
      );
    };
    const identifies = new Map<string, Sent[]>();
    const groups = new Map<string, Sent[]>();
    const links = new Set<string>();
    for (const m of r.sent.filter(mine)) {
      if (m.type === 'identify') identifies.set(m.email, [...(identifies.get(m.email) ?? []), m]);
      if (m.type === 'group' && m.company) {
        groups.set(m.company, [...(groups.get(m.company) ?? []), m]);
        if (r.acked.has(m.messageId)) links.add(`${m.email}|${m.company}`);
      }
    }
    for (const [email, updates] of identifies) {
      const want = accepted(updates);
      if (!want) continue;
      people += 1;
      const row = personRows.get(email)?.[0];
      if (!row) entityProblems.push(`tenant ${tenant}: person ${email} missing`);
      else if (!want.has(numberOf(row.LastName)))
        entityProblems.push(
          `tenant ${tenant}: person ${email} LastName=${row.LastName}, last acknowledged L${[...want][0]}`,
        );
    }
    for (const [name, updates] of groups) {
      const want = accepted(updates);
      if (!want) continue;
      companies += 1;
      const row = companyRows.get(name)?.[0];
      if (!row) entityProblems.push(`tenant ${tenant}: company ${name} missing`);
      else if (!want.has(numberOf(row.Employees)))
        entityProblems.push(
          `tenant ${tenant}: company ${name} Employees=${row.Employees}, last acknowledged ${[...want][0]}`,
        );
    }
    const linked = new Set(rows.company_person.map((l) => `${l.Person_ID}|${l.Company_ID}`));
    for (const link of links) {
      const [email, name] = link.split('|') as [string, string];
      const person = personRows.get(email)?.[0]?.Gsid;
      const company = companyRows.get(name)?.[0]?.Gsid;
      if (!person || !company || !linked.has(`${person}|${company}`))
        entityProblems.push(`tenant ${tenant}: ${email} not associated with ${name}`);
    }
  }
  add(
    'people and companies hold their last acknowledged values',
    entityProblems,
    `${people} people, ${companies} companies`,
  );
  add('each person and company exactly once', onceProblems, `${people} people, ${companies} companies`);

  // ── one sender per tenant: no two processes' delivery writes in flight at once
  const overlaps: string[] = [];
  for (const tenant of TENANTS) {
    const writes = r.log.filter((e) => tenantOf(e) === tenant && isWrite(e)).sort((x, y) => x.at - y.at);
    // Sweep: the latest-ending write so far of every other process.
    const open = new Map<string, CallLogEntry>();
    for (const w of writes) {
      for (const [proc, other] of open) {
        if (proc === w.process) continue;
        if ((other.answeredAt || other.at) > w.at)
          overlaps.push(
            `tenant ${tenant}: ${other.process} ${other.method} ${other.path} (${other.at}–${other.answeredAt}) overlaps ${w.process} ${w.method} ${w.path} (${w.at})`,
          );
      }
      const prev = open.get(w.process);
      if (!prev || (w.answeredAt || w.at) > (prev.answeredAt || prev.at)) open.set(w.process, w);
    }
  }
  add('never two processes sending for one tenant at once', overlaps, `${overlaps.length} overlapping write(s)`);

  // ── the woken process: nothing of it reaches the vendor after it woke (until the next chaos action)
  const late: string[] = [];
  const pauses = r.actions.filter((a) => a.what === 'SIGSTOP');
  for (const pause of pauses) {
    const until = r.actions.find((a) => a.at > (pause.until ?? pause.at))?.at ?? Number.POSITIVE_INFINITY;
    if (!pause.how.includes('taken over when woken')) late.push(`the pause of ${pause.life} ended before a takeover`);
    const writes = r.log.filter(
      (e) =>
        e.process === pause.life &&
        (pause.tenants ?? TENANTS).includes(e.vendor as Tenant) &&
        isWrite(e) &&
        e.at >= toVendorClock(pause.until ?? pause.at) &&
        e.at < toVendorClock(until),
    );
    for (const w of writes) late.push(`${w.process} wrote ${w.method} ${w.path} to tenant ${w.vendor} after it woke`);
  }
  add(
    "the woken process's late writes refused",
    pauses.length === 0 ? ['no SIGSTOP was played'] : late,
    `${pauses.length} pause(s), ${late.length} late write(s)`,
  );

  // ── budget: never more than the budget in any rolling window per tenant, and no 429
  const budgetProblems: string[] = [];
  const peaks: string[] = [];
  let tooMany = 0;
  for (const tenant of TENANTS) {
    const calls = r.log.filter((e) => tenantOf(e) === tenant).map((e) => e.at);
    calls.sort((x, y) => x - y);
    let peak = 0;
    let from = 0;
    for (let i = 0; i < calls.length; i++) {
      while ((calls[i] as number) - (calls[from] as number) >= BUDGET.windowMs - JITTER_MS) from += 1;
      peak = Math.max(peak, i - from + 1);
    }
    peaks.push(`${tenant}: ${peak}`);
    if (peak > BUDGET.limit)
      budgetProblems.push(
        `tenant ${tenant}: ${peak} calls within ${BUDGET.windowMs - JITTER_MS} ms (budget ${BUDGET.limit})`,
      );
    const limited = r.log.filter((e) => tenantOf(e) === tenant && e.status === 429).length;
    tooMany += limited;
    if (limited > 0) budgetProblems.push(`tenant ${tenant}: ${limited} call(s) answered 429`);
  }
  add(
    'never more than the budget in any window, 0 × 429',
    budgetProblems,
    `peak calls per rolling minute ${peaks.join(', ')} (budget ${BUDGET.limit}); 429s: ${tooMany}`,
  );

  // ── runs: one per scheduled occurrence, never two at once, interrupted ones retried
  const runProblems: string[] = [];
  const keys = new Map<string, number>();
  for (const k of r.runKeys) if (k.run_key) keys.set(k.run_key, (keys.get(k.run_key) ?? 0) + 1);
  for (const [key, n] of keys) if (n > 1) runProblems.push(`occurrence ${key} has ${n} runs`);
  const scheduled = r.runs.filter((x) => x.trigger === 'schedule');
  const perOccurrence = new Map<number, number>();
  for (const x of scheduled) {
    const occurrence = Math.floor(x.startedAt / (SCHEDULE_SECONDS * 1000));
    perOccurrence.set(occurrence, (perOccurrence.get(occurrence) ?? 0) + 1);
  }
  for (const [occurrence, n] of perOccurrence)
    if (n > 1) runProblems.push(`${n} scheduled runs started in the ${SCHEDULE_SECONDS}-s occurrence ${occurrence}`);
  const byStart = [...r.runs].sort((x, y) => x.startedAt - y.startedAt);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1] as Json;
    const cur = byStart[i] as Json;
    if ((prev.finishedAt ?? Number.POSITIVE_INFINITY) > cur.startedAt)
      runProblems.push(`runs ${prev.id} and ${cur.id} of the pull ran at the same time`);
  }
  add(
    'one run per scheduled occurrence',
    runProblems,
    `${r.runs.length} runs (${scheduled.length} scheduled), ${keys.size} run keys`,
  );
  const interrupted = r.runs.filter((x) => x.status === 'interrupted' || x.error?.code === 'interrupted');
  const retryProblems: string[] = [];
  if (interrupted.length === 0) retryProblems.push('no run was interrupted (the kill during a pipeline run missed)');
  for (const x of interrupted) {
    const after = r.runs.filter((y) => y.startedAt >= x.startedAt && y.id !== x.id);
    if (!after.some((y) => y.status === 'completed'))
      retryProblems.push(`run ${x.id} was interrupted and no later run completed`);
  }
  const retries = r.runs.filter((x) => x.trigger === 'retry').length;
  add(
    'interrupted runs retried',
    retryProblems,
    `${interrupted.length} interrupted, ${retries} retry run(s), ${r.runs.filter((x) => x.status === 'completed').length} completed`,
  );

  // ── the harness played what the issue asks, and the processes survived it
  const kills = r.actions.filter((a) => a.what.startsWith('SIGKILL'));
  const harness: string[] = [];
  if (kills.length < r.options.kills) harness.push(`${kills.length} of ${r.options.kills} kills played`);
  const pullKill = kills.find((a) => a.what === 'SIGKILL during a pipeline run');
  if (
    r.options.kills >= 3 &&
    pullKill?.how !== 'owns the running pull run' &&
    pullKill?.how !== 'sent the pull read just now'
  )
    harness.push('the kill during a pipeline run found no process running the pull');
  const notHolder = r.actions.filter(
    (a) => a.what !== 'PostgreSQL restart' && !a.how.startsWith('lease holder') && a !== pullKill,
  );
  for (const a of notHolder) harness.push(`${a.what} at ${new Date(a.at).toISOString()} hit no lease holder: ${a.how}`);
  add('the chaos hit the lease holders', harness, `${kills.length} SIGKILL(s), ${pauses.length} SIGSTOP(s)`);
  const died = r.lives.filter((l) => l.end?.how === 'exited');
  add(
    'no hub process died on its own',
    died.map(
      (l) =>
        `${l.name} exited (${l.end?.code}) at ${new Date(l.end?.at ?? 0).toISOString()}${l.pausedAt ? ' (the paused one)' : ''}: ${(l.lastWords ?? []).join(' ⏎ ').slice(0, 600)}`,
    ),
    `${r.lives.length} process lives`,
  );
  const pullReads = r.log.filter(isPullRead).length;
  if (pullReads === 0)
    checks.push({
      name: 'the pull ran',
      ok: false,
      figure: '0 pull reads',
      problems: ['no pull read reached tenant a'],
    });
  return checks;
}
