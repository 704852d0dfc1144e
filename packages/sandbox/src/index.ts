export {
  createControl,
  listen,
  recordAndInjectFaults,
  seededRandom,
  type FaultSpec,
  type LoggedRequest,
  type RunningServer,
  type Simulator,
  type SimulatorControl,
} from './common.js';
export * from './gainsight/index.js';
export * from './salesforce/index.js';
export * from './pendo/index.js';
export * from './qualtrics/index.js';
