export {
  checkDefinition,
  connectorDefinitionSchema,
  toJsonSchema,
  type CheckOptions,
  type DefinitionCheck,
  type JsonSchema,
} from './definition.js';
export { isRegistryError, RegistryError, type RegistryErrorCode, type RegistryErrorOptions } from './errors.js';
export {
  findConnectorPackages,
  synchubKeySchema,
  type ConnectorPackage,
  type FindOptions,
  type FindResult,
} from './find.js';
export { type EntryResolution, resolveEntry } from './entry.js';
export { SHARED_PACKAGES, type ShareHostModulesOptions, shareHostModules } from './host-modules.js';
export { loadConnectors, type LoadedConnector, type LoadOptions, type LoadResult } from './load.js';
export {
  checkFlows,
  collectContributions,
  findFlowPackages,
  flowDestinationSchema,
  flowPluginSchema,
  loadFlows,
  type Contributed,
  type Contributions,
  type Contributor,
  type FlowPackage,
  type FlowsCheck,
  type FlowsLoadResult,
  type LoadedFlows,
} from './flows.js';
export { pipelineKindSchema } from './kind-schema.js';
export {
  createRegistry,
  type ConnectorDescription,
  type DestinationDescription,
  type Registry,
  type StreamDescription,
  type WriterDescription,
} from './registry.js';
