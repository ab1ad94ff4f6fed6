/**
 * Enum values: proto3 enums are open, so a reader keeps a number it does not know and Confluent
 * accepts removing a value; buf's WIRE category asks its number to be reserved.
 */
import type { ProtobufRule } from '../rule';

export const PROTO_ENUM_VALUE_REMOVED: ProtobufRule = {
  id: 'PROTO_ENUM_VALUE_REMOVED',
  family: 'protobuf/enums',
  purpose: 'An enum value number is gone (readers keep it as a number; reserve it so it is never reused).',
  check: ({ enums }) =>
    enums.flatMap(({ previous, candidate }) =>
      previous.values
        .filter((v) => !candidate.values.some((c) => c.number === v.number))
        .map((v) => ({
          ruleId: 'PROTO_ENUM_VALUE_REMOVED',
          breaking: false,
          path: `${candidate.typeName}/${v.number}`,
          message: `value ${v.name} (${v.number}) of enum ${candidate.typeName} was removed`,
        })),
    ),
};

export const PROTOBUF_ENUM_RULES = [PROTO_ENUM_VALUE_REMOVED];
