/**
 * Offline compatibility of two versions of a .proto file, as Confluent Schema Registry's Protobuf
 * checker decides it: every rule's findings for the pair, and whether any breaks. Protobuf rules
 * are symmetric, so one comparison serves BACKWARD and FORWARD; levels and histories are the
 * shared checker's (src/compat/check.ts) once the format seam lets it dispatch to this folder.
 */
import type { DescFile } from '@bufbuild/protobuf';
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
