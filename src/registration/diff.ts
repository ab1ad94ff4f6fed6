/**
 * Semantic diff of two versions of a subject: each change named (field added, removed, renamed
 * through an alias, type changed, default changed, enum symbols, union branches…) with the rules it
 * breaks at the subject's level. The verdicts come from src/compat; this module only names changes
 * and attaches the checker's findings to them by schema path.
 */
import { checkCompatibility } from '../formats/compatibility';
import {
  type CompatibilityLevel,
  type CompatibilityResult,
  type Finding,
  type JsonSchemaPolicy,
  ProtobufChecks,
  type SchemaVersion,
} from '../compat';
import { RULES_BY_ID } from '../formats/compatibility';
import type { SchemaFormat } from '../config';
import { formatOf, type SchemaChange } from '../formats';

export type { SchemaChange } from '../formats';
export type { AvroChangeKind } from '../formats/avro/changes';

export interface VersionDiff {
  format: SchemaFormat;
  level: CompatibilityLevel;
  compatible: boolean;
  changes: SchemaChange[];
  /** Breaking findings no named change accounts for (kept, never dropped). */
  otherBreaks: Finding[];
}

export interface DiffInput {
  format: SchemaFormat;
  level: CompatibilityLevel;
  previous: SchemaVersion;
  candidate: SchemaVersion;
  /** Versions before `previous`, also checked at transitive levels (as the registry checks). */
  history?: SchemaVersion[];
  policy?: JsonSchemaPolicy;
  /** Protobuf: Confluent\'s verdict (default), or buf breaking\'s WIRE / WIRE_JSON beside it. */
  protobufChecks?: ProtobufChecks;
  /**
   * The verdict already reached on `candidate` (breaking findings only), when the versions it was
   * checked against are not `history` + `previous`: a local draft is checked against the latest
   * version whichever one `previous` shows it beside.
   */
  verdict?: CompatibilityResult;
}

export function diffVersions(input: DiffInput): VersionDiff {
  const verdict =
    input.verdict ??
    checkCompatibility({
      format: input.format,
      level: input.level,
      previous: [...(input.history ?? []), { ...input.previous, version: input.previous.version ?? 1 }],
      candidate: input.candidate,
      policy: input.policy,
      protobufChecks: input.protobufChecks,
    });
  const changes = formatOf(input.format).compatibility.changes(input.previous, input.candidate, {
    policy: input.policy,
    protobufChecks: input.protobufChecks,
    rules: RULES_BY_ID,
  });
  const claimed = new Set<Finding>();
  for (const change of changes) {
    change.breaks = verdict.findings.filter((f) => related(f, change));
    for (const f of change.breaks) claimed.add(f);
  }
  return {
    format: input.format,
    level: input.level,
    compatible: verdict.compatible,
    changes,
    otherBreaks: verdict.findings.filter((f) => !claimed.has(f)),
  };
}

function related(finding: Finding, change: SchemaChange): boolean {
  if (finding.pathIn !== change.pathIn) return false;
  return finding.path === change.path || finding.path.startsWith(`${change.path}/`);
}
