/**
 * The Protobuf rules: each a stable ID, a one-line purpose and the differences of Confluent's
 * checker (./diff.ts) it reports. Whether a finding breaks is Confluent's verdict on its
 * difference; a rule may report both (a label change breaks for numbers, not for strings). The
 * differences no rule names (a message, field, enum or oneof added, a message moved, an enum
 * removed, a value added or renamed) are accepted and not reported.
 */
import type { ConfluentDifference } from './diff';

export interface ProtobufRule {
  id: string;
  /** Rule family, e.g. `protobuf/fields`. */
  family: string;
  /** One line: what the rule detects. */
  purpose: string;
  /** The differences of Confluent's checker this rule reports. */
  differences: readonly ConfluentDifference[];
}

const rule = (id: string, family: string, purpose: string, differences: ConfluentDifference[]): ProtobufRule => ({
  id,
  family: `protobuf/${family}`,
  purpose,
  differences,
});

export const PROTOBUF_RULES: readonly ProtobufRule[] = [
  rule(
    'PROTO_PACKAGE_CHANGED',
    'package',
    "The file's package changed: every message and enum gets another full name.",
    ['PACKAGE_CHANGED'],
  ),
  rule('PROTO_MESSAGE_REMOVED', 'messages', 'A message (top-level or nested) is gone from the file.', [
    'MESSAGE_REMOVED',
  ]),
  rule(
    'PROTO_FIELD_REMOVED',
    'fields',
    'A field number is gone (readers skip it; reserve the number so it is never reused).',
    ['FIELD_REMOVED'],
  ),
  rule(
    'PROTO_FIELD_RENAMED',
    'fields',
    'A field kept its number under another name (binary readers do not care; proto3 JSON readers do).',
    ['FIELD_NAME_CHANGED'],
  ),
  rule(
    'PROTO_FIELD_SCALAR_TYPE_CHANGED',
    'types',
    'A scalar or enum field changed to a type outside its wire group (varint: int32, int64, uint32, uint64, bool and enums; sint32, sint64; fixed32, sfixed32; fixed64, sfixed64; string, bytes).',
    ['FIELD_SCALAR_KIND_CHANGED'],
  ),
  rule('PROTO_FIELD_KIND_CHANGED', 'types', 'A field changed kind: scalar (enums included), message or map.', [
    'FIELD_KIND_CHANGED',
  ]),
  rule(
    'PROTO_FIELD_NAMED_TYPE_CHANGED',
    'types',
    'A message field names another message, or the message it names changed in a way that breaks.',
    ['FIELD_NAMED_TYPE_CHANGED'],
  ),
  rule(
    'PROTO_FIELD_CARDINALITY_CHANGED',
    'types',
    'A field written with a label (proto2; proto3 `optional`/`repeated`) changed it: breaks for numbers and enums, not for strings, bytes and messages.',
    ['FIELD_NUMERIC_LABEL_CHANGED', 'FIELD_STRING_OR_BYTES_LABEL_CHANGED'],
  ),
  rule(
    'PROTO_FIELD_ONEOF_CHANGED',
    'oneofs',
    'Fields that could be set together are now members of one oneof (breaks), or a member left its oneof (accepted).',
    ['FIELD_MOVED_TO_EXISTING_ONEOF', 'MULTIPLE_FIELDS_MOVED_TO_ONEOF', 'ONEOF_FIELD_MOVED_TO_TOP_LEVEL'],
  ),
  rule(
    'PROTO_ONEOF_FIELD_REMOVED',
    'oneofs',
    'A member of a oneof that stays was removed: a value set in it is lost (deleting the whole oneof is accepted).',
    ['ONEOF_FIELD_REMOVED'],
  ),
  rule(
    'PROTO_ENUM_VALUE_REMOVED',
    'enums',
    'An enum value number is gone (readers keep it as a number; reserve it so it is never reused).',
    ['ENUM_CONST_REMOVED'],
  ),
  rule(
    'PROTO_REQUIRED_FIELD_ADDED',
    'required',
    'A proto2 required field was added: old data lacks it and new readers refuse it.',
    ['REQUIRED_FIELD_ADDED'],
  ),
  rule(
    'PROTO_REQUIRED_FIELD_REMOVED',
    'required',
    'A proto2 required field was removed: readers of the old version refuse data without it.',
    ['REQUIRED_FIELD_REMOVED'],
  ),
];
