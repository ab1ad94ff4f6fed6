/**
 * Compatibility checks of the local schemas: offline against a baseline (git ref or lock file, by
 * the kit's own checker in src/compat), or by the registry itself.
 */
import { checkCompatibility, type JsonSchemaPolicy, type SchemaVersion } from '../compat';
import type { CompatibilityLevel, ContractsConfig } from '../config';
import { BaselineError } from '../errors';
import type { SchemaRegistryClient } from '../registry';
import { type Baseline, type BaselineSubject, type BaselineVersion, lockBaseline } from './baseline';
import { type LocalSubject, readLocalSubjects, sameSchemaText, toCompatVersion } from './local';
import { pullRegistry } from './lock';
import { origin, planRegistration } from './plan';
import type { CheckReport, SubjectCheck } from './types';

export interface OfflineCheckOptions {
  config: ContractsConfig;
  baseline: Baseline;
  topic?: string;
  /** JSON Schema policy; default STRICT (Confluent's default). */
  policy?: JsonSchemaPolicy;
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
  const locals = options.subjects ?? readLocalSubjects({ config: options.config, topic: options.topic });
  const bySubject = new Map(locals.map((l) => [l.subject, l]));
  const localVersion = (local: LocalSubject): SchemaVersion =>
    toCompatVersion(local, (ref) => {
      const target = bySubject.get(ref.subject);
      if (!target) throw new BaselineError(local.file, `references ${ref.subject}, which the config does not define`);
      return target;
    }, { source: local.file });
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
      throw new BaselineError(baseline.description, `${local.subject} is ${history.format} there and ${local.format} in ${local.file}`, {
        hint: 'a subject cannot change its schema type; register the new format under a new subject',
      });
    }
    const candidate = localVersion(local);
    const previous = history.versions.map((v) => baselineVersion(history, v));
    if (previous.some((p) => sameResolved(p, candidate))) {
      return { ...base, status: 'unchanged', compatible: true, against: [] };
    }
    const transitive = local.level.endsWith('_TRANSITIVE');
    const against = local.level === 'NONE' ? [] : (transitive ? history.versions : history.versions.slice(-1)).map((v) => v.version);
    const result = checkCompatibility({
      format: local.format,
      level: local.level,
      previous,
      candidate: { ...candidate, version: (history.versions[history.versions.length - 1]?.version ?? 0) + 1 },
      policy: options.policy,
    });
    return { ...base, status: 'new-version', compatible: result.compatible, against, findings: result.findings };
  });
  return { kind: baseline.kind, baseline: baseline.description, compatible: subjects.every((s) => s.compatible), subjects };
}

function resolveBaselineRef(baseline: Baseline, ref: { subject: string; version?: number }, from: string): BaselineVersion {
  const found = baseline.subjects.get(ref.subject)?.versions.find((v) => v.version === ref.version);
  if (!found) {
    throw new BaselineError(from, `references ${ref.subject} version ${ref.version ?? '?'}, which ${baseline.description} does not contain`, {
      hint: 'write the lock file again with `contracts pull`',
    });
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
    return y !== undefined && x.name === y.name && sameResolved({ schema: x.schema, references: x.references }, { schema: y.schema, references: y.references });
  });
}

export interface RegistryCheckOptions {
  config: ContractsConfig;
  registry: SchemaRegistryClient;
  topic?: string;
  subjects?: LocalSubject[];
  /**
   * When the registry calls a change incompatible without saying why (Apicurio's ccompat API
   * returns no reasons), add the offline checker's findings against the registry's versions.
   * Default true.
   */
  explain?: boolean;
  policy?: JsonSchemaPolicy;
}

/**
 * The registry's own verdict for every local schema that would be a new version, at the level the
 * registry applies to the subject (its own, else the global one).
 */
export async function checkWithRegistry(options: RegistryCheckOptions): Promise<CheckReport> {
  const locals = options.subjects ?? readLocalSubjects({ config: options.config, topic: options.topic });
  const plan = await planRegistration({ ...options, subjects: locals });
  const subjects = plan.subjects.map((s): SubjectCheck => {
    const level = s.verdict?.level ?? s.registryLevel ?? plan.globalLevel ?? s.level;
    const versions = s.versions ?? [];
    const against = s.status !== 'new-version' || !s.verdict ? [] : s.verdict.against === 'all' ? versions : versions.slice(-1);
    return {
      ...origin(s),
      status: s.status,
      level,
      compatible: s.verdict?.compatible ?? true,
      against,
      findings: [],
      messages: s.verdict?.messages ?? [],
      ...(s.note ? { note: s.note } : {}),
    };
  });
  const unexplained = subjects.filter((s) => !s.compatible && s.messages.length === 0);
  if ((options.explain ?? true) && unexplained.length > 0) {
    const lock = await pullRegistry({ registry: options.registry, subjects: unexplained.map((s) => s.subject) });
    const levels = new Map(unexplained.map((s) => [s.subject, s.level]));
    const offline = checkAgainstBaseline({
      config: options.config,
      baseline: lockBaseline(lock, options.registry.url),
      subjects: locals,
      only: new Set(levels.keys()),
      levelOf: (local) => levels.get(local.subject) ?? local.level,
      policy: options.policy,
    });
    for (const check of unexplained) {
      const found = offline.subjects.find((o) => o.subject === check.subject);
      if (!found || found.findings.length === 0) continue;
      check.findings = found.findings;
      const why = 'the registry gave no reasons; the findings are the offline checker\'s against its versions';
      check.note = check.note ? `${check.note}; ${why}` : why;
    }
  }
  return { kind: 'registry', baseline: plan.registryUrl, compatible: plan.compatible, subjects };
}
