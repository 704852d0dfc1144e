import { expect } from 'vitest';
import type { ConnectorErrorCode } from '../errors.js';
import { isConnectorError } from '../errors.js';
import type { ContractCheck, ContractFault, ContractSetup } from './setup.js';
import { expectNoSecrets, outcomeOf, parsed } from './support.js';

const ALL_FAULTS: readonly ContractFault[] = ['auth', 'rate_limit', 'server_error'];

/** retryAt beyond this is a unit mistake (seconds read as ms or the reverse), not a vendor window. */
const MAX_WAIT_MS = 48 * 60 * 60 * 1000;

const FAULTS: { fault: ContractFault; code: ConnectorErrorCode; answer: string }[] = [
  { fault: 'auth', code: 'auth', answer: '401' },
  { fault: 'rate_limit', code: 'rate_limited', answer: '429' },
  { fault: 'server_error', code: 'transient', answer: '5xx' },
];

function skipFault(setup: ContractSetup, fault: ContractFault): string | undefined {
  if (!setup.inject) return 'setup gives no inject() hook';
  if (!(setup.faults ?? ALL_FAULTS).includes(fault)) return `setup.faults does not list "${fault}"`;
  return undefined;
}

export const faultChecks: ContractCheck[] = FAULTS.map(({ fault, code, answer }) => ({
  id: `fault-${fault.replace('_', '-')}`,
  group: 'faults',
  title: `check classifies a ${answer} answer as "${code}"${code === 'rate_limited' ? ' with a sane retryAt' : ''}`,
  skip: (setup) => skipFault(setup, fault),
  async run(setup) {
    const { inject, clearFaults } = setup;
    expect(inject, 'setup.inject').toBeDefined();
    expect(clearFaults, 'a setup with inject() needs clearFaults()').toBeDefined();
    if (!inject || !clearFaults) return;
    const started = setup.ctx.now();
    let outcome: Awaited<ReturnType<typeof outcomeOf>>;
    await inject(fault);
    try {
      outcome = await outcomeOf(setup.connector.check({ ...parsed(setup), ctx: setup.ctx }));
    } finally {
      await clearFaults();
    }
    expect(outcome.resolved, `check must reject while the vendor answers ${answer}`).toBe(false);
    if (outcome.resolved) return;
    const { error } = outcome;
    expect(isConnectorError(error), `expected a ConnectorError, got ${String(error)}`).toBe(true);
    if (!isConnectorError(error)) return;
    expect(error.code, `a ${answer} answer must be "${code}": ${error.message}`).toBe(code);
    expectNoSecrets(error.message, setup.secrets, 'the error message');
    if (code === 'rate_limited') {
      if (setup.retryAtOnRateLimit) expect(error.retryAt, 'rate_limited must carry retryAt').toBeDefined();
      if (error.retryAt !== undefined) {
        const sane =
          Number.isFinite(error.retryAt) && error.retryAt >= started && error.retryAt <= started + MAX_WAIT_MS;
        expect(sane, `retryAt ${error.retryAt} must be epoch ms within 48 h of the call (now ${started})`).toBe(true);
      }
    }
    // The fault, not the connector, caused the failure: once cleared, check works again.
    const after = await outcomeOf(setup.connector.check({ ...parsed(setup), ctx: setup.ctx }));
    expect(after.resolved, `check must succeed again after clearFaults(): ${after.resolved ? '' : after.error}`).toBe(
      true,
    );
  },
}));
