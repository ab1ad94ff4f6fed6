/** proto2 `required`: a reader refuses a message without it, so it can be neither added nor dropped. */
import { fieldName, overFields, type FieldPair, type ProtobufRule } from '../rule';

const LABEL_REQUIRED = 2;
const required = (pair: FieldPair, side: 'previous' | 'candidate') => pair[side]?.proto.label === LABEL_REQUIRED;

export const PROTO_REQUIRED_FIELD_ADDED: ProtobufRule = {
  id: 'PROTO_REQUIRED_FIELD_ADDED',
  family: 'protobuf/required',
  purpose: 'A proto2 field is required now that was not (or did not exist): old data lacks it.',
  check: (pair) =>
    overFields(pair, 'PROTO_REQUIRED_FIELD_ADDED', (f) =>
      required(f, 'candidate') && !required(f, 'previous')
        ? { breaking: true, message: `${fieldName(f)} became required` }
        : undefined,
    ),
};

export const PROTO_REQUIRED_FIELD_REMOVED: ProtobufRule = {
  id: 'PROTO_REQUIRED_FIELD_REMOVED',
  family: 'protobuf/required',
  purpose: 'A required proto2 field was removed or made optional: readers of the old version refuse the new data.',
  check: (pair) =>
    overFields(pair, 'PROTO_REQUIRED_FIELD_REMOVED', (f) =>
      required(f, 'previous') && !required(f, 'candidate')
        ? { breaking: true, message: `${fieldName(f)} is no longer required` }
        : undefined,
    ),
};

export const PROTOBUF_REQUIRED_RULES = [PROTO_REQUIRED_FIELD_ADDED, PROTO_REQUIRED_FIELD_REMOVED];
