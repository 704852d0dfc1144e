export {
  createQualtricsSimulator,
  QUALTRICS_ERROR_CODES,
  type NewResponseOptions as QualtricsNewResponseOptions,
  type QualtricsCredentials,
  type QualtricsSimulator,
  type ExportJob as QualtricsExportJob,
  type QualtricsSimulatorOptions,
  type QualtricsState,
  type ReceivedEvent as QualtricsReceivedEvent,
} from './simulator.js';
export { npsGroup, type QualtricsResponse, type QualtricsSurvey } from './data.js';
