/**
 * Registration as a pipeline: read the local subjects → plan (ask the registry what each would
 * become, and its verdict on each change, writing nothing) → apply (set each subject's level, then
 * register). Works against Confluent Schema Registry and Apicurio's ccompat API alike; where they
 * differ (Apicurio refuses a level for a subject that has no version yet) the code says so.
 */
import type { CompatibilityLevel, ContractsConfig } from '../config';
import { BaselineError, ContractsError, RegistryError } from '../errors';
import {
  cannotTestWithReferences,
  ensureSubjectLevel,
  jsonReferencesRefused,
  referencesFeature,
  refusesJsonReferences,
  setDeferredLevel,
  type SchemaInput,
  type SchemaReference,
  type SchemaRegistryClient,
} from '../registry';
import { registerReferencesFeature } from '../registry/capabilities';
import { type LocalSubject, readLocalSubjects } from './local';
import { lockBaseline } from './baseline';
import { pullRegistry } from './lock';
import { checkAgainstBaseline } from './offline';
import { origin } from './origin';
import type {
  AppliedSubject,
  PlannedSubject,
  RegistrationPlan,
  RegistrationResult,
  RegistryVerdict,
  SubjectFailure,
} from './types';

export interface RegistrationOptions {
  config: ContractsConfig;
  registry: SchemaRegistryClient;
  /** Only this topic's subjects. */
  topic?: string;
  /** Already-read local subjects (tests, tools); default: read from the config. */
  subjects?: LocalSubject[];
}

export function isTransitive(level: CompatibilityLevel): boolean {
  return level.endsWith('_TRANSITIVE');
}

function isNotFound(error: unknown): error is RegistryError {
  return error instanceof RegistryError && error.status === 404;
}

/**
 * What `contracts register` would do, subject by subject, without writing anything: unchanged
 * (the registry holds the schema: same version and ID), new version (with the registry's verdict
 * at the level it applies now) or new subject.
 */
export async function planRegistration(options: RegistrationOptions): Promise<RegistrationPlan> {
  const { registry } = options;
  const locals = options.subjects ?? readLocalSubjects({ config: options.config, topic: options.topic });
  const existing = new Set(await registry.listSubjects());
  const globalLevel = await registry.getCompatibility();
  // The version each subject's schema has (unchanged) or would reference now (its latest, when
  // the local schema is a new version that does not exist yet).
  const registered = new Map<string, number>();
  const latest = new Map<string, number>();
  const pending = new Set<string>();
  const subjects: PlannedSubject[] = [];
  const offline: OfflinePending[] = [];

  for (const local of locals) {
    const base = { ...origin(local), level: local.level };
    if (!existing.has(local.subject)) {
      pending.add(local.subject);
      subjects.push({ ...base, status: 'new-subject', registryLevel: null });
      continue;
    }
    try {
      subjects.push(await planExisting(local));
    } catch (error) {
      // One subject the registry fails on never hides the verdicts of the others; a registry that
      // cannot be reached or refuses the credentials fails them all, so that stops the plan.
      if (!isSubjectFailure(error)) throw error;
      pending.add(local.subject);
      subjects.push({ ...base, status: 'new-version', registryLevel: null, error: toFailure(error) });
    }
  }

  async function planExisting(local: LocalSubject): Promise<PlannedSubject> {
    const base = { ...origin(local), level: local.level };
    const [registryLevel, versions] = await Promise.all([
      registry.getCompatibility(local.subject),
      registry.listVersions(local.subject),
    ]);
    const latestVersion = versions[versions.length - 1];
    if (latestVersion !== undefined) latest.set(local.subject, latestVersion);
    const waitingFor = local.references.filter((r) => pending.has(r.subject)).map((r) => r.subject);

    if (waitingFor.length === 0) {
      const input = toInput(local, (subject) => registered.get(subject));
      try {
        const found = await registry.lookup(local.subject, input);
        registered.set(local.subject, found.version);
        return {
          ...base,
          status: 'unchanged',
          registryLevel,
          current: { version: found.version, id: found.id },
          latestVersion,
          versions,
        };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }

    pending.add(local.subject);
    // `contracts register` sets the config's level before it registers, so that is the level of
    // the verdict; a registry can only be asked at the level it applies now.
    const applied = registryLevel ?? globalLevel ?? 'BACKWARD';
    const level = local.level;
    const planned: PlannedSubject = { ...base, status: 'new-version', registryLevel, latestVersion, versions };
    const newSubjects = waitingFor.filter((s) => !latest.has(s));
    const notes: string[] = [];
    if (newSubjects.length > 0) {
      notes.push(`not asked: it references ${newSubjects.join(', ')}, which must be registered first`);
    } else if (applied !== level) {
      notes.push(
        `the registry applies ${applied} now and \`contracts register\` sets ${level} first, so the kit's checker decided at ${level} against the registry's versions`,
      );
      offline.push({ planned, level, why: 'level' });
    } else if (local.references.length > 0 && registry.capabilities?.usesFallback(referencesFeature(local.format))) {
      offline.push({ planned, level, why: 'references' });
    } else {
      // A referenced subject that changes too is referenced at its current version here; its own
      // change gets its own verdict on its subject.
      const input = toInput(local, (subject) => registered.get(subject) ?? latest.get(subject));
      try {
        planned.verdict = await askVerdict(registry, local.subject, input, level);
        if (local.references.length > 0) registry.capabilities?.supported(referencesFeature(local.format));
        if (waitingFor.length > 0) {
          notes.push(
            `asked with ${waitingFor.map((s) => `${s} v${latest.get(s)}`).join(', ')} (current versions; their own changes are checked on their subjects)`,
          );
        }
      } catch (error) {
        // Apicurio 3.0 answers 422 "invalid Avro schema" (Avro) or 500 MalformedURLException (JSON
        // Schema $ref) to compatibility tests of schemas with references, though it registers
        // them; the kit's checker decides instead, and says so.
        if (!cannotTestWithReferences(error, local.references.length > 0)) throw error;
        registry.capabilities?.fallback(referencesFeature(local.format), error);
        offline.push({ planned, level, why: 'references' });
      }
    }
    if (notes.length > 0) planned.note = notes.join('; ');
    return planned;
  }

  if (offline.length > 0) {
    try {
      await decideOffline(registry, locals, offline);
    } catch (error) {
      if (!isSubjectFailure(error) && !(error instanceof BaselineError)) throw error;
      for (const { planned } of offline) planned.error = toFailure(error);
    }
  }
  return {
    registryUrl: registry.url,
    globalLevel,
    subjects,
    compatible: subjects.every((s) => s.verdict?.compatible !== false),
    failed: subjects.filter((s) => s.error).length,
  };
}

/** A failure of the registry on one subject (it answered with an error), not of the registry as a whole. */
function isSubjectFailure(error: unknown): error is RegistryError {
  return error instanceof RegistryError && error.status !== undefined && error.code === 'REGISTRY_HTTP';
}

function toFailure(error: ContractsError): SubjectFailure {
  const status = error instanceof RegistryError ? error.status : undefined;
  return {
    code: error.code,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(status ? { status } : {}),
  };
}

/** A subject the kit's checker decides: the registry applies another level now, or cannot test it. */
interface OfflinePending {
  planned: PlannedSubject;
  level: CompatibilityLevel;
  why: 'level' | 'references';
}

/** The kit's checker against the registry's versions, for subjects the registry cannot test. */
async function decideOffline(
  registry: SchemaRegistryClient,
  locals: LocalSubject[],
  pending: OfflinePending[],
): Promise<void> {
  const levels = new Map(pending.map((p) => [p.planned.subject, p.level]));
  const lock = await pullRegistry({ registry, subjects: [...levels.keys()] });
  const report = checkAgainstBaseline({
    baseline: lockBaseline(lock, registry.url),
    subjects: locals,
    only: new Set(levels.keys()),
    levelOf: (local) => levels.get(local.subject) ?? local.level,
  });
  for (const { planned, level, why: reason } of pending) {
    const local = locals.find((l) => l.subject === planned.subject);
    const check = report.subjects.find((s) => s.subject === planned.subject);
    if (!check) continue;
    planned.verdict = {
      compatible: check.compatible,
      level,
      against: isTransitive(level) ? 'all' : 'latest',
      messages: [],
      source: 'offline',
      findings: check.findings,
    };
    if (reason !== 'references') continue;
    const state = local ? registry.capabilities?.get(referencesFeature(local.format)) : undefined;
    const answered = state?.state === 'fallback' ? ` (it answered ${state.status})` : '';
    const why = `the registry cannot test schemas with references${answered}, so the kit's checker decided against the registry's versions`;
    planned.note = planned.note ? `${why}; ${planned.note}` : why;
  }
}

/** The registry's verdict at `level`: transitive levels are checked against every version. */
export async function askVerdict(
  registry: SchemaRegistryClient,
  subject: string,
  input: SchemaInput,
  level: CompatibilityLevel,
): Promise<RegistryVerdict> {
  const against = isTransitive(level) ? 'all' : 'latest';
  const result = await registry.testCompatibility(subject, input, { against });
  return { compatible: result.isCompatible, level, against, messages: result.messages, source: 'registry' };
}

/**
 * Registers every local schema under its subject, dependencies first, after setting the subject's
 * level from the config. Idempotent: an unchanged schema keeps its version and ID.
 * Throws a ContractsError with code INCOMPATIBLE (exit 1) when the registry refuses a change.
 */
export async function applyRegistration(options: RegistrationOptions): Promise<RegistrationResult> {
  const { registry } = options;
  const locals = options.subjects ?? readLocalSubjects({ config: options.config, topic: options.topic });
  const existing = new Set(await registry.listSubjects());
  const versions = new Map<string, number>();
  const subjects: AppliedSubject[] = [];

  for (const local of locals) {
    const input = toInput(local, (subject) => versions.get(subject));
    let found: { id: number; version: number } | undefined;
    if (existing.has(local.subject)) {
      try {
        found = await registry.lookup(local.subject, input);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    // the same level-setting as registerContract (src/registry/levels.ts)
    const level = await ensureSubjectLevel(registry, local.subject, local.level);
    let levelChanged: AppliedSubject['levelChanged'] = level.changed;

    if (found) {
      if (level.deferred) levelChanged = await setDeferredLevel(registry, local.subject, local.level);
      versions.set(local.subject, found.version);
      subjects.push({
        ...origin(local),
        status: 'unchanged',
        id: found.id,
        version: found.version,
        level: local.level,
        levelChanged,
      });
      continue;
    }

    const isNew = !existing.has(local.subject);
    try {
      await registry.register(local.subject, input);
    } catch (error) {
      const feature = registerReferencesFeature(local.format);
      if (feature && local.references.length > 0 && refusesJsonReferences(error)) {
        registry.capabilities?.fallback(feature, error);
        throw jsonReferencesRefused(error, local.subject, local.file);
      }
      if (error instanceof RegistryError && error.status === 409) {
        throw new ContractsError(
          'INCOMPATIBLE',
          `the registry at ${registry.url} refused ${local.subject} (${local.file}) as incompatible at ${local.level}: ${error.message}`,
          {
            cause: error,
            hint: `run \`contracts check --registry\` or \`contracts register --dry-run\` to see every verdict; make the change compatible (e.g. give new fields defaults) or move it to a new subject${
              subjects.length > 0
                ? `; ${subjects.map((s) => s.subject).join(', ')} were registered before the refusal`
                : ''
            }`,
          },
        );
      }
      throw error;
    }
    const stored = await registry.lookup(local.subject, input);
    if (level.deferred) levelChanged = await setDeferredLevel(registry, local.subject, local.level);
    versions.set(local.subject, stored.version);
    subjects.push({
      ...origin(local),
      status: isNew ? 'new-subject' : 'new-version',
      id: stored.id,
      version: stored.version,
      level: local.level,
      levelChanged,
    });
  }
  return { registryUrl: registry.url, subjects };
}

/** The registry request for a local schema; `versionOf` gives each referenced subject's version. */
export function toInput(local: LocalSubject, versionOf: (subject: string) => number | undefined): SchemaInput {
  const references: SchemaReference[] = local.references.map((ref) => {
    const version = versionOf(ref.subject);
    if (version === undefined) {
      throw new ContractsError('INTERNAL', `${local.subject} references ${ref.subject}, which has no version yet`, {
        hint: 'the config lists schemas dependencies first; file an issue with your contracts.config.json',
      });
    }
    return { name: ref.name, subject: ref.subject, version };
  });
  return { schema: local.schema, schemaType: local.format, references };
}
