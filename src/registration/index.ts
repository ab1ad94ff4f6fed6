/**
 * Registering contracts and checking their compatibility: plan and apply registration, check
 * against the registry or offline against a baseline (git ref, lock file), pull lock files, diff
 * versions. Everything returns data; the CLI (src/cli) prints it.
 */
export { applyRegistration, askVerdict, planRegistration, toInput, type RegistrationOptions } from './plan';
export { applyContracts, type ApplyOptions, type ApplyResult } from './apply';
export { checkWithRegistry, type RegistryCheckOptions } from './check';
export { checkAgainstBaseline, type OfflineCheckOptions } from './offline';
export {
  gitBaseline,
  lockBaseline,
  readLockBaseline,
  type Baseline,
  type BaselineSubject,
  type BaselineVersion,
  type GitBaselineOptions,
} from './baseline';
export {
  DEFAULT_LOCK_FILE,
  parseLockFile,
  pullRegistry,
  readLockFile,
  serializeLockFile,
  type PullOptions,
} from './lock';
export { diffVersions, type AvroChangeKind, type DiffInput, type SchemaChange, type VersionDiff } from './diff';
export { diffSubject, type SubjectDiff, type SubjectDiffOptions } from './subject-diff';
export {
  compareVersions,
  registryCompatVersion,
  type CompareOptions,
  type ComparedSide,
  type Comparison,
} from './compare';
export {
  readLocalSubjects,
  sameSchemaText,
  subjectsOfTopics,
  toCompatVersion,
  type LocalSubject,
  type LocalSubjectsOptions,
} from './local';
export { mapLimit } from './concurrency';
export type * from './types';
