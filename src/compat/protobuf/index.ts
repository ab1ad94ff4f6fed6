/**
 * Offline compatibility of two versions of a .proto file, as Confluent Schema Registry's Protobuf
 * checker decides it: every rule's findings for the pair, and whether any breaks. Protobuf rules
 * are symmetric, so one comparison serves BACKWARD and FORWARD; levels and histories are the
 * shared checker's (src/compat/check.ts) once the format seam lets it dispatch to this folder.
 */
import type { DescFile } from '@bufbuild/protobuf';
import type { PairCheckOptions } from '../../formats/format';
import { renderMessage, sideNames, type CompatibilityRule } from '../rule';
import type { Finding } from '../types';
import { pairFiles } from './pair';
import type { ProtobufFinding, ProtobufRule } from './rule';
import { PROTOBUF_ENUM_RULES } from './rules/enums';
import { PROTOBUF_FIELD_RULES } from './rules/fields';
import { PROTOBUF_MESSAGE_RULES } from './rules/messages';
import { PROTOBUF_ONEOF_RULES } from './rules/oneofs';
import { PROTOBUF_PACKAGE_RULES } from './rules/package';
import { PROTOBUF_REQUIRED_RULES } from './rules/required';
import { PROTOBUF_TYPE_RULES } from './rules/types';

export type { ProtobufFinding, ProtobufRule } from './rule';

export const PROTOBUF_RULES: readonly ProtobufRule[] = [
  ...PROTOBUF_PACKAGE_RULES,
  ...PROTOBUF_MESSAGE_RULES,
  ...PROTOBUF_FIELD_RULES,
  ...PROTOBUF_TYPE_RULES,
  ...PROTOBUF_ONEOF_RULES,
  ...PROTOBUF_ENUM_RULES,
  ...PROTOBUF_REQUIRED_RULES,
];

export function checkProtobufPair(
  previous: DescFile,
  candidate: DescFile,
): { compatible: boolean; findings: ProtobufFinding[] } {
  const pair = pairFiles(previous, candidate);
  const findings = PROTOBUF_RULES.flatMap((rule) => rule.check(pair));
  return { compatible: findings.every((f) => !f.breaking), findings };
}

/** Protobuf's verdicts do not depend on a policy; these rules never break, the others may. */
const NEVER_BREAKS = new Set(['PROTO_FIELD_REMOVED', 'PROTO_FIELD_RENAMED', 'PROTO_ENUM_VALUE_REMOVED']);

/** The rules as entries of the shared rule list (COMPATIBILITY_RULES): one sentence each, checked both ways. */
export const PROTOBUF_COMPATIBILITY_RULES: readonly CompatibilityRule[] = PROTOBUF_RULES.map((rule) => ({
  id: rule.id,
  format: 'PROTOBUF',
  family: rule.family,
  purpose: rule.purpose,
  compatible: { STRICT: NEVER_BREAKS.has(rule.id), LENIENT: NEVER_BREAKS.has(rule.id) },
  directions: ['BACKWARD', 'FORWARD'],
  describe: (ctx) => ctx.detail,
}));

/** Where a finding points: `/<message full name>[/<field or value number>]`, in the version that has it. */
export function findingPath(finding: ProtobufFinding): string {
  return `/${finding.path}`;
}

/**
 * The shared checker's findings for one pair in one direction. Protobuf's rules are symmetric
 * (readers skip what they do not know), so both directions find the same changes; the direction
 * only says which readers a breaking one breaks.
 */
export function checkProtobufFindings(previous: DescFile, candidate: DescFile, options: PairCheckOptions): Finding[] {
  const { findings } = checkProtobufPair(previous, candidate);
  return findings
    .filter((f) => f.breaking || options.includeNonBreaking)
    .map((f) => {
      const rule = options.rules.get(f.ruleId)!;
      const sides = sideNames(options.direction, options.previousVersion);
      const ctx = {
        element: f.path,
        direction: options.direction,
        previousVersion: options.previousVersion,
        ...sides,
        detail: f.message,
      };
      return {
        ruleId: f.ruleId,
        format: 'PROTOBUF' as const,
        breaking: f.breaking,
        direction: options.direction,
        level: options.level,
        previousVersion: options.previousVersion,
        path: findingPath(f),
        pathIn: GONE.has(f.ruleId) ? ('previous' as const) : ('candidate' as const),
        message: renderMessage(rule, ctx, f.breaking),
      };
    });
}

/** Rules whose element exists only in the previous version. */
const GONE = new Set(['PROTO_FIELD_REMOVED', 'PROTO_MESSAGE_REMOVED', 'PROTO_ENUM_VALUE_REMOVED']);
