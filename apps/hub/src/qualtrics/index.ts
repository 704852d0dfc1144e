export { qualtricsHooks } from './hooks.js';
export { responsesToGainsight } from './responses-kind.js';
export { qualtricsRoutes } from './routes.js';
export { createQualtrics, type Qualtrics } from './service.js';
