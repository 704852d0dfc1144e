import { type CustomerWrite, definePipelineKind, previewPages, previewPageSize, type UsageRow } from '@synchub/core';
import { matchSetup } from './common.js';
import { GROUP, gainsightGate } from './company.js';
import { createMatcher, reportUnmatched } from './match.js';
import { type UsageSettings, usageSettings } from './settings.js';
import { storePage } from './store.js';
import { num, SCHEDULES, text } from './values.js';
import { crmFieldIssues, describeObjects, objectIssues, readAhead, readRecords } from './vendor.js';

/** One account × metric × dimension × period of a page. */
interface Group {
  accountId: string;
  metric: string;
  dimension: string;
  period: string;
  value: number;
  rows: number;
  secondary: Record<string, number>;
}

const SEP = '\u0000';
/** Groups held before they are stored: bounds memory whatever the object's size. */
export const MAX_GROUPS = 20_000;
const FLUSH_MS = 5000;

function periodOf(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString().slice(0, 10);
  const t = text(value);
  return t ? t.slice(0, 10) : '';
}

function fieldsRead(s: UsageSettings): string[] {
  const a = s.aggregate;
  const own = a.enabled
    ? [a.aggregateKey, a.metricNameField, a.metricValueField, a.dimensionKey, ...a.extraValueFields]
    : [s.companyField, ...s.valueFields];
  return [...new Set(['Gsid', 'ModifiedDate', ...own, s.periodField].filter((f): f is string => !!f))];
}

/**
 * Groups as a store write. Aggregated groups add to what earlier pages (and runs) stored: usage rows are
 * facts read once each thanks to the cursor, and a read from the beginning starts from zero. Without
 * aggregation a row's value replaces the stored one.
 */
function usageWrite(
  groups: Iterable<Group>,
  ids: { pipelineId: string; connectionId: string; product: string },
  extraFields: string[] | undefined,
  at: number,
): CustomerWrite {
  const rows: UsageRow[] = [];
  for (const g of groups) {
    rows.push({
      pipelineId: ids.pipelineId,
      connectionId: ids.connectionId,
      accountId: g.accountId,
      product: ids.product,
      metric: g.metric,
      dimension: g.dimension,
      period: g.period,
      value: g.value,
      secondary: Object.keys(g.secondary).length > 0 ? g.secondary : null,
      rows: g.rows,
      syncedAt: at,
    });
  }
  return extraFields
    ? { type: 'usage', mode: 'add', secondaryFields: extraFields, rows }
    : { type: 'usage', mode: 'set', rows };
}

export const usageKind = definePipelineKind({
  kind: 'gainsight.usage',
  title: 'Gainsight product usage',
  description:
    'Usage metrics from a configurable Gainsight object, rolled up per account under a product name; optionally aggregated from flat rows by an account key, metric name/value fields and a dimension.',
  group: GROUP,
  connectorId: 'gainsight',
  settings: usageSettings,
  defaultSchedule: SCHEDULES.weekly,
  gate: gainsightGate,

  async validate({ settings, connectionId, host, connectionOf }) {
    const described = await describeObjects(await connectionOf(connectionId), [settings.object]);
    const a = settings.aggregate;
    const fields: Array<[string, string | undefined]> = a.enabled
      ? [
          ['settings.aggregate.aggregateKey', a.aggregateKey],
          ['settings.aggregate.metricNameField', a.metricNameField],
          ['settings.aggregate.metricValueField', a.metricValueField],
          ['settings.aggregate.dimensionKey', a.dimensionKey],
          ...a.extraValueFields.map((f, i): [string, string] => [`settings.aggregate.extraValueFields.${i}`, f]),
        ]
      : [
          ['settings.companyField', settings.companyField],
          ...settings.valueFields.map((f, i): [string, string] => [`settings.valueFields.${i}`, f]),
        ];
    return [
      ...objectIssues(described.get(settings.object), { path: 'settings.object', name: settings.object }, [
        ...fields,
        ['settings.periodField', settings.periodField],
      ]),
      ...(await crmFieldIssues(host, connectionOf, connectionId, settings.gsidField, 'settings.gsidField')),
    ];
  },

  async run(run) {
    const { settings } = run;
    const a = settings.aggregate;
    const matcher = createMatcher(
      run.host.customers,
      await matchSetup(run.host, run.connection.id, settings.gsidField),
    );
    const ids = { pipelineId: run.pipelineId, connectionId: run.connection.id, product: settings.productName };
    // From the beginning, totals are rebuilt: drop what earlier reads added up.
    if (run.cursor === null && a.enabled && !run.dryRun) {
      await run.host.customers.write([{ type: 'usage_clear', pipelineId: run.pipelineId }]);
    }
    const pageSize = previewPageSize(run, settings.pageSize);
    const options = { object: settings.object, select: fieldsRead(settings), pageSize };
    const skip = (reason: string, record: Record<string, unknown>) => reportUnmatched(run, { reason }, record, {});
    // Pages fold into one bounded map, stored with the cursor of the last page folded in (one transaction)
    // when it holds MAX_GROUPS groups, every FLUSH_MS, and at the end: a crash resumes after what was stored.
    let groups = new Map<string, Group>();
    let pending: { cursor: string | null } | undefined;
    let lastFlush = performance.now();
    const store = async () => {
      if (!pending) return;
      const batch = groups;
      const { cursor } = pending;
      [groups, pending, lastFlush] = [new Map(), undefined, performance.now()];
      const at = run.now();
      await storePage(run, cursor, [usageWrite(batch.values(), ids, a.enabled ? a.extraValueFields : undefined, at)]);
    };
    const group = (accountId: string, metric: string, dimension: string, period: string) => {
      const key = accountId + SEP + metric + SEP + dimension + SEP + period;
      let g = groups.get(key);
      if (!g) {
        g = { accountId, metric, dimension, period, value: 0, rows: 0, secondary: {} };
        groups.set(key, g);
      }
      return g;
    };
    for await (const page of readAhead(previewPages(run, readRecords(run.connection, options, run.cursor)))) {
      await matcher.prepare(
        a.enabled
          ? { keys: page.records.map((r) => r[a.aggregateKey ?? '']) }
          : { companies: page.records.map((r) => r[settings.companyField]) },
      );
      let used = 0;
      for (const record of page.records) {
        const period = settings.periodField ? periodOf(record[settings.periodField]) : '';
        const match = a.enabled
          ? matcher.key(record[a.aggregateKey ?? ''])
          : matcher.company(record[settings.companyField]);
        if ('reason' in match) {
          reportUnmatched(run, match, record, {
            key: record[a.enabled ? (a.aggregateKey ?? '') : settings.companyField] ?? null,
          });
          continue;
        }
        if (a.enabled) {
          const metric = text(record[a.metricNameField ?? '']);
          const value = num(record[a.metricValueField ?? '']);
          if (!metric) skip('no metric name', record);
          else if (value === null) skip('no metric value', record);
          else {
            const g = group(
              match.accountId,
              metric,
              a.dimensionKey ? (text(record[a.dimensionKey]) ?? '') : '',
              period,
            );
            g.value += value;
            g.rows++;
            const secondary: Record<string, number> = {};
            for (const f of a.extraValueFields) {
              const extra = num(record[f]);
              if (extra !== null) g.secondary[f] = (g.secondary[f] ?? 0) + extra;
              if (extra !== null) secondary[f] = extra;
            }
            used++;
            run.dryRun?.sample(
              record,
              {
                account_id: g.accountId,
                product: ids.product,
                metric,
                dimension: g.dimension,
                period,
                value,
                secondary,
              },
              'added to the stored total of this account, metric, dimension and period',
            );
          }
        } else {
          const metrics: Record<string, number> = {};
          for (const f of settings.valueFields) {
            const value = num(record[f]);
            if (value === null) continue;
            const g = group(match.accountId, f, '', period);
            g.value = value;
            g.rows = 1;
            metrics[f] = value;
          }
          used++;
          run.dryRun?.sample(record, { account_id: match.accountId, product: ids.product, period, metrics });
        }
      }
      run.count('read', page.records.length);
      run.count('written', used);
      pending = { cursor: page.cursor };
      if (groups.size >= MAX_GROUPS || performance.now() - lastFlush >= FLUSH_MS) await store();
    }
    await store();
    run.detail('stored', await run.host.customers.usageTotals(run.pipelineId));
  },
});
