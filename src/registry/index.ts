export * from './types';
export {
  createSchemaRegistryClient,
  registryAuthFromEnv,
  registryOptionsFromEnv,
  REGISTRY_ENV,
  urlHasPassword,
  type HttpRegistryOptions,
  type RegistryAuth,
} from './http';
export { createInMemoryRegistry, type InMemoryRegistryOptions, type InMemorySchemaRegistry } from './memory';
export { registerContract, createSchemaIdResolver, type RegisteredSubject, type ContractSchemas } from './contract';
export { withReferences } from '../formats/references';
export { resolveRegistry, type RegistrySource } from './resolve';
export {
  REGISTRY_FEATURES,
  RegistryCapabilities,
  cannotTestWithReferences,
  isMissingRoute,
  jsonReferencesRefused,
  referencesFeature,
  refusesJsonReferences,
  type CapabilityRow,
  type FeatureState,
  type RegistryFeature,
} from './capabilities';
export { ensureSubjectLevel, setDeferredLevel, type LevelChange } from './levels';
