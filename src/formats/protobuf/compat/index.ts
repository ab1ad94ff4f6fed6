/**
 * Offline compatibility of two versions of a .proto file, as Confluent Schema Registry's Protobuf
 * checker decides it (./diff.ts walks the two versions as its code does), reported through the
 * kit's rules (./rules.ts). Confluent's check is directional: BACKWARD checks the candidate against
 * the registered version, FORWARD the registered version against the candidate (adding a oneof
 * member is accepted one way and not the other); levels and histories are the shared checker's.
 */
import type { DescFile } from '@bufbuild/protobuf';
import type { PairCheckOptions } from '../../../compat/format';
import { renderMessage, sideNames, type CompatibilityRule } from '../../../compat/rule';
import type { Finding } from '../../../compat/types';
import { bufBreaking } from './buf';
import { CONFLUENT_COMPATIBLE, diffFiles, type ConfluentDifference } from './diff';
import type { ProtobufFinding } from './rule';
import { PROTOBUF_RULES, type ProtobufRule } from './rules';

export type { ProtobufFinding } from './rule';
export { PROTOBUF_RULES, type ProtobufRule } from './rules';

const RULE_OF: ReadonlyMap<ConfluentDifference, ProtobufRule> = new Map(
  PROTOBUF_RULES.flatMap((rule) => rule.differences.map((d) => [d, rule] as const)),
);

/**
 * Can `candidate` replace `previous` for readers of `previous`'s data (Confluent's
 * isBackwardCompatible)? Its findings, each a rule's, breaking or not; each reported once.
 */
export function checkProtobufPair(
  previous: DescFile,
  candidate: DescFile,
): { compatible: boolean; findings: ProtobufFinding[] } {
  const findings = new Map<string, ProtobufFinding>();
  for (const difference of diffFiles(previous, candidate)) {
    const rule = RULE_OF.get(difference.type);
    if (!rule) continue;
    const key = `${rule.id} ${difference.path}`;
    if (!findings.has(key)) {
      findings.set(key, {
        ruleId: rule.id,
        breaking: !CONFLUENT_COMPATIBLE.has(difference.type),
        path: difference.path,
        message: difference.message,
      });
    }
  }
  const all = [...findings.values()];
  return { compatible: all.every((f) => !f.breaking), findings: all };
}

/** The finding of the opt-in wire reading: a change buf breaking's WIRE (or WIRE_JSON) category refuses. */
export const BUF_RULE_ID = 'PROTO_BUF_BREAKING';

/** The rules as entries of the shared rule list (COMPATIBILITY_RULES): one sentence each, checked both ways. */
export const PROTOBUF_COMPATIBILITY_RULES: readonly CompatibilityRule[] = [
  ...PROTOBUF_RULES.map((rule): CompatibilityRule => {
    const neverBreaks = rule.differences.every((d) => CONFLUENT_COMPATIBLE.has(d));
    return {
      id: rule.id,
      format: 'PROTOBUF',
      family: rule.family,
      purpose: rule.purpose,
      compatible: { STRICT: neverBreaks, LENIENT: neverBreaks },
      directions: ['BACKWARD', 'FORWARD'],
      describe: (ctx) => ctx.detail,
    };
  }),
  {
    id: BUF_RULE_ID,
    format: 'PROTOBUF',
    family: 'protobuf/wire',
    purpose:
      "Only with protobufChecks WIRE or WIRE_JSON (`--protobuf-checks`): a change buf breaking's category of that name refuses, which Confluent accepts (the finding names buf's rule).",
    // Confluent's verdict accepts these; they break only when a team asks for the wire reading
    compatible: { STRICT: true, LENIENT: true },
    directions: ['BACKWARD', 'FORWARD'],
    describe: (ctx) => ctx.detail,
  },
];

/** Where a finding points: `/<message full name>[/<field or value number>]`, in the version that has it. */
export function findingPath(finding: ProtobufFinding): string {
  return `/${finding.path}`;
}

/**
 * The shared checker's findings for one pair in one direction: BACKWARD asks whether the candidate
 * reads the previous version's data, FORWARD the reverse, as the registry asks it (a FORWARD
 * finding's path is in the version it names: `pathIn` says which).
 */
export function checkProtobufFindings(previous: DescFile, candidate: DescFile, options: PairCheckOptions): Finding[] {
  const forward = options.direction === 'FORWARD';
  const { findings } = forward ? checkProtobufPair(candidate, previous) : checkProtobufPair(previous, candidate);
  if (options.protobufChecks !== 'CONFLUENT') {
    // buf as the registry asks it: the version whose readers must cope is `against`
    const [against, input] = forward ? [candidate, previous] : [previous, candidate];
    for (const found of bufBreaking(against, input, options.protobufChecks)) {
      findings.push({
        ruleId: BUF_RULE_ID,
        breaking: true,
        path: found.path,
        message: `buf ${found.rule}: ${found.message}`,
      });
    }
  }
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
        // a gone element is in the walk's original side: the previous version, or the candidate going FORWARD
        pathIn: GONE.has(f.ruleId) !== forward ? ('previous' as const) : ('candidate' as const),
        message: renderMessage(rule, ctx, f.breaking),
      };
    });
}

/** Rules whose element exists only in the previous version. */
const GONE = new Set([
  'PROTO_FIELD_REMOVED',
  'PROTO_MESSAGE_REMOVED',
  'PROTO_ENUM_VALUE_REMOVED',
  'PROTO_ONEOF_FIELD_REMOVED',
  'PROTO_REQUIRED_FIELD_REMOVED',
]);
