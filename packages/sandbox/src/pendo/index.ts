export {
  createPendoSimulator,
  type PendoCredentials,
  type PendoSimulator,
  type PendoReport,
  type PendoSimulatorOptions,
  type PendoState,
  type PendoWriteOutcome,
} from './simulator.js';
export type { EventRow as PendoEventRow, PendoFieldSchema, PendoFieldType, PendoSchema } from './data.js';
