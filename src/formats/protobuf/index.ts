/** Protobuf as a contract format: Confluent's framing with the message-index path, @bufbuild/protobuf bodies. */
export {
  createProtobufCodec,
  decodeProtobufMessage,
  encodeProtobufMessage,
  type ProtobufEventCodec,
  type ProtobufEventReader,
  type ProtobufEventWriter,
  type ProtobufTopicBinding,
} from './serde';
export { messageAtPath, messageIndexPath } from './message-path';
