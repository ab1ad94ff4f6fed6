/** Avro pair check: Java's reader/writer rules, turned into findings. */
import type { CompatibilityRule } from '../../../compat/rule';
import { renderMessage, sideNames, toPointer } from '../../../compat/rule';
import type { CheckDirection, CompatibilityLevel, Finding } from '../../../compat/types';
import type { AvroIssue } from './check';
import { AvroCompatibilityChecker } from './check';
import type { AvroNode } from './parse';

export interface AvroPairOptions {
  direction: CheckDirection;
  level: CompatibilityLevel;
  previousVersion: number;
  rules: ReadonlyMap<string, CompatibilityRule>;
}

/** BACKWARD: the candidate reads data written with `previous`; FORWARD: `previous` reads the candidate's. */
export function checkAvroPair(previous: AvroNode, candidate: AvroNode, options: AvroPairOptions): Finding[] {
  const backward = options.direction === 'BACKWARD';
  const issues = backward
    ? new AvroCompatibilityChecker().check(candidate, previous)
    : new AvroCompatibilityChecker().check(previous, candidate);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const issue of issues) {
    const finding = toFinding(issue, options, backward);
    const key = `${finding.ruleId}|${finding.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

function ruleIdOf(issue: AvroIssue, backward: boolean): string {
  switch (issue.kind) {
    case 'READER_FIELD_MISSING_DEFAULT':
      return backward ? 'FIELD_ADDED_WITHOUT_DEFAULT' : 'FIELD_REMOVED_WITHOUT_DEFAULT';
    case 'MISSING_ENUM_SYMBOLS':
      return backward ? 'ENUM_SYMBOL_REMOVED' : 'ENUM_SYMBOL_ADDED';
    default:
      return issue.kind;
  }
}

function fieldPath(names: readonly string[]): string {
  return names.reduce((acc, n) => (n === '[]' || n === '{}' ? `${acc}${n}` : acc ? `${acc}.${n}` : n), '');
}

function toFinding(issue: AvroIssue, options: AvroPairOptions, backward: boolean): Finding {
  const ruleId = ruleIdOf(issue, backward);
  const rule = options.rules.get(ruleId);
  if (!rule) throw new Error(`internal: Avro issue ${ruleId} has no registered rule`);
  // The candidate is the reader in BACKWARD and the writer in FORWARD.
  const candidateIsReader = backward;
  const useReaderSide = issue.readerOnly || candidateIsReader;
  const names = useReaderSide ? issue.readerNames : issue.writerNames;
  const path = useReaderSide ? issue.readerPath : issue.writerPath;
  const field = fieldPath(names);
  let element = field ? `field \`${field}\`` : 'the schema root';
  if (issue.named) {
    const typeName = candidateIsReader ? issue.named.readerName : issue.named.writerName;
    element = `${issue.named.kind} \`${typeName}\`${field ? ` of field \`${field}\`` : ''}`;
  }
  const oldText = backward ? issue.writerText : issue.readerText;
  const newText = backward ? issue.readerText : issue.writerText;
  const detail = issue.detail ?? (oldText !== undefined && newText !== undefined ? `${oldText} → ${newText}` : '');
  const before = backward ? issue.writerFragment : issue.readerFragment;
  const after = backward ? issue.readerFragment : issue.writerFragment;
  const sides = sideNames(options.direction, options.previousVersion);
  return {
    ruleId,
    format: 'AVRO',
    breaking: true,
    direction: options.direction,
    level: options.level,
    previousVersion: options.previousVersion,
    path: toPointer(path),
    pathIn: useReaderSide === candidateIsReader ? 'candidate' : 'previous',
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    message: renderMessage(
      rule,
      { element, direction: options.direction, previousVersion: options.previousVersion, ...sides, detail },
      true,
    ),
  };
}
