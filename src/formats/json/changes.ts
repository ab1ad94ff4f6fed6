/**
 * JSON Schema changes between two versions of a subject, for `contracts diff` and the UI.
 */
import type { SchemaVersion } from '../../compat/types';
import { checkJsonPair } from './compat';
import { parseJsonSchemaVersion } from './compat/parse';
import { clauseOf } from '../../compat/rule';
import type { ChangeOptions, SchemaChange } from '../format';

// JSON Schema: Confluent's diff already names every difference; a BACKWARD diff (previous →
// candidate) with the non-breaking ones included is the list of changes.

export function jsonChanges(previous: SchemaVersion, candidate: SchemaVersion, options: ChangeOptions): SchemaChange[] {
  // what checkCompatibility answers for a BACKWARD pair with the non-breaking differences included
  const previousVersion = previous.version ?? 1;
  const before = parseJsonSchemaVersion(previous, previous.source ?? `version ${previousVersion}`);
  const after = parseJsonSchemaVersion(candidate, candidate.source ?? `version ${candidate.version ?? 2}`);
  const findings = checkJsonPair(before, after, {
    direction: 'BACKWARD',
    level: 'BACKWARD',
    previousVersion,
    rules: options.rules,
    policy: options.policy ?? 'STRICT',
    includeNonBreaking: true,
  });
  return findings.map((f) => ({
    kind: f.ruleId,
    path: f.path,
    pathIn: f.pathIn,
    ...(f.before !== undefined ? { before: f.before } : {}),
    ...(f.after !== undefined ? { after: f.after } : {}),
    description: clauseOf(f.message),
    breaks: [],
  }));
}
