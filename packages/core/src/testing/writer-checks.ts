import { expect } from 'vitest';
import type { SyncRecord, WriterDefinition, WriteResult } from '../connector.js';
import { type ConnectorErrorCode, isConnectorError } from '../errors.js';
import type { ContractCheck, ContractSetup, WriterFixture } from './setup.js';
import { describeCalls, expectNoSecrets, outcomeOf, parsed, requestCount } from './support.js';

/** Every code, so a result's error code can be checked at run time (the compiler keeps this list whole). */
const ERROR_CODES = Object.keys({
  auth: true,
  forbidden: true,
  rate_limited: true,
  invalid_request: true,
  not_found: true,
  conflict: true,
  transient: true,
  config: true,
  unexpected: true,
} satisfies Record<ConnectorErrorCode, true>);

interface WriterTarget {
  /** The connector's writer key. */
  name: string;
  label: string;
  fixture: WriterFixture;
  writer: WriterDefinition<unknown, unknown>;
}

function skipWriters(setup: ContractSetup): string | undefined {
  if (setup.writers) return undefined;
  const names = Object.keys(setup.connector.writers);
  return names.length === 0
    ? 'the connector has no writers'
    : `setup.writers not given (the connector has writers: ${names.join(', ')})`;
}

function targets(setup: ContractSetup): WriterTarget[] {
  return Object.entries(setup.writers ?? {}).map(([key, fixture]) => {
    const name = fixture.writer ?? key;
    const writer = setup.connector.writers[name];
    expect(writer, `writer fixture "${key}" names writer "${name}", which the connector does not have`).toBeDefined();
    return {
      name,
      label: key === name ? `writer ${name}` : `writer ${name} (fixture ${key})`,
      fixture,
      writer: writer!,
    };
  });
}

async function samples(target: WriterTarget, n: number): Promise<SyncRecord[]> {
  const records = await target.fixture.sampleRecords(n);
  expect(records, `${target.label}: sampleRecords(${n}) must return ${n} records`).toHaveLength(n);
  return records;
}

function write(setup: ContractSetup, target: WriterTarget, records: SyncRecord[]): Promise<WriteResult[]> {
  return target.writer.write({ ...parsed(setup), ctx: setup.ctx, records, options: target.fixture.options });
}

function describeResult(result: WriteResult | undefined): string {
  if (!result) return 'nothing';
  return result.ok ? 'ok' : `failed (${result.error?.code}: ${result.error?.message})`;
}

/** A result must be `{ok: true, id?, meta?}` or `{ok: false, error: {code, message}}` without secrets. */
function expectWellFormed(setup: ContractSetup, where: string, result: WriteResult): void {
  expect(typeof result?.ok, `${where}: a result needs a boolean ok`).toBe('boolean');
  if (result.ok) {
    expect(result.id === undefined || typeof result.id === 'string', `${where}: id must be a string`).toBe(true);
    const meta = result.meta;
    expect(
      meta === undefined || (typeof meta === 'object' && meta !== null && !Array.isArray(meta)),
      `${where}: meta must be an object`,
    ).toBe(true);
    if (meta !== undefined) expectNoSecrets(JSON.stringify(meta), setup.secrets, `${where}: the result meta`);
    return;
  }
  expect(ERROR_CODES, `${where}: error.code must be a ConnectorErrorCode`).toContain(result.error?.code);
  expect(
    typeof result.error.message === 'string' && result.error.message.trim() !== '',
    `${where}: error.message`,
  ).toBe(true);
  expectNoSecrets(result.error.message, setup.secrets, `${where}: the error message`);
}

export const writerChecks: ContractCheck[] = [
  {
    id: 'writer-fixtures',
    group: 'writers',
    title: 'writer fixtures name existing writers and cover every writer',
    skip: skipWriters,
    async run(setup) {
      const covered = new Set(targets(setup).map((t) => t.name));
      for (const key of Object.keys(setup.connector.writers)) {
        expect(covered.has(key), `writer ${key} has no fixture in setup.writers`).toBe(true);
      }
    },
  },
  {
    id: 'writer-batch',
    group: 'writers',
    title: 'every writer sends batchSize records in one vendor call, one ok result per record',
    skip: (setup) =>
      skipWriters(setup) ??
      (requestCount(setup) === undefined ? 'setup gives neither requestCount() nor requests()' : undefined),
    async run(setup) {
      for (const target of targets(setup)) {
        const { batchSize } = target.writer;
        const records = await samples(target, batchSize);
        const before = requestCount(setup) ?? 0;
        const outcome = await outcomeOf(write(setup, target, records));
        const calls = (requestCount(setup) ?? 0) - before;
        if (!outcome.resolved) {
          expect.fail(`${target.label}: writing ${batchSize} valid records rejected: ${String(outcome.error)}`);
        }
        const results = outcome.value;
        expect(results, `${target.label}: one result per record`).toHaveLength(batchSize);
        const failed = results.flatMap((r, i) => (r?.ok ? [] : [`#${i} ${describeResult(r)}`]));
        expect(failed, `${target.label}: valid records failed: ${failed.slice(0, 3).join('; ')}`).toHaveLength(0);
        for (const [i, r] of results.entries()) expectWellFormed(setup, `${target.label}: result #${i}`, r);
        const expected = target.fixture.callsPerBatch ?? 1;
        expect(
          calls,
          `${target.label}: ${batchSize} records must cost ${expected} vendor call(s), made ${calls}${describeCalls(setup, before)}`,
        ).toBe(expected);
      }
    },
  },
  {
    id: 'writer-over-batch',
    group: 'writers',
    title: 'every writer refuses more than batchSize records with invalid_request, before calling the vendor',
    skip: skipWriters,
    async run(setup) {
      for (const target of targets(setup)) {
        const records = await samples(target, target.writer.batchSize + 1);
        const before = requestCount(setup);
        const outcome = await outcomeOf(write(setup, target, records));
        const after = requestCount(setup);
        expect(outcome.resolved, `${target.label}: must reject batchSize + 1 records (the host batches)`).toBe(false);
        if (outcome.resolved) continue;
        expect(
          isConnectorError(outcome.error),
          `${target.label}: expected a ConnectorError, got ${outcome.error}`,
        ).toBe(true);
        expect((outcome.error as { code?: unknown }).code, `${target.label}: error code`).toBe('invalid_request');
        if (before !== undefined && after !== undefined) {
          expect(
            after - before,
            `${target.label}: must refuse before calling the vendor${describeCalls(setup, before)}`,
          ).toBe(0);
        }
      }
    },
  },
  {
    id: 'writer-results',
    group: 'writers',
    title: 'every writer returns one result per record in input order, failing only the bad record',
    skip: (setup) =>
      skipWriters(setup) ??
      (Object.values(setup.writers ?? {}).some((f) => f.badRecord) ? undefined : 'no writer fixture has badRecord()'),
    async run(setup) {
      for (const target of targets(setup)) {
        if (!target.fixture.badRecord) continue;
        const good = await samples(target, Math.min(target.writer.batchSize - 1, 4));
        // Not in the middle: reversed results must put the failure somewhere else.
        const badAt = Math.min(1, good.length);
        const input = [...good.slice(0, badAt), target.fixture.badRecord(), ...good.slice(badAt)];
        const outcome = await outcomeOf(write(setup, target, input));
        if (!outcome.resolved) {
          expect.fail(
            `${target.label}: a record the vendor refuses must come back as {ok: false}, but write rejected: ${String(outcome.error)}`,
          );
        }
        const results = outcome.value;
        expect(results, `${target.label}: one result per input record, in input order`).toHaveLength(input.length);
        for (const [i, r] of results.entries()) expectWellFormed(setup, `${target.label}: result #${i}`, r);
        expect(results[badAt]?.ok, `${target.label}: the bad record (input #${badAt}) must fail`).toBe(false);
        const allFailed = results.every((r) => !r.ok);
        if (target.fixture.allOrNothing && allFailed) continue;
        results.forEach((r, i) => {
          if (i === badAt) return;
          const rule = target.fixture.allOrNothing ? ' (all-or-nothing: only the bad one fails, or all do)' : '';
          expect(r.ok, `${target.label}: input #${i} is valid and must succeed${rule}, got ${describeResult(r)}`).toBe(
            true,
          );
        });
      }
    },
  },
];
