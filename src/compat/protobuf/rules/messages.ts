/** Messages of the file: removing one breaks (readers and the message-index paths lose it). */
import type { ProtobufRule } from '../rule';

export const PROTO_MESSAGE_REMOVED: ProtobufRule = {
  id: 'PROTO_MESSAGE_REMOVED',
  family: 'protobuf/messages',
  purpose: 'A message (top-level or nested) is gone from the file.',
  check: ({ removedMessages }) =>
    removedMessages.map((message) => ({
      ruleId: 'PROTO_MESSAGE_REMOVED',
      breaking: true,
      path: message.typeName,
      message: `message ${message.typeName} was removed`,
    })),
};

export const PROTOBUF_MESSAGE_RULES = [PROTO_MESSAGE_REMOVED];
