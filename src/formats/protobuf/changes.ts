/**
 * Protobuf changes between two versions of a subject, for `contracts diff` and the UI: every
 * rule's finding (breaking or not) at the path the checker's findings use, plus what was added —
 * messages, fields and enum values, which no rule reports because additions break no reader.
 */
import { checkProtobufFindings } from './compat';
import { clauseOf } from '../../compat/rule';
import { pairFiles } from './compat/pair';
import type { SchemaVersion } from '../../compat/types';
import type { ChangeOptions, SchemaChange } from '../format';
import { protoFileOfVersion } from './files';

export function protobufChanges(
  previous: SchemaVersion,
  candidate: SchemaVersion,
  options: ChangeOptions,
): SchemaChange[] {
  const previousVersion = previous.version ?? 1;
  const before = protoFileOfVersion(previous, previous.source ?? `version ${previousVersion}`);
  const after = protoFileOfVersion(candidate, candidate.source ?? `version ${candidate.version ?? 2}`);
  const found: SchemaChange[] = checkProtobufFindings(before, after, {
    direction: 'BACKWARD',
    level: 'BACKWARD',
    previousVersion,
    rules: options.rules,
    policy: 'STRICT',
    protobufChecks: options.protobufChecks ?? 'CONFLUENT',
    includeNonBreaking: true,
  }).map((f) => ({
    kind: f.ruleId,
    path: f.path,
    pathIn: f.pathIn,
    description: clauseOf(f.message),
    breaks: [],
  }));
  const pair = pairFiles(before, after);
  const added = (kind: string, path: string, description: string): SchemaChange => ({
    kind,
    path: `/${path}`,
    pathIn: 'candidate',
    description,
    breaks: [],
  });
  const known = new Set(pair.messages.map((m) => m.candidate.typeName));
  const all = (list: typeof after.messages): typeof after.messages =>
    list.flatMap((m) => [m, ...all(m.nestedMessages)]);
  const additions = [
    ...all(after.messages)
      .filter((m) => !known.has(m.typeName))
      .map((m) => added('PROTO_MESSAGE_ADDED', m.typeName, `Message ${m.typeName} was added.`)),
    ...pair.messages.flatMap(({ candidate: message, fields }) =>
      fields
        .filter((f) => f.candidate && !f.previous)
        .map((f) =>
          added(
            'PROTO_FIELD_ADDED',
            `${message.typeName}/${f.number}`,
            `Field ${f.number} of ${message.typeName} (${f.candidate!.name}) was added.`,
          ),
        ),
    ),
    ...pair.enums.flatMap(({ previous: old, candidate: e }) =>
      e.values
        .filter((v) => !old.values.some((o) => o.number === v.number))
        .map((v) =>
          added(
            'PROTO_ENUM_VALUE_ADDED',
            `${e.typeName}/${v.number}`,
            `Value ${v.name} (${v.number}) was added to ${e.typeName}.`,
          ),
        ),
    ),
  ];
  return [...found, ...additions].sort((a, b) => a.path.localeCompare(b.path));
}
