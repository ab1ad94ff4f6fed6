/**
 * Setting a subject's own compatibility level before its schema is registered: one code path for
 * `contracts register` and `registerContract` (what services and `npm start` call), so both leave
 * the registry with the levels the config names.
 */
import type { CompatibilityLevel } from '../config';
import { RegistryError } from '../errors';
import { REGISTRY_ERROR_CODES, type SchemaRegistryClient } from './types';

/** A level that was changed; `from` null: the subject had none of its own. */
export interface LevelChange {
  from: CompatibilityLevel | null;
  to: CompatibilityLevel;
}

/**
 * Gives `subject` the level `level` unless it has it. `deferred` when the registry refuses a
 * level for a subject without versions (Apicurio 3.0: 404 40401; Confluent accepts it): set it
 * with `setDeferredLevel` right after the first version, which is checked against nothing, so the
 * outcome is the same.
 */
export async function ensureSubjectLevel(
  registry: SchemaRegistryClient,
  subject: string,
  level: CompatibilityLevel,
): Promise<{ changed?: LevelChange; deferred: boolean }> {
  const from = await registry.getCompatibility(subject);
  if (from === level) return { deferred: false };
  try {
    await registry.setCompatibility(level, subject);
    return { changed: { from, to: level }, deferred: false };
  } catch (error) {
    if (
      error instanceof RegistryError &&
      error.status === 404 &&
      error.registryCode === REGISTRY_ERROR_CODES.SUBJECT_NOT_FOUND
    ) {
      return { deferred: true };
    }
    throw error;
  }
}

/** The second half of a deferred `ensureSubjectLevel`, once the subject has its first version. */
export async function setDeferredLevel(
  registry: SchemaRegistryClient,
  subject: string,
  level: CompatibilityLevel,
): Promise<LevelChange> {
  await registry.setCompatibility(level, subject);
  return { from: null, to: level };
}
