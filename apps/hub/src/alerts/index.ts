export { alertRoutes } from './routes.js';
export { type AlertOptions, type Alerts, createAlerts } from './service.js';
export type { HistoryEntry, RuleState } from './views.js';
export type { RuleView } from './store.js';
