/**
 * Two versions of a subject compared as the registry would judge the newer one: one operation
 * behind `contracts diff` and the UI's diff, so the same question gets the same answer. At a
 * transitive level the newer side is checked against every version up to the older side, not
 * only against it; comparing backwards in time (v3 → v1) checks the pair alone.
 */
import { checkCompatibility } from '../formats/compatibility';
import {
  type CompatibilityResult,
  type JsonSchemaPolicy,
  ProtobufChecks,
  type SchemaReference as CompatReference,
  type SchemaVersion,
} from '../compat';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type ContractsConfig, type SchemaFormat } from '../config';
import { findFormat, FORMATS } from '../formats';
import { RegistryError, UsageError } from '../errors';
import type { SchemaRegistryClient, StoredSchema } from '../registry/types';
import { readLocalSubjects, toCompatVersion as localCompatVersion, type LocalSubject } from './local';

export interface CompareOptions {
  registry: SchemaRegistryClient;
  subject: string;
  /**
   * The older side, a registered version; default: the one before `to` (the latest with `to: 'local'`).
   * With `to: 'local'` it only picks the version shown beside the draft: the verdict is the registry's
   * (the latest, or every version at a transitive level).
   */
  from?: number | 'latest';
  /** The newer side: a registered version (default the latest), the config's schema file, or `draft`. */
  to?: number | 'latest' | 'local' | 'draft';
  /**
   * With `to: 'draft'`: a schema's text (pasted in the UI), judged as the subject's next version, as
   * a local file is; it imports what the latest version imports (its references).
   */
  draft?: string;
  /** The config whose schema files `to: 'local'` reads (or already read subjects of it). */
  local?: { config: ContractsConfig } | { subjects: readonly LocalSubject[]; configFile: string };
  /** Level to judge at; default the subject's own, else (local) the config's, else the registry's global level. */
  level?: CompatibilityLevel;
  policy?: JsonSchemaPolicy;
  /** Protobuf: Confluent\'s verdict (default), or buf breaking\'s WIRE / WIRE_JSON beside it. */
  protobufChecks?: ProtobufChecks;
}

export interface ComparedSide {
  label: string;
  version?: number;
  id?: number;
  /** The local schema file (relative to the config) and its absolute path, for `to: 'local'`. */
  file?: string;
  path?: string;
  /** Schema text as registered (or as it would be). */
  schema: string;
  compat: SchemaVersion;
}

export interface Comparison {
  subject: string;
  format: SchemaFormat;
  level: CompatibilityLevel;
  levelSource: 'asked' | 'subject' | 'config' | 'global' | 'default';
  from: ComparedSide;
  to: ComparedSide;
  /** The registered versions `to` was checked against. */
  checkedAgainst: number[];
  /** Those versions as the checker read them, oldest first. */
  previous: SchemaVersion[];
  /** The offline checker's verdict, non-breaking differences included. */
  result: CompatibilityResult;
}

export async function compareVersions(options: CompareOptions): Promise<Comparison> {
  const { registry, subject } = options;
  if (options.level !== undefined && !(COMPATIBILITY_LEVELS as readonly string[]).includes(options.level)) {
    throw new UsageError(
      `unknown compatibility level "${String(options.level)}"`,
      `use one of ${COMPATIBILITY_LEVELS.join(', ')}`,
    );
  }
  const numbers = [
    ...(await registry.listVersions(subject).catch((error: unknown) => {
      // an unknown subject is a 404 (40401) from Confluent and Apicurio
      if (error instanceof RegistryError && error.status === 404) return [];
      throw error;
    })),
  ].sort((a, b) => a - b);
  if (numbers.length === 0) {
    throw new UsageError(
      `subject "${subject}" is not in the registry at ${registry.url}`,
      "list the subjects with `contracts ls`; `contracts apply` creates the config's subjects",
    );
  }
  const latest = numbers[numbers.length - 1]!;
  const versionNumber = (n: number) => {
    if (!numbers.includes(n))
      throw new UsageError(`subject "${subject}" has no version ${n}`, `its versions: ${numbers.join(', ')}`);
    return n;
  };
  const registered = async (n: number): Promise<ComparedSide & { schemaType: string }> => {
    const stored = await registry.getSubjectVersion(subject, n);
    return {
      schemaType: stored.schemaType,
      label: `v${stored.version}`,
      version: stored.version,
      id: stored.id,
      schema: stored.schema,
      compat: {
        ...(await registryCompatVersion(registry, stored)),
        version: stored.version,
        source: `${subject} v${stored.version}`,
      },
    };
  };

  let to: ComparedSide;
  let toNumber: number | undefined;
  let localLevel: CompatibilityLevel | undefined;
  if (options.to === 'local') {
    const local = localSubjectOf(options, subject);
    const bySubject = new Map(local.all.map((l) => [l.subject, l]));
    localLevel = local.subject.level;
    to = {
      label: local.subject.file,
      file: local.subject.file,
      path: local.subject.path,
      schema: local.subject.schema,
      compat: localCompatVersion(local.subject, (ref) => bySubject.get(ref.subject)!, {
        source: local.subject.file,
        version: latest + 1,
      }),
    };
  } else if (options.to === 'draft') {
    if (typeof options.draft !== 'string' || options.draft.trim() === '')
      throw new UsageError(
        `no draft schema to check against "${subject}"`,
        'paste the schema text of the next version',
      );
    const stored = await registry.getSubjectVersion(subject, latest);
    to = {
      label: 'pasted draft',
      schema: options.draft,
      compat: {
        ...(await registryCompatVersion(registry, { ...stored, schema: options.draft })),
        version: latest + 1,
        source: 'pasted draft',
      },
    };
  } else {
    toNumber = versionNumber(options.to === undefined || options.to === 'latest' ? latest : options.to);
    to = await registered(toNumber);
  }
  const index = toNumber === undefined ? numbers.length : numbers.indexOf(toNumber);
  const fromNumber = versionNumber(
    options.from === 'latest'
      ? latest
      : (options.from ?? (toNumber === undefined ? latest : index > 0 ? numbers[index - 1]! : toNumber)),
  );
  const from = await registered(fromNumber);
  const format = toFormat(from.schemaType);

  const { level, levelSource } = await levelFor(registry, subject, options.level, localLevel);
  // A local draft is the subject's next version whichever version `from` shows beside it: checked
  // as the registry will check it, against the latest and, at transitive levels, every version.
  // A registered `to` is the next version after `from`: checked against `from` and, at transitive
  // levels, every version before it; backwards in time (v3 → v1) only the pair.
  const draft = toNumber === undefined;
  const backwards = toNumber !== undefined && toNumber <= fromNumber;
  const earlier = draft ? numbers : backwards ? [fromNumber] : numbers.filter((v) => v <= fromNumber);
  const previous = await Promise.all(
    earlier.map(async (v) => (v === fromNumber ? from.compat : (await registered(v)).compat)),
  );
  const result = checkCompatibility({
    format,
    level,
    previous,
    candidate: to.compat,
    policy: options.policy,
    protobufChecks: options.protobufChecks,
    includeNonBreaking: true,
  });
  const transitive = level.endsWith('_TRANSITIVE');
  return {
    subject,
    format,
    level,
    levelSource,
    from: withoutType(from),
    to,
    checkedAgainst: level === 'NONE' ? [] : transitive ? earlier : earlier.slice(-1),
    previous: level === 'NONE' ? [] : transitive ? previous : previous.slice(-1),
    result,
  };
}

function withoutType({ schemaType: _type, ...side }: ComparedSide & { schemaType: string }): ComparedSide {
  return side;
}

function localSubjectOf(
  options: CompareOptions,
  subject: string,
): { subject: LocalSubject; all: readonly LocalSubject[] } {
  if (!options.local) {
    throw new UsageError(
      'comparing with the local schema needs a config',
      'run in a folder with contracts.config.json, or pass --config',
    );
  }
  const all = 'config' in options.local ? readLocalSubjects({ config: options.local.config }) : options.local.subjects;
  const configFile = 'config' in options.local ? options.local.config.configFile : options.local.configFile;
  const found = all.find((l) => l.subject === subject);
  if (!found) {
    throw new UsageError(
      `${configFile} registers no schema under "${subject}"`,
      `its subjects: ${all.map((l) => l.subject).join(', ')}`,
    );
  }
  return { subject: found, all };
}

async function levelFor(
  registry: SchemaRegistryClient,
  subject: string,
  asked: CompatibilityLevel | undefined,
  configLevel: CompatibilityLevel | undefined,
): Promise<{ level: CompatibilityLevel; levelSource: Comparison['levelSource'] }> {
  if (asked) return { level: asked, levelSource: 'asked' };
  const own = await registry.getCompatibility(subject);
  if (own) return { level: own, levelSource: 'subject' };
  if (configLevel) return { level: configLevel, levelSource: 'config' };
  const global = await registry.getCompatibility();
  return global ? { level: global, levelSource: 'global' } : { level: 'BACKWARD', levelSource: 'default' };
}

function toFormat(type: string): SchemaFormat {
  if (findFormat(type)) return type as SchemaFormat;
  throw new UsageError(
    `the compatibility checker reads ${FORMATS.map((f) => f.displayName).join(' and ')}, not ${type}`,
    "use the registry's own compatibility check for Protobuf subjects",
  );
}

/** A registered schema with every schema it imports, nested, as the offline checker takes it. */
export async function registryCompatVersion(
  registry: Pick<SchemaRegistryClient, 'getSubjectVersion'>,
  stored: StoredSchema,
  trail: string[] = [],
): Promise<SchemaVersion> {
  const references: CompatReference[] = [];
  for (const ref of stored.references) {
    const key = `${ref.subject}\u0000${ref.version}`;
    if (trail.includes(key)) continue; // registries refuse cycles; never loop on one
    const dependency = await registry.getSubjectVersion(ref.subject, ref.version);
    const nested = await registryCompatVersion(registry, dependency, [...trail, key]);
    references.push({ name: ref.name, schema: dependency.schema, references: nested.references ?? [] });
  }
  return { schema: stored.schema, references };
}
