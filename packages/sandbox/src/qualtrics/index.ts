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
  TRIGGER_ANSWERS as QUALTRICS_TRIGGER_ANSWERS,
  type TriggerAnswer as QualtricsTriggerAnswer,
} from './simulator.js';
export { npsGroup, type QualtricsResponse, type QualtricsSurvey } from './data.js';
