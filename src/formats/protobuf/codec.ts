/**
 * The format seam's codec for a Protobuf contract: plain events (plain.ts) in and out, framed as
 * Confluent's Protobuf serializers frame them (the message-index array of the topic's value
 * message, then its binary encoding, whose oneof case is the event).
 *
 * A message is read the Protobuf way: the writer's schema only says which message the
 * message-index path names (it must be the contract's value message, by full name); the body is
 * decoded with the contract's own descriptor, so fields are matched by number, fields the
 * contract does not know are skipped and renamed fields keep their values.
 */
import { create, fromBinary, toBinary, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { TopicContract } from '../../contract';
import { DecodeError } from '../../errors';
import { decodeProtobufFrame, firstMessageBody, framedWith, protobufFramePrefix } from '../../wire/message-indexes';
import type { EventCodec, SchemaText } from '../format';
import { protoFilesOf } from './files';
import { messageAtPath, messageIndexPath } from './message-path';
import { initFromPlain, toPlainChecked } from './plain';

/** The contract's value message, its events' oneof, and event type ↔ case. */
export interface ProtobufContractBinding {
  value: DescMessage;
  oneof: string;
  caseOfType: ReadonlyMap<string, DescField & { message: DescMessage }>;
  typeOfCase: ReadonlyMap<string, string>;
}

export function bindContract(contract: TopicContract): ProtobufContractBinding {
  const valueIndex = contract.schemas.findIndex((s) => s.subject === contract.valueSubject);
  const schemas: SchemaText[] = contract.schemas.slice(0, valueIndex + 1);
  const { root } = protoFilesOf(schemas);
  const value = root.messages[0];
  const oneof = value?.oneofs[0];
  if (!value || !oneof)
    throw new DecodeError(`the ${contract.topic} contract's value schema has no message with a oneof`);
  const caseOfType = new Map<string, DescField & { message: DescMessage }>();
  for (const event of Object.values(contract.events)) {
    const field = oneof.fields.find((f) => f.message?.typeName === event.name);
    if (!field)
      throw new DecodeError(`${value.typeName}.${oneof.name} has no case for ${event.name} (${event.eventType})`);
    caseOfType.set(event.eventType, field as DescField & { message: DescMessage });
  }
  return {
    value,
    oneof: oneof.localName,
    caseOfType,
    typeOfCase: new Map([...caseOfType].map(([type, field]) => [field.localName, type])),
  };
}

export function createProtobufContractCodec(contract: TopicContract): EventCodec {
  const binding = bindContract(contract);
  const { value } = binding;
  const valuePath = messageIndexPath(value);
  return {
    writer(_subject, event, schemaId) {
      const field = binding.caseOfType.get(event.eventType)!;
      const prefix = protobufFramePrefix(schemaId, valuePath);
      return (plain) => {
        // one init object for the wrapper and its event: `create` builds the nested messages in one go
        const init = { [binding.oneof]: { case: field.localName, value: initFromPlain(field.message, plain) } };
        return framedWith(prefix, toBinary(value, create(value, init as never)));
      };
    },
    reader(schemas, schemaId) {
      const writer = protoFilesOf(schemas).root;
      const first = writer.messages[0];
      return (bytes) => {
        const firstBody = first && firstMessageBody(bytes);
        const frame = firstBody ? { messageIndexes: undefined, body: firstBody } : decodeProtobufFrame(bytes);
        const written = frame.messageIndexes ? messageAtPath(writer, frame.messageIndexes, schemaId) : first!;
        if (written.typeName !== value.typeName) {
          throw new DecodeError(
            `schema ${schemaId} frames a ${written.typeName}; the ${contract.topic} topic's messages are ${value.typeName}`,
            schemaId,
          );
        }
        let message: Message;
        try {
          message = fromBinary(value, frame.body);
        } catch (cause) {
          throw new DecodeError(
            `the body is not a valid ${value.typeName} (schema ${schemaId}): ${(cause as Error).message}`,
            schemaId,
            { cause },
          );
        }
        const held = (message as unknown as Record<string, { case?: string; value?: Message }>)[binding.oneof]!;
        const eventType = held.case === undefined ? undefined : binding.typeOfCase.get(held.case);
        if (!eventType || !held.value) {
          throw new DecodeError(
            `the ${value.typeName} holds no event of the contract (its oneof is ${held.case ?? 'unset'}; known: ${[...binding.typeOfCase.keys()].join(', ')})`,
            schemaId,
          );
        }
        const schema = binding.caseOfType.get(eventType)!.message;
        // the plain event and the contract's completeness check in one walk
        const { plain: event, unset: missing } = toPlainChecked(schema, held.value);
        if (missing.length > 0) {
          throw new DecodeError(
            `the ${eventType} event (${schema.typeName}) leaves ${missing.join(', ')} unset; the contract requires every field of an event`,
            schemaId,
          );
        }
        const discriminator = event[contract.discriminator];
        if (discriminator !== eventType) {
          throw new DecodeError(
            `the ${held.case} case holds an event whose ${contract.discriminator} is "${String(discriminator)}", not "${eventType}"`,
            schemaId,
          );
        }
        return { eventType, event };
      };
    },
  };
}
