/** The local Kafka + Schema Registry stack (`contracts stack`, the integration tests' global setup). */
export {
  createLocalStack,
  DEFAULT_KAFKA_PORT,
  DEFAULT_REGISTRY_PORT,
  type LocalStack,
  type LocalStackOptions,
  type StackProcessStatus,
  type StackStatus,
  type StackUpResult,
} from './local-stack';
export { artifactsCached, resolveArtifacts, type ArtifactOptions, type ResolvedArtifacts } from './artifacts';
export {
  formatStackEnv,
  parseEnvLines,
  readStackEnvFile,
  writeStackEnvFile,
  STACK_ENV_NAMES,
  type StackEnv,
} from './env-file';
export { CCOMPAT_PATH, registryUrl } from './registry';
export { APICURIO_VERSION, KAFKA_VERSION } from './versions';
export type { StopOptions } from './processes';
export * from './sasl';
