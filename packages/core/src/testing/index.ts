// Test helpers (the `@synchub/core/testing` subpath). Imports vitest: use from tests only.
export { connectorContractChecks, describeConnectorContract } from './contract.js';
export type {
  ContractCheck,
  ContractFault,
  ContractRequest,
  ContractSetup,
  StreamFixture,
  WriterFixture,
} from './setup.js';
