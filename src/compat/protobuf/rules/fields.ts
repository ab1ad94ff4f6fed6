/**
 * Fields by number: removing or renaming one leaves the wire format alone (readers skip unknown
 * numbers and never see names), so Confluent accepts both; buf's WIRE category asks a removed
 * number to be reserved, and WIRE_JSON keeps names, because proto3 JSON uses them.
 */
import { fieldName, overFields, type ProtobufRule } from '../rule';

export const PROTO_FIELD_REMOVED: ProtobufRule = {
  id: 'PROTO_FIELD_REMOVED',
  family: 'protobuf/fields',
  purpose: 'A field number is gone (readers skip it; reserve the number so it is never reused).',
  check: (pair) =>
    overFields(pair, 'PROTO_FIELD_REMOVED', (f) =>
      f.previous && !f.candidate ? { breaking: false, message: `${fieldName(f)} was removed` } : undefined,
    ),
};

export const PROTO_FIELD_RENAMED: ProtobufRule = {
  id: 'PROTO_FIELD_RENAMED',
  family: 'protobuf/fields',
  purpose: 'A field kept its number under another name (binary readers do not care; proto3 JSON readers do).',
  check: (pair) =>
    overFields(pair, 'PROTO_FIELD_RENAMED', (f) =>
      f.previous && f.candidate && f.previous.name !== f.candidate.name
        ? { breaking: false, message: `${fieldName(f)} was renamed to ${f.candidate.name}` }
        : undefined,
    ),
};

export const PROTOBUF_FIELD_RULES = [PROTO_FIELD_REMOVED, PROTO_FIELD_RENAMED];
