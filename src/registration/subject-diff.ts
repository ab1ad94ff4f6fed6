/**
 * `contracts diff`: two versions of a registered subject, or its latest version against the local
 * schema, as a semantic diff at the subject's level; the verdict is `compareVersions`', the one
 * the UI shows too (history-aware at transitive levels).
 */
import type { JsonSchemaPolicy } from '../compat';
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
  });
  const { from, to } = comparison;
  // the verdict the registry would give: at transitive levels against every earlier version too
  const earlier = comparison.previous.filter((v) => v.version !== from.version);
  const result = diffVersions({
    format: comparison.format,
    level: comparison.level,
    previous: from.compat,
    candidate: to.compat,
    history: earlier,
    policy: options.policy,
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
