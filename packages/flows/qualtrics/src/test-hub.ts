import type { ServiceHost } from '@synchub/core';
import type { HubOptions } from '@synchub/hub';
import { createTestHub } from '@synchub/hub/testing';
import { createQualtricsFlows, type QualtricsFlowsOptions } from './index.js';
import type { QualtricsDb } from './schema.js';
import type { Qualtrics } from './service.js';

/**
 * A hub on a fresh temp database with this plugin loaded through the registry like any other (its
 * migrations, its kind, its routes mounted by the hub); the delivery worker is left stopped so tests drive
 * it with `drain`. The service's stores, host and tables come back for assertions.
 */
export async function createQualtricsTestHub(options: Partial<HubOptions> = {}, flows: QualtricsFlowsOptions = {}) {
  let service: { qualtrics: Qualtrics; host: ServiceHost } | undefined;
  const plugin = createQualtricsFlows({
    startWorker: false,
    ...flows,
    onService: (qualtrics, host) => {
      service = { qualtrics, host };
    },
  });
  const t = await createTestHub({ ...options, extraFlows: [plugin] });
  if (!service) {
    await t.close();
    throw new Error(`The hub did not start the Qualtrics service:\n${t.lines.join('\n')}`);
  }
  const { qualtrics, host } = service;
  return { ...t, qualtrics, host, db: host.database as QualtricsDb };
}

export type QualtricsTestHub = Awaited<ReturnType<typeof createQualtricsTestHub>>;
