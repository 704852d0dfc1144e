import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_VERSION } from '../connector.js';
import { isConnectorError } from '../errors.js';
import { faultChecks } from './fault-checks.js';
import type { ContractCheck, ContractSetup } from './setup.js';
import { streamChecks } from './stream-checks.js';
import { expectNoSecrets, parsed } from './support.js';
import { writerChecks } from './writer-checks.js';

/**
 * Every rule, in the order the suite runs them: streams read before writers add records, and the
 * fault checks come last. Checks whose fixtures or hooks the setup lacks are skipped (see `skip`).
 */
export const connectorContractChecks: ContractCheck[] = [
  {
    id: 'identity',
    group: 'definition',
    title: 'has an id, a name, a version and the contract version of this core',
    async run({ connector }) {
      expect(connector.contractVersion, 'contractVersion').toBe(CONTRACT_VERSION);
      for (const key of ['id', 'name', 'version'] as const) {
        expect(typeof connector[key] === 'string' && connector[key].trim() !== '', `${key} must be non-empty`).toBe(
          true,
        );
      }
    },
  },
  {
    id: 'schemas',
    group: 'definition',
    title: 'settings and secrets schemas accept the given settings, secrets and bad secrets',
    async run(setup) {
      for (const [label, schema, value] of [
        ['settings', setup.connector.settings, setup.settings],
        ['secrets', setup.connector.secrets, setup.secrets],
        ['badSecrets', setup.connector.secrets, setup.badSecrets],
      ] as const) {
        const result = schema.safeParse(value);
        expect(result.success, `${label} must parse: ${result.error?.message ?? ''}`).toBe(true);
      }
    },
  },
  {
    id: 'check-ok',
    group: 'check',
    title: 'check resolves with a summary and details, without secrets in them',
    async run(setup) {
      const result = await setup.connector.check({ ...parsed(setup), ctx: setup.ctx });
      expect(typeof result.summary === 'string' && result.summary.trim() !== '', 'summary must be non-empty').toBe(
        true,
      );
      expect(typeof result.details === 'object' && result.details !== null, 'details must be an object').toBe(true);
      expect(Object.keys(result.details).length, 'details must say what was found').toBeGreaterThan(0);
      expectNoSecrets(JSON.stringify(result), setup.secrets, 'check result');
    },
  },
  {
    id: 'check-bad-secrets',
    group: 'check',
    title: 'check with bad secrets rejects with a ConnectorError of code "auth" that does not echo them',
    async run(setup) {
      const outcome = await setup.connector.check({ ...parsed(setup, setup.badSecrets), ctx: setup.ctx }).then(
        () => ({ resolved: true as const }),
        (error: unknown) => ({ resolved: false as const, error }),
      );
      expect(outcome.resolved, 'check must reject bad secrets').toBe(false);
      if (outcome.resolved) return;
      expect(isConnectorError(outcome.error), `expected a ConnectorError, got ${String(outcome.error)}`).toBe(true);
      if (!isConnectorError(outcome.error)) return;
      expect(outcome.error.code, outcome.error.message).toBe('auth');
      expectNoSecrets(outcome.error.message, setup.badSecrets, 'the error message');
    },
  },
  {
    id: 'discover',
    group: 'discover',
    title: 'discover returns at least one named object',
    async run(setup) {
      const objects = await setup.connector.discover({ ...parsed(setup), ctx: setup.ctx });
      expect(Array.isArray(objects), 'discover must return a list').toBe(true);
      expect(objects.length, 'discover must find at least one object').toBeGreaterThan(0);
      for (const object of objects) {
        expect(typeof object.name === 'string' && object.name !== '', 'every object needs a name').toBe(true);
      }
    },
  },
  ...streamChecks,
  {
    id: 'writers',
    group: 'writers',
    title: 'every writer has a whole batchSize >= 1 and spends a bucket that exists',
    async run({ connector }) {
      for (const [key, writer] of Object.entries(connector.writers)) {
        expect(Number.isInteger(writer.batchSize) && writer.batchSize >= 1, `writer ${key}: batchSize`).toBe(true);
        if (writer.bucket !== undefined) {
          expect(Object.keys(connector.rateLimit.buckets), `writer ${key}: bucket`).toContain(writer.bucket);
        }
      }
    },
  },
  ...writerChecks,
  {
    id: 'rate-limit-buckets',
    group: 'rate limit',
    title:
      'every bucket has at least one valid window (or follows the vendor-reported budget) and the default bucket exists',
    async run({ connector }) {
      const { buckets, defaultBucket } = connector.rateLimit;
      expect(Object.keys(buckets), 'defaultBucket must name a bucket').toContain(defaultBucket);
      // A budget the vendor counts and reports (policy.usageBudget) needs no window of ours.
      const reported = typeof connector.rateLimit.usageBudget === 'function';
      for (const [name, windows] of Object.entries(buckets)) {
        if (!reported) expect(windows.length, `bucket ${name} needs a window`).toBeGreaterThan(0);
        for (const w of windows) {
          const valid = Number.isInteger(w.limit) && w.limit >= 1 && Number.isInteger(w.windowMs) && w.windowMs >= 1;
          expect(valid, `bucket ${name}: ${JSON.stringify(w)} must have whole limit and windowMs >= 1`).toBe(true);
        }
      }
    },
  },
  {
    id: 'rate-limit-key',
    group: 'rate limit',
    title: 'rateLimit.key(settings) names the vendor account',
    async run(setup) {
      const key = setup.connector.rateLimit.key(parsed(setup).settings);
      expect(typeof key === 'string' && key.trim() !== '', 'key must be a non-empty string').toBe(true);
      expectNoSecrets(key, setup.secrets, 'the rate-limit key');
      const rule = setup.connector.rateLimit.usageBudget?.(parsed(setup).settings);
      if (rule) {
        const sane = 0 <= rule.slowAt && rule.slowAt <= rule.stopAt && rule.stopAt <= 1 && rule.probeAfterMs > 0;
        expect(sane, `usageBudget ${JSON.stringify(rule)}: needs 0 <= slowAt <= stopAt <= 1 and probeAfterMs > 0`).toBe(
          true,
        );
      }
    },
  },
  // Last: they switch faults on in the simulator.
  ...faultChecks,
];

/**
 * Register the contract tests for one connector. `setup` runs once (start the simulator there);
 * `teardown` runs after the last test.
 */
export function describeConnectorContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`${name}: connector contract`, () => {
    let current: ContractSetup | undefined;
    beforeAll(async () => {
      current = await setup();
    });
    afterAll(async () => {
      await current?.teardown?.();
    });
    const groups = [...new Set(connectorContractChecks.map((check) => check.group))];
    for (const group of groups) {
      describe(group, () => {
        for (const check of connectorContractChecks.filter((c) => c.group === group)) {
          it(check.title, async (context) => {
            if (!current) throw new Error('contract setup did not complete');
            const reason = check.skip?.(current);
            if (reason !== undefined) context.skip(reason);
            await check.run(current);
          });
        }
      });
    }
  });
}
