import { describe, expect, it } from 'vitest';
import type { CheckResult, OperationArgs } from '../connector.js';
import { ConnectorError, isConnectorError } from '../errors.js';
import { failsWith, fake, fakeSetup, TOKEN } from './fake-connector.js';
import { connectorContractChecks } from './index.js';

type Args = OperationArgs<unknown, unknown>;

/** A check that passes the real check's errors through `change` (a connector mapping errors wrongly). */
function remap(change: (error: ConnectorError) => unknown) {
  return {
    check: async (args: Args): Promise<CheckResult> => {
      try {
        return await fake.check(args as never);
      } catch (error) {
        throw isConnectorError(error) ? change(error) : error;
      }
    },
  };
}

const recode = (code: ConnectorError['code'], when: (e: ConnectorError) => boolean) =>
  remap((e) => (when(e) ? new ConnectorError(code, e.message, { status: e.status }) : e));

describe('fault checks catch misclassified answers', () => {
  it('fault-server-error: a 500 classified as invalid_request', async () => {
    const broken = recode('invalid_request', (e) => (e.status ?? 0) >= 500);
    expect(await failsWith('fault-server-error', broken)).toContain('a 5xx answer must be "transient"');
  });

  it('fault-auth: a 401 classified as transient', async () => {
    const broken = recode('transient', (e) => e.status === 401);
    expect(await failsWith('fault-auth', broken)).toContain('a 401 answer must be "auth"');
  });

  it('fault-rate-limit: a 429 as transient, without retryAt, or with retryAt in seconds', async () => {
    expect(
      await failsWith(
        'fault-rate-limit',
        recode('transient', (e) => e.status === 429),
      ),
    ).toContain('a 429 answer must be "rate_limited"');
    const noRetryAt = recode('rate_limited', (e) => e.status === 429);
    expect(await failsWith('fault-rate-limit', noRetryAt)).toContain('rate_limited must carry retryAt');
    const seconds = remap((e) =>
      e.retryAt === undefined ? e : new ConnectorError(e.code, e.message, { retryAt: Math.floor(e.retryAt / 1000) }),
    );
    expect(await failsWith('fault-rate-limit', seconds)).toContain('must be epoch ms within 48 h of the call');
  });

  it('fault-rate-limit: retryAt is optional unless the setup says the vendor gives it', async () => {
    const setup = await fakeSetup();
    const noRetryAt = recode('rate_limited', (e) => e.status === 429);
    const check = connectorContractChecks.find((c) => c.id === 'fault-rate-limit')!;
    try {
      await expect(
        check.run({
          ...setup,
          retryAtOnRateLimit: false,
          connector: { ...fake, ...noRetryAt } as typeof setup.connector,
        }),
      ).resolves.toBeUndefined();
    } finally {
      await setup.teardown?.();
    }
  });

  it('every fault: a check that swallows errors, leaks secrets, or a setup that cannot clear faults', async () => {
    const swallowing = { check: async () => ({ summary: 'fine', details: { ok: true } }) };
    expect(await failsWith('fault-server-error', swallowing)).toContain(
      'check must reject while the vendor answers 5xx',
    );
    expect(
      await failsWith(
        'fault-auth',
        remap(() => new Error('401')),
      ),
    ).toContain('expected a ConnectorError');
    const leaking = remap((e) => new ConnectorError(e.code, `${e.message} (token ${TOKEN})`, { status: e.status }));
    expect(await failsWith('fault-server-error', leaking)).toContain('must not contain a secret');
    expect(await failsWith('fault-auth', {}, { clearFaults: () => {} })).toContain(
      'check must succeed again after clearFaults()',
    );
    expect(await failsWith('fault-auth', {}, { clearFaults: undefined })).toContain(
      'a setup with inject() needs clearFaults()',
    );
  });
});
