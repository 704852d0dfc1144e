export {
  checkDefinition,
  connectorDefinitionSchema,
  toJsonSchema,
  type DefinitionCheck,
  type JsonSchema,
} from './definition.js';
export { isRegistryError, RegistryError, type RegistryErrorCode, type RegistryErrorOptions } from './errors.js';
export { findConnectorPackages, synchubKeySchema, type ConnectorPackage, type FindResult } from './find.js';
export { loadConnectors, type LoadedConnector, type LoadOptions, type LoadResult } from './load.js';
export {
  createRegistry,
  type ConnectorDescription,
  type DestinationDescription,
  type Registry,
  type StreamDescription,
  type WriterDescription,
} from './registry.js';
