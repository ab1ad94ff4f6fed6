/**
 * `contracts diff`: two versions of a registered subject, or its latest version against the local
 * schema, as a semantic diff at the subject's level.
 */
import type { JsonSchemaPolicy, SchemaVersion } from '../compat';
import type { CompatibilityLevel, ContractsConfig, SchemaFormat } from '../config';
import { UsageError } from '../errors';
import type { SchemaRegistryClient } from '../registry';
import { lockBaseline } from './baseline';
import { diffVersions, type VersionDiff } from './diff';
import { readLocalSubjects, toCompatVersion } from './local';
import { pullRegistry } from './lock';

export interface SubjectDiffOptions {
  registry: SchemaRegistryClient;
  subject: string;
  /** Version to compare from; default: the one before `to` (or the latest with `local`). */
  from?: number;
  /** Version to compare to; default: the latest. Ignored with `local`. */
  to?: number;
  /** Compare with the local schema of the subject (the config's). */
  local?: { config: ContractsConfig };
  policy?: JsonSchemaPolicy;
}

export interface SubjectDiff extends VersionDiff {
  subject: string;
  registryUrl: string;
  /** `v3`, or the local file. */
  fromLabel: string;
  toLabel: string;
  /** Where the level came from. */
  levelSource: 'subject' | 'config' | 'global' | 'default';
  /** The local schema file, when `to` is local. */
  file?: string;
  path?: string;
}

export async function diffSubject(options: SubjectDiffOptions): Promise<SubjectDiff> {
  const { registry, subject } = options;
  const lock = await pullRegistry({ registry, subjects: [subject] });
  const entry = lock.subjects[subject];
  if (!entry || entry.versions.length === 0) {
    throw new UsageError(`subject "${subject}" is not in the registry at ${registry.url}`, 'list the subjects with `contracts ls`; `contracts register` creates the config\'s subjects');
  }
  if (entry.schemaType === 'PROTOBUF') throw new UsageError(`subject "${subject}" holds Protobuf schemas, which the kit does not diff`);
  const format: SchemaFormat = entry.schemaType;
  const baseline = lockBaseline(lock, registry.url);
  const history = baseline.subjects.get(subject)!;
  const version = (n: number): SchemaVersion => {
    const v = history.versions.find((x) => x.version === n);
    if (!v) {
      throw new UsageError(`subject "${subject}" has no version ${n}`, `its versions: ${history.versions.map((x) => x.version).join(', ')}`);
    }
    return toCompatVersion(
      v,
      (ref) => baseline.subjects.get(ref.subject)!.versions.find((x) => x.version === ref.version)!,
      { version: v.version, source: `${subject} v${v.version}` },
    );
  };
  const numbers = history.versions.map((v) => v.version);
  const latest = numbers[numbers.length - 1] as number;

  let level: CompatibilityLevel | null = entry.compatibility;
  let levelSource: SubjectDiff['levelSource'] = 'subject';
  if (options.local) {
    const locals = readLocalSubjects({ config: options.local.config });
    const local = locals.find((l) => l.subject === subject);
    if (!local) {
      throw new UsageError(`--local: ${options.local.config.configFile} has no subject "${subject}"`, `its subjects: ${locals.map((l) => l.subject).join(', ')}`);
    }
    if (level === null) {
      level = local.level;
      levelSource = 'config';
    }
    const bySubject = new Map(locals.map((l) => [l.subject, l]));
    const candidate = toCompatVersion(local, (ref) => bySubject.get(ref.subject)!, { source: local.file, version: latest + 1 });
    const from = options.from ?? latest;
    const result = diffVersions({ format, level: level ?? lock.globalCompatibility ?? 'BACKWARD', previous: version(from), candidate, policy: options.policy });
    return {
      ...result,
      subject,
      registryUrl: registry.url,
      fromLabel: `v${from}`,
      toLabel: local.file,
      levelSource: level === null ? (lock.globalCompatibility ? 'global' : 'default') : levelSource,
      file: local.file,
      path: local.path,
    };
  }
  const to = options.to ?? latest;
  const index = numbers.indexOf(to);
  const from = options.from ?? (index > 0 ? (numbers[index - 1] as number) : to);
  if (level === null) levelSource = lock.globalCompatibility ? 'global' : 'default';
  const result = diffVersions({
    format,
    level: level ?? lock.globalCompatibility ?? 'BACKWARD',
    previous: version(from),
    candidate: version(to),
    policy: options.policy,
  });
  return { ...result, subject, registryUrl: registry.url, fromLabel: `v${from}`, toLabel: `v${to}`, levelSource };
}
