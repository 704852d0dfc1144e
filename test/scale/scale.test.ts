import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Check, checkScale } from './check.js';
import { ROOT, removeHubCopy } from './harness.js';
import { isWrite, optionsFromEnv, type ScaleOptions, type ScaleResult, scaleRun } from './run.js';

/**
 * Issue 16's proof: three hub processes on one fresh PostgreSQL database, the Gainsight tenants (two, each
 * with its own budget) and the Salesforce org in a vendor process of their own with a clock 7 s ahead and
 * 300–800 ms answers, a scheduled Gainsight company pull on tenant a, about 20,000 identify/group/track
 * events round-robin over the three processes, and chaos on the processes holding the tenants' delivery
 * leases: SIGKILL and restart every 20–28 s (one during a pipeline run), one SIGSTOP past the lease time,
 * one PostgreSQL restart (`immediate`), then a kill-free control phase. Every assertion reads the vendor's
 * log and state, never the hubs' tables. About 5 minutes; SYNCHUB_SCALE_* shorten it (see run.ts).
 *
 * The mutation run plants a fault through the harness (a preload that lets a process take a lease before
 * it expired, i.e. the lease time ignored) and the suite must report it.
 */
const figures = (r: ScaleResult) => {
  const byPhase = (phase: string) => r.sent.filter((m) => m.phase === phase).length;
  const writesBy = new Map<string, number>();
  for (const e of r.log.filter(isWrite)) writesBy.set(e.process, (writesBy.get(e.process) ?? 0) + 1);
  return [
    ['run', `${(r.durationMs / 1000).toFixed(0)} s, ${r.lives.length} process lives`],
    [
      'events sent',
      `${r.sent.length} (${byPhase('chaos')} in the chaos phase, ${byPhase('control')} in the control phase)`,
    ],
    ['acknowledged', `${r.acked.size} (requests ${r.requests.ok} acknowledged, ${r.requests.failed} cut off/refused)`],
    ['hub event counts at the end', `${JSON.stringify(r.pending)} after ${(r.drainedMs / 1000).toFixed(0)} s of drain`],
    [
      'vendor calls',
      `${r.log.length} (tenant a ${r.log.filter((e) => e.vendor === 'a').length}, b ${r.log.filter((e) => e.vendor === 'b').length}, crm ${r.log.filter((e) => e.vendor === 'sf').length})`,
    ],
    ['delivery writes per process', [...writesBy].map(([p, n]) => `${p} ${n}`).join(', ')],
    ...r.actions.map((a, i) => [
      `chaos ${i + 1}`,
      `${a.what}${a.tenant ? ` (tenant ${a.tenant})` : ''}${a.life ? ` ${a.life}` : ''}: ${a.how}`,
    ]),
    ...(r.missingSettings.length > 0 ? [['settings the hub does not know yet', r.missingSettings.join(', ')]] : []),
  ] as Array<[string, string]>;
};

export function report(title: string, r: ScaleResult, checks: Check[]): string {
  const rows = figures(r);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`── ${title}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ''];
  for (const c of checks) {
    lines.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.figure}`);
    for (const p of c.problems.slice(0, 6)) lines.push(`          - ${p}`);
    if (c.problems.length > 6) lines.push(`          … and ${c.problems.length - 6} more`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  lines.push('', `${checks.length - failed} passed, ${failed} failed`);
  return lines.join('\n');
}

/** SYNCHUB_SCALE_DUMP=<file>: keep what the run saw, to re-read the checks without a new run. */
const dump = (r: ScaleResult) => {
  const file = process.env.SYNCHUB_SCALE_DUMP;
  if (file) fs.writeFileSync(file, JSON.stringify({ ...r, acked: [...r.acked] }));
};

beforeAll(() => {
  // The suite runs the compiled hub, as users do: build it (turbo, cached when nothing changed).
  if (process.env.SYNCHUB_SCALE_BUILD === '0' || process.env.SYNCHUB_SCALE_FROM_SOURCE === '1') return;
  execFileSync('npx', ['--yes', 'pnpm@10', 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
});

// The worker may end by a signal, which skips exit handlers: remove the hub's copy here.
afterAll(removeHubCopy);

describe('several hubs on one PostgreSQL', () => {
  it.skipIf(process.env.SYNCHUB_SCALE_ONLY === 'mutation')(
    'three hubs under kills, a pause and a database restart keep delivery’s promises, checked at the vendor',
    async () => {
      const result = await scaleRun(optionsFromEnv());
      dump(result);
      const checks = checkScale(result);
      console.log(report('test:scale', result, checks));
      expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    },
  );

  it.skipIf(process.env.SYNCHUB_SCALE_ONLY === 'main')(
    'the suite fails when a lease is taken before it expired (mutation: the lease time ignored)',
    async () => {
      const base = optionsFromEnv();
      const options: ScaleOptions = {
        ...base,
        events: Math.min(base.events, 3000),
        tracksPerTenant: Math.min(base.tracksPerTenant, 40),
        kills: 1,
        gapMs: [15_000, 15_000],
        pause: false,
        restartPostgres: false,
        controlMs: 10_000,
        drainMs: 30_000,
        mutation: {
          name: 'a lease is taken whether or not it expired',
          preload: new URL('./mutant-lease-ttl-ignored.mjs', import.meta.url).href,
        },
      };
      const result = await scaleRun(options);
      const checks = checkScale(result);
      console.log(report(`test:scale mutation: ${options.mutation?.name}`, result, checks));
      // Caught by the delivery promises read at the vendor (which one depends on how the hub reacts: a
      // fenced write refused starves delivery; an unfenced one overlaps or duplicates).
      const promises = [
        'no acknowledged track lost',
        'people and companies hold their last acknowledged values',
        'each person and company exactly once',
        'never two processes sending for one tenant at once',
        'track duplicates only from publishes in flight on a killed or paused process',
      ];
      expect(checks.filter((c) => promises.includes(c.name) && !c.ok).length).toBeGreaterThan(0);
    },
  );
});
