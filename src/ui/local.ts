/**
 * The local side of "local file vs registered": the schemas the config's topics would register,
 * read by codegen's own readers, so the UI compares exactly what `contracts register` would send.
 */
import { readTopics } from '../../codegen';
import type { ContractsConfig } from '../config';
import type { RegisteredSchemaSpec } from '../contract';

export interface LocalSchemas {
  /** The config file, or undefined when the UI runs without one. */
  readonly configFile: string | undefined;
  /** Subject → the schema the config would register under it. Throws SchemaFileError for a bad file. */
  bySubject(): Map<string, RegisteredSchemaSpec>;
}

export function createLocalSchemas(config: ContractsConfig | undefined): LocalSchemas {
  let cache: { at: number; map: Map<string, RegisteredSchemaSpec> } | undefined;
  return {
    configFile: config?.configFile,
    bySubject() {
      if (!config) return new Map();
      // re-read at most once a second: files edited while the UI runs show up on the next click
      if (cache && Date.now() - cache.at < 1000) return cache.map;
      const map = new Map<string, RegisteredSchemaSpec>();
      for (const topic of readTopics(config)) for (const spec of topic.schemas) map.set(spec.subject, spec);
      cache = { at: Date.now(), map };
      return map;
    },
  };
}
