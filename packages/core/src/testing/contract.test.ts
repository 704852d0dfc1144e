import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.js';
import { failsWith, fake, fakeSetup, legacySetup } from './fake-connector.js';
import { connectorContractChecks, describeConnectorContract } from './index.js';

// The full suite against a connector that keeps every rule: every check runs and passes.
describeConnectorContract('fake', fakeSetup);
// A setup written before streams/writers/faults fixtures existed still works: those groups are skipped.
describeConnectorContract('fake (setup without fixtures)', legacySetup);

describe('which checks a setup skips', () => {
  it('skips stream, writer and fault checks without fixtures and hooks, saying why', async () => {
    const setup = await legacySetup();
    try {
      const skipped = Object.fromEntries(connectorContractChecks.map((c) => [c.id, c.skip?.(setup)]));
      expect(skipped['stream-pages']).toContain('setup.streams not given (the connector has streams: contacts');
      expect(skipped['writer-batch']).toContain('setup.writers not given');
      expect(skipped['fault-rate-limit']).toBe('setup gives no inject() hook');
      expect(skipped['check-ok']).toBeUndefined();
      const none = { ...setup, connector: { ...fake, streams: {}, writers: {} } };
      expect(connectorContractChecks.find((c) => c.id === 'stream-resume')?.skip?.(none)).toBe(
        'the connector has no streams',
      );
      expect(connectorContractChecks.find((c) => c.id === 'writer-results')?.skip?.(none)).toBe(
        'the connector has no writers',
      );
    } finally {
      await setup.teardown?.();
    }
  });

  it('applies every check to a setup with fixtures and hooks', async () => {
    const setup = await fakeSetup();
    try {
      const skipped = connectorContractChecks.filter((c) => c.skip?.(setup) !== undefined).map((c) => c.id);
      expect(skipped).toEqual([]);
      const partial = { ...setup, requests: undefined, faults: ['server_error' as const] };
      expect(connectorContractChecks.find((c) => c.id === 'writer-batch')?.skip?.(partial)).toContain('requestCount');
      expect(connectorContractChecks.find((c) => c.id === 'fault-auth')?.skip?.(partial)).toContain('"auth"');
      expect(connectorContractChecks.find((c) => c.id === 'fault-server-error')?.skip?.(partial)).toBeUndefined();
    } finally {
      await setup.teardown?.();
    }
  });
});

/** Each check must fail for the connector that breaks its rule. */
describe('the contract checks catch broken connectors', () => {
  it('identity', async () => {
    expect(await failsWith('identity', { contractVersion: 2 as 1 })).toContain('contractVersion');
    expect(await failsWith('identity', { id: ' ' })).toContain('id');
  });

  it('schemas', async () => {
    expect(await failsWith('schemas', {}, { settings: { sandbox: 'yes' } })).toContain('settings must parse');
  });

  it('check-ok', async () => {
    expect(await failsWith('check-ok', { check: async () => ({ summary: '', details: { a: 1 } }) })).toContain(
      'summary',
    );
    expect(await failsWith('check-ok', { check: async () => ({ summary: 'ok', details: {} }) })).toContain('details');
    expect(
      await failsWith('check-ok', { check: async ({ secrets: x }) => ({ summary: 'ok', details: { x } }) }),
    ).toContain('secret');
  });

  it('check-bad-secrets', async () => {
    const accepting = { check: async () => ({ summary: 'ok', details: { a: 1 } }) };
    expect(await failsWith('check-bad-secrets', accepting)).toContain('must reject');
    expect(await failsWith('check-bad-secrets', { check: () => Promise.reject(new Error('401')) })).toContain(
      'expected a ConnectorError',
    );
    expect(
      await failsWith('check-bad-secrets', { check: () => Promise.reject(new ConnectorError('transient', 'x')) }),
    ).toContain('auth');
    const leaking = {
      check: ({ secrets: x }: { secrets: unknown }) =>
        Promise.reject(new ConnectorError('auth', `bad token ${(x as { token: string }).token}`)),
    };
    expect(await failsWith('check-bad-secrets', leaking)).toContain('secret');
  });

  it('discover', async () => {
    expect(await failsWith('discover', { discover: async () => [] })).toContain('at least one');
    expect(await failsWith('discover', { discover: async () => [{ name: '' }] })).toContain('name');
  });

  it('writers', async () => {
    const writer = fake.writers['contacts']!;
    expect(await failsWith('writers', { writers: { w: { ...writer, batchSize: 0 } } })).toContain('batchSize');
    expect(await failsWith('writers', { writers: { w: { ...writer, bucket: 'nope' } } })).toContain('bucket');
  });

  it('rate-limit-buckets and rate-limit-key', async () => {
    const policy = fake.rateLimit;
    expect(await failsWith('rate-limit-buckets', { rateLimit: { ...policy, defaultBucket: 'x' } })).toContain(
      'defaultBucket',
    );
    expect(await failsWith('rate-limit-buckets', { rateLimit: { ...policy, buckets: { api: [] } } })).toContain(
      'needs a window',
    );
    expect(
      await failsWith('rate-limit-buckets', {
        rateLimit: { ...policy, buckets: { api: [{ limit: 0, windowMs: 1 }] } },
      }),
    ).toContain('whole limit');
    expect(await failsWith('rate-limit-key', { rateLimit: { ...policy, key: () => '' } })).toContain('non-empty');
  });
});
