/**
 * The local side of every subject: what the config and the schema files say should be registered,
 * read through codegen's readers (the same subjects, references and schema text `contracts
 * generate` puts into the generated contracts).
 */
import { resolve } from 'node:path';
import { readTopics } from '../../codegen';
import type { TopicModel } from '../../codegen';
import type { CompatibilityLevel, ContractsConfig, SchemaFormat } from '../config';
import { ConfigError, UsageError } from '../errors';
import type { SchemaReference as CompatReference, SchemaVersion } from '../compat';

export interface LocalSubject {
  subject: string;
  topic: string;
  format: SchemaFormat;
  /** The level the config gives the subject's topic. */
  level: CompatibilityLevel;
  /** Schema text exactly as it is registered (minified JSON). */
  schema: string;
  /** Imports, by the name the schema uses and the subject that holds them. */
  references: Array<{ name: string; subject: string }>;
  /** The schema file, relative to the config file's folder. */
  file: string;
  /** The schema file, absolute. */
  path: string;
}

export interface LocalSubjectsOptions {
  config: ContractsConfig;
  /** Only this topic's subjects (and those they reference). */
  topic?: string;
}

/** Every subject of the config, dependencies first, each once. */
export function readLocalSubjects(options: LocalSubjectsOptions): LocalSubject[] {
  const { config, topic } = options;
  if (topic !== undefined && !config.topics.some((t) => t.name === topic)) {
    throw new UsageError(
      `--topic ${topic}: no such topic in ${config.configFile}`,
      `use one of ${config.topics.map((t) => t.name).join(', ')}`,
    );
  }
  const chosen = topic === undefined ? config : { ...config, topics: config.topics.filter((t) => t.name === topic) };
  return subjectsOfTopics(readTopics(chosen), config);
}

/** The subjects of models read by `readTopics`; a subject two topics share must be the same schema. */
export function subjectsOfTopics(
  models: readonly TopicModel[],
  config: Pick<ContractsConfig, 'rootDir' | 'configFile'>,
): LocalSubject[] {
  const bySubject = new Map<string, LocalSubject>();
  for (const model of models) {
    for (const spec of model.schemas) {
      const entry: LocalSubject = {
        subject: spec.subject,
        topic: model.config.name,
        format: spec.schemaType,
        level: model.config.compatibility,
        schema: spec.schema,
        references: spec.references.map((r) => ({ name: r.name, subject: r.subject })),
        file: spec.file,
        path: resolve(config.rootDir, spec.file),
      };
      const seen = bySubject.get(spec.subject);
      if (!seen) {
        bySubject.set(spec.subject, entry);
      } else if (seen.schema !== entry.schema || seen.format !== entry.format) {
        throw new ConfigError(
          config.configFile,
          `subject "${spec.subject}" gets two different schemas (${seen.file} in topic ${seen.topic}, ${entry.file} in topic ${entry.topic})`,
          { hint: 'give the topics one shared schema file for the subject, or use TopicRecordNameStrategy' },
        );
      }
    }
  }
  return [...bySubject.values()];
}

/** A schema plus what it imports, by subject; enough to resolve references without a registry. */
export interface SchemaWithRefs {
  schema: string;
  references: ReadonlyArray<{ name: string; subject: string; version?: number }>;
}

/**
 * Turns a schema whose references name subjects into the checker's input, where every reference
 * carries its schema text (nested imports included). `resolveRef` finds the referenced schema.
 */
export function toCompatVersion(
  root: SchemaWithRefs,
  resolveRef: (ref: { name: string; subject: string; version?: number }) => SchemaWithRefs,
  extra: Pick<SchemaVersion, 'version' | 'source'> = {},
): SchemaVersion {
  const build = (refs: SchemaWithRefs['references'], trail: string[]): CompatReference[] =>
    refs.map((ref) => {
      const key = `${ref.subject}@${ref.version ?? ''}`;
      // registries refuse cycles; stop instead of recursing forever on a hand-edited lock file
      if (trail.includes(key)) return { name: ref.name, schema: resolveRef(ref).schema };
      const target = resolveRef(ref);
      return { name: ref.name, schema: target.schema, references: build(target.references, [...trail, key]) };
    });
  return { schema: root.schema, references: build(root.references, []), ...extra };
}

/** Schema text compared as JSON (whitespace and key order of the text do not count). */
export function sameSchemaText(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
