import { CONTRACT_VERSION, defineFlows, type FlowPluginDefinition, type ServiceHost } from '@synchub/core';
import { qualtricsHooks } from './hooks.js';
import { carryLegacyCursor } from './legacy-cursor.js';
import { migrations } from './migrations.js';
import { responsesToGainsight } from './responses-kind.js';
import { qualtricsOpenApi, qualtricsRoutes } from './routes.js';
import { createQualtrics, type Qualtrics, type QualtricsOptions } from './service.js';

export interface QualtricsFlowsOptions extends QualtricsOptions {
  /**
   * Let the hub run the delivery worker (default): the service's background work, run by one hub at a time.
   * Tests set false (the hub never starts it) and call `drain`, or `start` themselves.
   */
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
      const api = qualtricsRoutes(qualtrics, host);
      const hooks = qualtricsHooks(qualtrics, host.log);
      return {
        api: (request) => api.fetch(request),
        hooks: (request) => hooks.fetch(request),
        openapi: qualtricsOpenApi,
        connectionUses: qualtrics.connectionUses,
        // The rule scan and the delivery worker: in one hub at a time when several share a database (a
        // webhook or a rule's match in any hub is a stored delivery the running worker picks up).
        ...(options.startWorker === false ? {} : { background: { start: qualtrics.start, stop: qualtrics.stop } }),
        stop: qualtrics.close,
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
