/**
 * The local side of "local file vs registered": the subjects the config's topics would register,
 * read by the same operation as `contracts register` and `contracts diff --local`.
 */
import type { ContractsConfig } from '../config';
import { readLocalSubjects, type LocalSubject } from '../registration';

export interface LocalSchemas {
  /** The config file, or undefined when the UI runs without one. */
  readonly configFile: string | undefined;
  /** The config's subjects, dependencies first. Throws SchemaFileError for a bad file. */
  subjects(): LocalSubject[];
  /** Subject → its local schema. */
  bySubject(): Map<string, LocalSubject>;
}

export function createLocalSchemas(config: ContractsConfig | undefined): LocalSchemas {
  let cache: { at: number; list: LocalSubject[] } | undefined;
  const subjects = (): LocalSubject[] => {
    if (!config) return [];
    // re-read at most once a second: files edited while the UI runs show up on the next click
    if (cache && Date.now() - cache.at < 1000) return cache.list;
    cache = { at: Date.now(), list: readLocalSubjects({ config }) };
    return cache.list;
  };
  return {
    configFile: config?.configFile,
    subjects,
    bySubject: () => new Map(subjects().map((s) => [s.subject, s])),
  };
}
