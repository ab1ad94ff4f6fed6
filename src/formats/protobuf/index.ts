/** Protobuf behind the format seam: Confluent's framing with the message-index path, @bufbuild/protobuf bodies, .proto imports as references. */
import { fromBinary, type DescFile } from '@bufbuild/protobuf';
import { checkProtobufFindings, checkProtobufPair, PROTOBUF_COMPATIBILITY_RULES } from './compat';
import { decodeProtobufFrame } from '../../wire/message-indexes';
import { HEADER_SIZE } from '../../wire/encode';
import type { SchemaFormatModule } from '../format';
import { protobufChanges } from './changes';
import { createProtobufContractCodec } from './codec';
import { protobufCodecSource } from './codec-source';
import { protoFileOfVersion, protoFilesOf } from './files';
import { messageAtPath } from './message-path';
import { toPlain } from './plain';
import { readProtobufTopic } from './reader';
import { protobufRegisteredTypes } from './registered-types';
import { protobufTaggedFields } from './tags';

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
export { parseProtoFiles, type ProtoSource } from './parse';

export const PROTOBUF_FORMAT: SchemaFormatModule = {
  schemaType: 'PROTOBUF',
  displayName: 'Protobuf',
  codegen: {
    readTopic: readProtobufTopic,
    registeredTypes: protobufRegisteredTypes,
    emitCodec: protobufCodecSource,
  },
  codec: {
    // the writer's file says which message the message-index path names; its imports are needed to parse it
    readsWithReferences: true,
    createCodec: createProtobufContractCodec,
    timestampNow: () => new Date(),
    taggedFields: protobufTaggedFields,
    schemaReader(schemas) {
      const { root } = protoFilesOf(schemas);
      return (body) => {
        // the tail hands the body after the 5-byte header; the frame reader wants the header back
        const header = Buffer.alloc(HEADER_SIZE);
        const frame = decodeProtobufFrame(Buffer.concat([header, body]));
        const schema = messageAtPath(root, frame.messageIndexes);
        const value = toPlain(schema, fromBinary(schema, frame.body));
        // a topic's value message holds its event in a oneof: show the event, as Avro's union is unwrapped
        const [oneof] = schema.oneofs;
        if (oneof && schema.fields.every((f) => f.oneof === oneof)) {
          const held = Object.values(value);
          if (held.length === 1) return held[0];
        }
        return value;
      };
    },
  },
  registry: {
    referenceFeatures: { test: 'compatibility-protobuf-references' },
    parseRegistered: (schemas) => protoFilesOf(schemas).root,
    cannotRead(reader, writer) {
      const { findings } = checkProtobufPair(writer as DescFile, reader as DescFile);
      return findings.find((f) => f.breaking)?.message;
    },
  },
  compatibility: {
    rules: PROTOBUF_COMPATIBILITY_RULES,
    // Confluent's Protobuf checker has no policies: a change breaks or it does not
    policies: false,
    parse: protoFileOfVersion,
    changes: protobufChanges,
    checkPair: (previous, candidate, options) =>
      checkProtobufFindings(previous as DescFile, candidate as DescFile, options),
  },
  documents: {
    // the media type AsyncAPI and Confluent's docs give Protobuf payloads
    contentType: 'application/x-protobuf',
    // AsyncAPI 3.0 lists no Protobuf schema format (tools need a parser plugin for one), so a
    // Protobuf topic is left out rather than described with a payload no reader checks
    asyncApi: { leftOut: 'AsyncAPI 3.0 has no Protobuf schema format (its .proto files are the contract)' },
  },
};
