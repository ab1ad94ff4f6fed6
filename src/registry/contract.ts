/**
 * A topic contract against a registry: register its schemas (dependencies first, references with
 * the versions the registry gave), or look up the IDs the producer frames messages with.
 */
import type { RegisteredSchemaSpec, TopicContract } from '../contract';
import { RegistryError } from '../errors';
import { jsonReferencesRefused, refusesJsonReferences, registerReferencesFeature } from './capabilities';
import { ensureSubjectLevel, setDeferredLevel } from './levels';
import type { SchemaInput, SchemaRegistryClient } from './types';

export interface RegisteredSubject {
  id: number;
  version: number;
}

/** The contract's schemas as the registry knows them; looser than TopicContract so any contract fits. */
export type ContractSchemas = Pick<TopicContract, 'schemas'> & Partial<Pick<TopicContract, 'compatibility'>>;

/**
 * Registers every schema of the contract under its subject, dependencies first, after giving each
 * subject the contract's compatibility level (as `contracts register` does, through the same
 * code: src/registry/levels.ts). Idempotent: a schema already registered keeps its ID and version.
 * Returns subject → { id, version }.
 */
export async function registerContract(
  contract: ContractSchemas,
  registry: SchemaRegistryClient,
): Promise<Record<string, RegisteredSubject>> {
  const done: Record<string, RegisteredSubject> = {};
  const level = contract.compatibility;
  for (const spec of contract.schemas) {
    const input = toInput(spec, done);
    const set = level ? await ensureSubjectLevel(registry, spec.subject, level) : { deferred: false };
    try {
      await registry.register(spec.subject, input);
    } catch (error) {
      const feature = registerReferencesFeature(spec.schemaType);
      if (feature && input.references && input.references.length > 0 && refusesJsonReferences(error)) {
        registry.capabilities?.fallback(feature, error);
        throw jsonReferencesRefused(error, spec.subject, spec.file);
      }
      throw error;
    }
    if (level && set.deferred) await setDeferredLevel(registry, spec.subject, level);
    const found = await registry.lookup(spec.subject, input);
    done[spec.subject] = { id: found.id, version: found.version };
  }
  return done;
}

/**
 * Resolves the ID of each subject's schema once (lookups only: nothing is registered) and caches
 * it. Looking up a schema needs the versions of the schemas it references, so those come first.
 */
export function createSchemaIdResolver(
  contract: ContractSchemas,
  registry: SchemaRegistryClient,
): (subject: string) => Promise<RegisteredSubject> {
  const specs = new Map(contract.schemas.map((s) => [s.subject, s]));
  const cache = new Map<string, Promise<RegisteredSubject>>();
  const resolve = (subject: string): Promise<RegisteredSubject> => {
    const hit = cache.get(subject);
    if (hit) return hit;
    const pending = (async () => {
      const spec = specs.get(subject);
      if (!spec) {
        throw new RegistryError(
          registry.url,
          undefined,
          undefined,
          `the contract has no schema for subject "${subject}"`,
          {
            hint: 'run `npx contracts generate` so the generated contract lists every subject',
          },
        );
      }
      const versions: Record<string, RegisteredSubject> = {};
      for (const ref of spec.references) versions[ref.subject] = await resolve(ref.subject);
      try {
        const found = await registry.lookup(subject, toInput(spec, versions));
        return { id: found.id, version: found.version };
      } catch (error) {
        if (error instanceof RegistryError && error.status === 404) {
          throw new RegistryError(
            error.url,
            error.status,
            error.registryCode,
            `subject "${subject}" has no version with the contract's schema (${spec.file}): ${error.message}`,
            {
              cause: error,
              hint: "register the contract's schemas first (`registerContract(contract, registry)` or `contracts register`), or regenerate the code if the schema changed",
            },
          );
        }
        throw error;
      }
    })();
    cache.set(subject, pending);
    pending.catch(() => cache.delete(subject));
    return pending;
  };
  return resolve;
}

function toInput(spec: RegisteredSchemaSpec, versions: Record<string, RegisteredSubject>): SchemaInput {
  return {
    schema: spec.schema,
    schemaType: spec.schemaType,
    references: spec.references.map((ref) => {
      const version = versions[ref.subject]?.version;
      if (version === undefined) {
        throw new RegistryError(
          '(contract)',
          undefined,
          undefined,
          `schema ${spec.subject} references ${ref.subject}, which is not listed before it`,
          {
            hint: 'run `npx contracts generate`: the generated contract lists dependencies first',
          },
        );
      }
      return { name: ref.name, subject: ref.subject, version };
    }),
  };
}
