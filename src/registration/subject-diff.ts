/**
 * `contracts diff`: two versions of a registered subject, or its latest version against the local
 * schema, as a semantic diff at the subject's level; the verdict is `compareVersions`', the one
 * the UI shows too (history-aware at transitive levels).
 */
import type { JsonSchemaPolicy, ProtobufChecks } from '../compat';
import type { ContractsConfig } from '../config';
import type { SchemaRegistryClient } from '../registry';
import { compareVersions } from './compare';
import { diffVersions, type VersionDiff } from './diff';

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
  /** Protobuf: Confluent\'s verdict (default), or buf breaking\'s WIRE / WIRE_JSON beside it. */
  protobufChecks?: ProtobufChecks;
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
  const comparison = await compareVersions({
    registry: options.registry,
    subject: options.subject,
    from: options.from,
    to: options.local ? 'local' : options.to,
    local: options.local,
    policy: options.policy,
    protobufChecks: options.protobufChecks,
  });
  const { from, to } = comparison;
  // the changes are those from `from` to `to`; the verdict is the one the registry would give
  // (compareVersions: at transitive levels against every earlier version too, and a local draft
  // against the latest version even when `from` is an older one)
  const result = diffVersions({
    format: comparison.format,
    level: comparison.level,
    previous: from.compat,
    candidate: to.compat,
    policy: options.policy,
    protobufChecks: options.protobufChecks,
    verdict: {
      compatible: comparison.result.compatible,
      findings: comparison.result.findings.filter((f) => f.breaking),
    },
  });
  return {
    ...result,
    subject: options.subject,
    registryUrl: options.registry.url,
    fromLabel: from.label,
    toLabel: to.label,
    levelSource: comparison.levelSource === 'asked' ? 'subject' : comparison.levelSource,
    ...(to.file !== undefined ? { file: to.file, path: to.path } : {}),
  };
}
