/**
 * The registry's own verdicts for the local schemas (`contracts check --registry`).
 */
import type { JsonSchemaPolicy, ProtobufChecks } from '../compat';
import type { ContractsConfig } from '../config';
import type { SchemaRegistryClient } from '../registry';
import { lockBaseline } from './baseline';
import { type LocalSubject, readLocalSubjects } from './local';
import { pullRegistry } from './lock';
import { checkAgainstBaseline } from './offline';
import { origin } from './origin';
import { planRegistration } from './plan';
import type { CheckReport, LockFile, SubjectCheck } from './types';

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
  /** Protobuf: Confluent\'s verdict (default), or buf breaking\'s WIRE / WIRE_JSON beside it. */
  protobufChecks?: ProtobufChecks;
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
    const against =
      s.status !== 'new-version' || !s.verdict ? [] : s.verdict.against === 'all' ? versions : versions.slice(-1);
    return {
      ...origin(s),
      status: s.status,
      level,
      compatible: s.verdict?.compatible ?? true,
      against,
      findings: s.verdict?.findings ?? [],
      messages: s.verdict?.messages ?? [],
      ...(s.verdict ? { source: s.verdict.source } : {}),
      ...(s.note ? { note: s.note } : {}),
      ...(s.error ? { error: s.error } : {}),
    };
  });
  const unexplained = subjects.filter((s) => !s.compatible && s.messages.length === 0 && s.findings.length === 0);
  if ((options.explain ?? true) && unexplained.length > 0) {
    await explainOffline(options, locals, unexplained);
  }
  return { kind: 'registry', baseline: plan.registryUrl, compatible: plan.compatible, failed: plan.failed, subjects };
}

/** The offline checker's findings for verdicts the registry gave without reasons; best effort. */
async function explainOffline(
  options: RegistryCheckOptions,
  locals: LocalSubject[],
  unexplained: SubjectCheck[],
): Promise<void> {
  let lock: LockFile;
  try {
    lock = await pullRegistry({ registry: options.registry, subjects: unexplained.map((s) => s.subject) });
  } catch {
    // the verdicts stand without reasons; a registry failure here is not the user's to fix
    return;
  }
  const levels = new Map(unexplained.map((s) => [s.subject, s.level]));
  const offline = checkAgainstBaseline({
    config: options.config,
    baseline: lockBaseline(lock, options.registry.url),
    subjects: locals,
    only: new Set(levels.keys()),
    levelOf: (local) => levels.get(local.subject) ?? local.level,
    policy: options.policy,
    protobufChecks: options.protobufChecks,
  });
  for (const check of unexplained) {
    const found = offline.subjects.find((o) => o.subject === check.subject);
    if (!found || found.findings.length === 0) continue;
    check.findings = found.findings;
    const why = "the registry gave no reasons; the findings are the offline checker's against its versions";
    check.note = check.note ? `${check.note}; ${why}` : why;
  }
}
