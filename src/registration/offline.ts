/**
 * The offline check: local schemas against a baseline (git ref or lock file) by the kit's own
 * checker (src/compat). No registry, no JVM.
 */
import { checkCompatibility } from '../formats/compatibility';
import { type JsonSchemaPolicy, ProtobufChecks, type SchemaVersion } from '../compat';
import type { CompatibilityLevel, ContractsConfig } from '../config';
import { BaselineError, ContractsError } from '../errors';
import type { Baseline, BaselineSubject, BaselineVersion } from './baseline';
import { type LocalSubject, readLocalSubjects, sameSchemaText, toCompatVersion } from './local';
import { origin } from './origin';
import type { CheckReport, SubjectCheck } from './types';

export interface OfflineCheckOptions {
  /** Read for the local subjects unless `subjects` gives them. */
  config?: ContractsConfig;
  baseline: Baseline;
  topic?: string;
  /** JSON Schema policy; default STRICT (Confluent's default). */
  policy?: JsonSchemaPolicy;
  /** Protobuf: Confluent\'s verdict (default), or buf breaking\'s WIRE / WIRE_JSON beside it. */
  protobufChecks?: ProtobufChecks;
  subjects?: LocalSubject[];
  /** Check only these subjects (the others still resolve references). */
  only?: ReadonlySet<string>;
  /** Check at this level instead of the config's (e.g. the level a registry applies). */
  levelOf?: (local: LocalSubject) => CompatibilityLevel;
}

/**
 * Each local subject against its baseline history at the config's level: transitive levels use
 * every version the baseline has, the others the latest. A schema the baseline already holds is
 * unchanged (as a registry would return the existing version); a subject it lacks is new.
 */
export function checkAgainstBaseline(options: OfflineCheckOptions): CheckReport {
  const { baseline } = options;
  const locals = options.subjects ?? readLocalSubjects({ config: requireConfig(options.config), topic: options.topic });
  const bySubject = new Map(locals.map((l) => [l.subject, l]));
  const localVersion = (local: LocalSubject): SchemaVersion =>
    toCompatVersion(
      local,
      (ref) => {
        const target = bySubject.get(ref.subject);
        if (!target) throw new BaselineError(local.file, `references ${ref.subject}, which the config does not define`);
        return target;
      },
      { source: local.file },
    );
  const baselineVersion = (subject: BaselineSubject, v: BaselineVersion): SchemaVersion =>
    toCompatVersion(v, (ref) => resolveBaselineRef(baseline, ref, v.source), { version: v.version, source: v.source });

  const chosen = options.only ? locals.filter((l) => options.only?.has(l.subject)) : locals;
  const subjects: SubjectCheck[] = chosen.map((configured): SubjectCheck => {
    const local = options.levelOf ? { ...configured, level: options.levelOf(configured) } : configured;
    const base = { ...origin(local), level: local.level, findings: [], messages: [] };
    const history = baseline.subjects.get(local.subject);
    if (!history || history.versions.length === 0) {
      return { ...base, status: 'new-subject', compatible: true, against: [] };
    }
    if (history.format !== local.format) {
      throw new BaselineError(
        baseline.description,
        `${local.subject} is ${history.format} there and ${local.format} in ${local.file}`,
        {
          hint: 'a subject cannot change its schema type; register the new format under a new subject',
        },
      );
    }
    const candidate = localVersion(local);
    const previous = history.versions.map((v) => baselineVersion(history, v));
    if (previous.some((p) => sameResolved(p, candidate))) {
      return { ...base, status: 'unchanged', compatible: true, against: [] };
    }
    const transitive = local.level.endsWith('_TRANSITIVE');
    const against =
      local.level === 'NONE' ? [] : (transitive ? history.versions : history.versions.slice(-1)).map((v) => v.version);
    const result = checkCompatibility({
      format: local.format,
      level: local.level,
      previous,
      candidate: { ...candidate, version: (history.versions[history.versions.length - 1]?.version ?? 0) + 1 },
      policy: options.policy,
      protobufChecks: options.protobufChecks,
    });
    return { ...base, status: 'new-version', compatible: result.compatible, against, findings: result.findings };
  });
  return {
    kind: baseline.kind,
    baseline: baseline.description,
    compatible: subjects.every((s) => s.compatible),
    subjects,
  };
}

function requireConfig(config: ContractsConfig | undefined): ContractsConfig {
  if (!config) throw new ContractsError('INTERNAL', 'checkAgainstBaseline needs `config` or `subjects`');
  return config;
}

function resolveBaselineRef(
  baseline: Baseline,
  ref: { subject: string; version?: number },
  from: string,
): BaselineVersion {
  const found = baseline.subjects.get(ref.subject)?.versions.find((v) => v.version === ref.version);
  if (!found) {
    throw new BaselineError(
      from,
      `references ${ref.subject} version ${ref.version ?? '?'}, which ${baseline.description} does not contain`,
      {
        hint: 'write the lock file again with `contracts pull`',
      },
    );
  }
  return found;
}

/** Same schema text and same resolved imports: what the registry would find as already registered. */
function sameResolved(a: SchemaVersion, b: SchemaVersion): boolean {
  if (!sameSchemaText(String(a.schema), String(b.schema))) return false;
  const ra = a.references ?? [];
  const rb = b.references ?? [];
  if (ra.length !== rb.length) return false;
  return ra.every((x, i) => {
    const y = rb[i];
    return (
      y !== undefined &&
      x.name === y.name &&
      sameResolved({ schema: x.schema, references: x.references }, { schema: y.schema, references: y.references })
    );
  });
}
