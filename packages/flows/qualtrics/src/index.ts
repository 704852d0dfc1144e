import { CONTRACT_VERSION, defineFlows, type FlowPluginDefinition, type ServiceHost } from '@synchub/core';
import { qualtricsHooks } from './hooks.js';
import { carryLegacyCursor } from './legacy-cursor.js';
import { migrations } from './migrations.js';
import { responsesToGainsight } from './responses-kind.js';
import { qualtricsOpenApi, qualtricsRoutes } from './routes.js';
import { createQualtrics, type Qualtrics, type QualtricsOptions } from './service.js';

export interface QualtricsFlowsOptions extends QualtricsOptions {
  /** Start the delivery worker with the service (default). Tests leave it off and call `drain`. */
  startWorker?: boolean | undefined;
  /** Called with the running service and its host (tests reach its stores and `drain` through it). */
  onService?(qualtrics: Qualtrics, host: ServiceHost): void;
}

/**
 * Gainsight ↔ Qualtrics: workflow triggers (the webhook Gainsight's External Actions call, event rules
 * on the hub's stored events, a delivery worker with retries; routes under `/api/qualtrics` and
 * `/hooks/qualtrics`) and the `qualtrics.responses_to_gainsight` pipeline kind.
 */
export function createQualtricsFlows(options: QualtricsFlowsOptions = {}): FlowPluginDefinition {
  return defineFlows({
    id: 'qualtrics',
    name: 'Gainsight ↔ Qualtrics',
    version: '0.1.0',
    contractVersion: CONTRACT_VERSION,
    description:
      'Workflow triggers (Gainsight External Actions and hub events → Qualtrics workflows) and survey responses → Gainsight.',
    mount: 'qualtrics',
    migrations,
    kinds: [responsesToGainsight],
    pages: [{ id: 'qualtrics', title: 'Qualtrics' }],
    async service(host) {
      await carryLegacyCursor(host);
      const qualtrics = createQualtrics(host, options);
      options.onService?.(qualtrics, host);
      if (options.startWorker !== false) await qualtrics.start();
      const api = qualtricsRoutes(qualtrics, host);
      const hooks = qualtricsHooks(qualtrics, host.log);
      return {
        api: (request) => api.fetch(request),
        hooks: (request) => hooks.fetch(request),
        openapi: qualtricsOpenApi,
        connectionUses: qualtrics.connectionUses,
        stop: qualtrics.stop,
      };
    },
  });
}

export {
  CreatedRuleAnswer,
  DeliveriesAnswer,
  Delivery,
  DeliveryAnswer,
  DeliveryCounts,
  DeliveryError,
  PlannedRequest,
  ReplayAnswer,
  Rule,
  RuleAnswer,
  RuleCheck,
  RulesAnswer,
  SecretAnswer,
  TestAnswer,
  TestPlan,
  TestResult,
  Trigger,
  TriggerAnswer,
  TriggersAnswer,
} from './answers.js';
export { CURSOR_KEY } from './rules.js';
export { LEGACY_CURSOR_KEY } from './legacy-cursor.js';
export { mapResponse, REASONS, responsesSettings, responsesToGainsight } from './responses-kind.js';
export type { Qualtrics, QualtricsOptions } from './service.js';
export type { QualtricsTables } from './schema.js';

export default createQualtricsFlows();
