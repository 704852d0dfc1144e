// The vendors for the pulls benchmark in their own process (as real vendors are): a Gainsight simulator
// serving `--rows` product-usage rows computed on demand and a Salesforce simulator whose accounts carry
// the Gainsight company GSIDs (every fifth without). Prints one JSON line with URLs and credentials.
import { parseArgs } from 'node:util';
import { createGainsightSimulator, createSalesforceSimulator, listen } from '@synchub/sandbox';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { rows: { type: 'string', default: '1000000' }, companies: { type: 'string', default: '200' } },
});
const companies = Number(values.companies);
const gainsight = createGainsightSimulator({
  companies,
  people: 0,
  usageRows: Number(values.rows),
  lazyUsageRows: true,
  limits: { syncPerMinute: 1_000_000, syncPerDay: 10_000_000 },
});
const gsids = gainsight.state.rows('company').map((c, i) => (i % 5 === 4 ? null : String(c.Gsid)));
const salesforce = createSalesforceSimulator({ accounts: companies, gsids });
const servers = [await listen(gainsight.app), await listen(salesforce.app)] as const;
// The request log would keep every query body; the benchmark only needs the count.
setInterval(() => {
  gainsight.control.requests.length = 0;
}, 1000).unref();
process.stdout.write(
  `${JSON.stringify({
    gainsight: { url: servers[0].url, ...gainsight.credentials },
    salesforce: { url: servers[1].url, ...salesforce.credentials },
  })}\n`,
);
process.on('SIGTERM', () => Promise.all(servers.map((s) => s.close())).then(() => process.exit(0)));
