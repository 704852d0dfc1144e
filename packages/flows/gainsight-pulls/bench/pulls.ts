/**
 * Benchmark: the Gainsight product-usage pull with aggregation over 1,000,000 rows served by the
 * Gainsight simulator over HTTP, in pages of 5,000, each folded into the bounded aggregation map and
 * stored with its cursor. Targets: ≥ 50,000 rows/s and ≤ 300 MB peak RSS of the hub.
 *   pnpm bench:pulls [-- --rows 1000000]   (root; or this package's own bench:pulls)
 * The simulators run in their own process, as vendors do (bench/pulls-vendors.ts; they compute rows on
 * demand and hold none). The hub's limiter still spends Gainsight's 100 calls/minute, in virtual time:
 * 200 pages would otherwise wait two real minutes for the budget, which measures the vendor, not the hub.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHub, createLogger } from '@synchub/hub';

const BENCH_TOKEN = 'bench-admin-token-0123456789';

const { values } = parseArgs({
  // `pnpm bench:pulls -- --rows N` passes the `--` on.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { rows: { type: 'string', default: '1000000' } },
});
const ROWS = Number(values.rows);
const PAGE = 5000;

const here = path.dirname(fileURLToPath(import.meta.url));
const vendors = spawn(
  process.execPath,
  ['--conditions=@synchub/source', '--import', 'tsx', path.join(here, 'pulls-vendors.ts'), '--rows', String(ROWS)],
  {
    cwd: path.resolve(here, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const line = await new Promise<string>((resolve) => createInterface({ input: vendors.stdout }).once('line', resolve));
const { gainsight, salesforce } = JSON.parse(line) as Record<'gainsight' | 'salesforce', Record<string, string>>;

let offset = 0;
const hub = await createHub({
  dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-bench-pulls-')),
  adminToken: BENCH_TOKEN,
  staticDir: '/nonexistent',
  logger: createLogger({ level: 'error' }),
  now: () => Date.now() + offset,
  sleep: async (ms: number) => {
    offset += ms;
  },
});
const gs = await hub.connections.create({
  connectorId: 'gainsight',
  name: 'bench gainsight',
  settings: { domain: String(gainsight?.url), sandbox: true },
  secrets: { accessKey: String(gainsight?.accessKey) },
});
const sf = await hub.connections.create({
  connectorId: 'salesforce',
  name: 'bench salesforce',
  settings: { loginUrl: String(salesforce?.url), clientId: String(salesforce?.clientId), sandbox: true },
  secrets: { clientSecret: String(salesforce?.clientSecret), refreshToken: String(salesforce?.refreshToken) },
});
const run = async (id: string) => (await hub.runner.start(id, 'manual')).done;
const accounts = await hub.pipelines.create({ kind: 'salesforce.accounts', name: 'accounts', connectionId: sf.id });
const synced = await run(accounts.id);
if (synced.status !== 'completed') throw new Error(`accounts sync failed: ${JSON.stringify(synced.error)}`);

const usage = await hub.pipelines.create({
  kind: 'gainsight.usage',
  name: 'usage',
  connectionId: gs.id,
  settings: {
    object: 'product_usage__gc',
    productName: 'bench',
    periodField: 'UsageDate__gc',
    aggregate: {
      enabled: true,
      aggregateKey: 'GsCompanyId',
      metricNameField: 'MetricName__gc',
      metricValueField: 'MetricValue__gc',
      dimensionKey: 'Module__gc',
      extraValueFields: ['ActiveUsers__gc'],
    },
    pageSize: PAGE,
  },
});

const peakBeforeMb = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const cpu = process.cpuUsage();
const result = await run(usage.id);
const seconds = (performance.now() - started) / 1000;
const { user, system } = process.cpuUsage(cpu);
const peakMb = process.resourceUsage().maxRSS / 1024;
const stored = await hub.db
  .selectFrom('usage_metrics')
  .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('rows').as('rows')])
  .executeTakeFirstOrThrow();
const rate = result.counts.read / seconds;

console.log('Benchmark — Gainsight product usage pull with aggregation (simulator over HTTP, own process)');
console.log(`  run                 ${result.status}${result.error ? ` ${JSON.stringify(result.error)}` : ''}`);
console.log(
  `  rows read           ${result.counts.read.toLocaleString('en')} in ${seconds.toFixed(1)} s (${Math.ceil(ROWS / PAGE)} pages of ${PAGE})`,
);
console.log(
  `  aggregated/skipped  ${Number(stored.rows).toLocaleString('en')} / ${result.counts.skipped.toLocaleString('en')} (rows of companies without an account)`,
);
console.log(`  metrics stored      ${Number(stored.n).toLocaleString('en')} (account × metric × module × week)`);
console.log(`  throughput          ${Math.round(rate).toLocaleString('en')} rows/s (target ≥ 50,000)`);
console.log(`  hub CPU time        ${((user + system) / 1e6).toFixed(1)} s`);
console.log(
  `  peak RSS (hub)      ${peakMb.toFixed(0)} MB (target ≤ 300; ${peakBeforeMb.toFixed(0)} MB before the pull started)`,
);
await hub.close();
vendors.kill('SIGTERM');
if (result.status !== 'completed' || rate < 50_000 || peakMb > 300) process.exitCode = 1;
