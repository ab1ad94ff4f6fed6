/**
 * The writer's side of decoding, whatever the format: the schema a message's header names, the
 * schemas it references, and a plan built from them once per schema ID.
 */
import { DecodeError, isContractsError, RegistryError, SchemaNotFoundError } from '../errors';
import { withReferences } from '../registry/references';
import type { SchemaRegistryClient, StoredSchema } from '../registry/types';

/** Confluent's "schema not found" error code. */
const SCHEMA_NOT_FOUND_CODE = 40403;

/**
 * The schema a message's header names, with the one error per cause that the consumer, its
 * dead-letter records and `contracts tail` all report: SCHEMA_NOT_FOUND only when the registry
 * itself says it has no such ID (HTTP 404 with Confluent's error code 40403, which Apicurio and
 * Karapace answer too); a 404 without it comes from something that is not the registry's API (a
 * wrong URL path, a proxy), so it stays a RegistryError: the environment's fault, not the message's.
 */
export async function fetchSchema(registry: SchemaRegistryClient, schemaId: number) {
  try {
    return await registry.getSchemaById(schemaId);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404 && error.registryCode === SCHEMA_NOT_FOUND_CODE) {
      throw new SchemaNotFoundError(registry.url, schemaId, { cause: error });
    }
    if (error instanceof RegistryError && error.status === 404) {
      throw new RegistryError(
        error.url,
        404,
        error.registryCode,
        `${error.message} (not a schema registry's answer: no error code 40403)`,
        {
          cause: error,
          hint: 'check that SCHEMA_REGISTRY_URL points at the Confluent-compatible API root (for Apicurio: /apis/ccompat/v7)',
        },
      );
    }
    if (isContractsError(error)) throw error;
    throw new DecodeError(`reading schema ${schemaId} failed: ${String(error)}`, schemaId, {
      cause: error,
      retriable: true,
    });
  }
}

/** `root`'s references, dependencies first, then `root`; one the registry does not have makes the message undecodable. */
export async function withWriterReferences(
  registry: SchemaRegistryClient,
  root: StoredSchema,
  schemaId: number,
): Promise<StoredSchema[]> {
  try {
    return await withReferences(registry, root);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) {
      throw new DecodeError(
        `schema ${schemaId} references a schema the registry does not have: ${error.message}`,
        schemaId,
        { cause: error },
      );
    }
    throw error;
  }
}

export interface PlanCache<P> {
  /** The plan once built: the hot path takes it without an await. */
  cached(schemaId: number): P | undefined;
  /** Builds the plan once, however many messages ask at the same time. */
  load(schemaId: number): Promise<P>;
}

/**
 * Plans by schema ID. A build that fails for the message's sake (a non-retriable DecodeError:
 * unknown ID, wrong format, a schema that cannot be read) stays refused; any failure of the
 * environment (registry down, or refusing the credentials until someone fixes them) is tried again.
 */
export function createPlanCache<P>(build: (schemaId: number) => Promise<P>): PlanCache<P> {
  const plans = new Map<number, P>();
  const pending = new Map<number, Promise<P>>();
  return {
    cached: (schemaId) => plans.get(schemaId),
    load(schemaId) {
      const inFlight = pending.get(schemaId);
      if (inFlight) return inFlight;
      const loading = build(schemaId).then((plan) => {
        plans.set(schemaId, plan);
        return plan;
      });
      pending.set(schemaId, loading);
      loading.catch((error: unknown) => {
        if (!(error instanceof DecodeError) || error.retriable) pending.delete(schemaId);
      });
      return loading;
    },
  };
}
