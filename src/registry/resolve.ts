import { ContractsError } from '../errors';
import {
  createSchemaRegistryClient,
  registryAuthFromEnv,
  registryOptionsFromEnv,
  REGISTRY_ENV,
  type HttpRegistryOptions,
} from './http';
import type { SchemaRegistryClient } from './types';

/** A registry client, the options for one, or its URL; undefined means the environment. */
export type RegistrySource = SchemaRegistryClient | HttpRegistryOptions | string | undefined;

export function resolveRegistry(source: RegistrySource): SchemaRegistryClient {
  // a URL given in code or on the command line still takes its credentials from the environment
  if (typeof source === 'string') return createSchemaRegistryClient({ url: source, auth: registryAuthFromEnv() });
  if (source && 'getSchemaById' in source) return source;
  const options = source ?? registryOptionsFromEnv();
  if (!options) {
    throw new ContractsError('CONFIG_INVALID', 'no schema registry configured', {
      hint: `set ${REGISTRY_ENV.URL} (e.g. http://localhost:8080/apis/ccompat/v7) or pass the registry option`,
    });
  }
  return createSchemaRegistryClient(options);
}
