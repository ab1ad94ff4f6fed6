/**
 * What registration, checks, lock files and diffs produce. All plain data: the CLI's printers
 * (src/cli/print) turn them into text, JSON or CI annotations; nothing here prints.
 */
import type { Finding } from '../compat';
import type { CompatibilityLevel, SchemaFormat } from '../config';
import type { SchemaType } from '../registry';

/** What registering the local schema would do to a subject. */
export type SubjectStatus = 'unchanged' | 'new-version' | 'new-subject';

/** The subject as a schema file of the config gives it. */
export interface SubjectOrigin {
  subject: string;
  topic: string;
  format: SchemaFormat;
  /** Schema file relative to the config file's folder. */
  file: string;
  /** Schema file, absolute. */
  path: string;
}

/** The registry's answer to "would this be the next version?". */
export interface RegistryVerdict {
  compatible: boolean;
  /** The level the registry applied (the subject's, else the global one). */
  level: CompatibilityLevel;
  /** `latest` for non-transitive levels, `all` versions for transitive ones. */
  against: 'latest' | 'all';
  /** The registry's reasons (verbose=true); Apicurio's ccompat API returns none. */
  messages: string[];
  /**
   * `offline` when the registry could not answer for this schema and the kit's checker decided
   * against the registry's versions (Apicurio 3.0's ccompat API answers 422 to compatibility tests
   * of Avro schemas with references, 500 to JSON Schemas with `$ref`s).
   */
  source: VerdictSource;
  /** The offline checker's findings (source `offline`). */
  findings?: Finding[];
}

export type VerdictSource = 'registry' | 'offline';

/** Why a subject got no verdict: the registry failed on it (the other subjects still get theirs). */
export interface SubjectFailure {
  code: string;
  message: string;
  hint?: string;
  /** HTTP status, when the registry answered. */
  status?: number;
}

export interface PlannedSubject extends SubjectOrigin {
  status: SubjectStatus;
  /** The level the config sets. */
  level: CompatibilityLevel;
  /** The subject's own level in the registry now; null when it has none (the global level applies). */
  registryLevel: CompatibilityLevel | null;
  /** The registered version that already holds the schema (unchanged). */
  current?: { version: number; id: number };
  /** The subject's latest version (unchanged and new-version). */
  latestVersion?: number;
  /** Every registered version of the subject. */
  versions?: number[];
  /** The registry's verdict for a new version; absent when it could not be asked (see `note`). */
  verdict?: RegistryVerdict;
  /** Why a verdict is approximate or missing. */
  note?: string;
  /** The registry failed on this subject: no verdict (exit 2 once every other subject is reported). */
  error?: SubjectFailure;
}

export interface RegistrationPlan {
  /** Registry URL without credentials. */
  registryUrl: string;
  globalLevel: CompatibilityLevel | null;
  subjects: PlannedSubject[];
  /** False when the registry called any change incompatible. */
  compatible: boolean;
  /** Subjects without a verdict because the registry failed on them. */
  failed: number;
}

export interface AppliedSubject extends SubjectOrigin {
  status: SubjectStatus;
  id: number;
  version: number;
  level: CompatibilityLevel;
  /** Set when the subject's level was changed (from null: it had none). */
  levelChanged?: { from: CompatibilityLevel | null; to: CompatibilityLevel };
}

export interface RegistrationResult {
  registryUrl: string;
  subjects: AppliedSubject[];
}

/** One subject's compatibility check, from the registry or offline. */
export interface SubjectCheck extends SubjectOrigin {
  status: SubjectStatus;
  /** The level checked. */
  level: CompatibilityLevel;
  compatible: boolean;
  /** Versions of the baseline the candidate was compared with. */
  against: number[];
  /** The offline checker's findings (breaking ones). */
  findings: Finding[];
  /** The registry's reasons (registry checks only). */
  messages: string[];
  /** Who decided a registry check: the registry, or the kit's checker where the registry could not. */
  source?: VerdictSource;
  note?: string;
  /** No verdict: the registry failed on this subject. */
  error?: SubjectFailure;
}

export interface CheckReport {
  /** Where the baseline came from. */
  kind: 'registry' | 'git' | 'lock';
  /** Registry URL, `git <ref>` or the lock file's path. */
  baseline: string;
  compatible: boolean;
  /** Subjects without a verdict (registry checks only). */
  failed?: number;
  subjects: SubjectCheck[];
}

/** A reference as the registry stores it. */
export interface LockReference {
  name: string;
  subject: string;
  version: number;
}

export interface LockVersion {
  version: number;
  id: number;
  schema: string;
  references: LockReference[];
}

export interface LockSubject {
  /** The subject's own level; null when it has none (the global level applies). */
  compatibility: CompatibilityLevel | null;
  schemaType: SchemaType;
  versions: LockVersion[];
}

/** `contracts pull`: every subject, version, ID, reference and level, as committed JSON. */
export interface LockFile {
  lockfileVersion: 1;
  /** Registry URL without credentials. */
  registry: string;
  globalCompatibility: CompatibilityLevel | null;
  subjects: Record<string, LockSubject>;
}
