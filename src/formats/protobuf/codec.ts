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
import type { GeneratedEventCodec, TopicContract } from '../../contract';
import { assertValidEvent } from '../../validation/events';
import { DecodeError } from '../../errors';
import { decodeProtobufFrame, firstMessageBody, framedWith, protobufFramePrefix } from '../../wire/message-indexes';
import type { EventCodec, SchemaText } from '../format';
import { protoFilesOf } from './files';
import { protobufCodecFingerprint } from './fingerprint';
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
  return bindValue(contract.topic, contract.schemas, contract.valueSubject, Object.values(contract.events));
}

/** The binding of a topic's schemas (dependencies first, the value's among them) and events: a contract's, or codegen's model's. */
export function bindValue(
  topic: string,
  schemas: readonly SchemaText[],
  valueSubject: string | null,
  events: Iterable<{ name: string; eventType: string }>,
): ProtobufContractBinding {
  const valueIndex = schemas.findIndex((s) => s.subject === valueSubject);
  const { root } = protoFilesOf(schemas.slice(0, valueIndex + 1));
  const value = root.messages[0];
  const oneof = value?.oneofs[0];
  if (!value || !oneof) throw new DecodeError(`the ${topic} contract's value schema has no message with a oneof`);
  const caseOfType = new Map<string, DescField & { message: DescMessage }>();
  for (const event of events) {
    const field = caseOf(value, event.name);
    if (!field)
      throw new DecodeError(`${value.typeName}.${oneof.name} has no case for ${event.name} (${event.eventType})`);
    caseOfType.set(event.eventType, field);
  }
  return {
    value,
    oneof: oneof.localName,
    caseOfType,
    typeOfCase: new Map([...caseOfType].map(([type, field]) => [field.localName, type])),
  };
}

/** The case of a value message's (first) oneof that holds the message `name`. */
function caseOf(value: DescMessage, name: string): (DescField & { message: DescMessage }) | undefined {
  return value.oneofs[0]?.fields.find((f) => f.message?.typeName === name) as
    (DescField & { message: DescMessage }) | undefined;
}

export function createProtobufContractCodec(contract: TopicContract): EventCodec {
  const binding = bindContract(contract);
  const { value } = binding;
  const valuePath = messageIndexPath(value);
  const generated = contract.codec?.format === 'PROTOBUF' ? contract.codec.events : undefined;
  const fingerprintOf = (root: DescMessage, eventType: string, eventCase: DescField & { message: DescMessage }) =>
    protobufCodecFingerprint({ value: root, eventCase, eventType, discriminator: contract.discriminator });
  // a generated codec is used only for the very messages it was generated from (not a stale one)
  const ownGenerated = new Map<string, GeneratedEventCodec>();
  for (const [eventType, eventCase] of binding.caseOfType) {
    const candidate = generated?.[eventType];
    if (candidate && candidate.schema === fingerprintOf(value, eventType, eventCase)) {
      ownGenerated.set(eventType, candidate);
    }
  }
  const genericWriter = (schemaId: number, field: DescField & { message: DescMessage }) => {
    const prefix = protobufFramePrefix(schemaId, valuePath);
    return (plain: Record<string, unknown>) => {
      // one init object for the wrapper and its event: `create` builds the nested messages in one go
      const init = { [binding.oneof]: { case: field.localName, value: initFromPlain(field.message, plain) } };
      return framedWith(prefix, toBinary(value, create(value, init as never)));
    };
  };
  return {
    writer(_subject, event, schemaId) {
      return genericWriter(schemaId, binding.caseOfType.get(event.eventType)!);
    },
    validatingWriter(_subject, event, schemaId) {
      const fast = ownGenerated.get(event.eventType);
      if (!fast) return undefined;
      const prefix = protobufFramePrefix(schemaId, valuePath);
      const generic = genericWriter(schemaId, binding.caseOfType.get(event.eventType)!);
      return (plain) => {
        const framed = writeGenerated(prefix, fast, plain);
        if (framed) return framed;
        // refused: the validator names why, with the errors the kit always gave; should it accept
        // the event, the generic path has the last word (its error, or its bytes)
        assertValidEvent(event, plain);
        return generic(plain);
      };
    },
    reader(schemas, schemaId) {
      const writer = protoFilesOf(schemas).root;
      const first = writer.messages[0];
      // the generated readers of the cases the writer's value message holds exactly as generated, by tag
      const fastByTag = new Map<number, { eventType: string; read: GeneratedEventCodec['read'] }>();
      if (first?.typeName === value.typeName) {
        for (const [eventType, fast] of ownGenerated) {
          const writerCase = caseOf(first, binding.caseOfType.get(eventType)!.message.typeName);
          if (writerCase && fast.schema === fingerprintOf(first, eventType, writerCase)) {
            fastByTag.set((writerCase.number << 3) | LENGTH_DELIMITED, { eventType, read: fast.read });
          }
        }
      }
      return (bytes) => {
        const firstBody = first && firstMessageBody(bytes);
        const fast = firstBody && fastByTag.size > 0 ? fastByTag.get(leadingTag(firstBody)) : undefined;
        if (fast) {
          const event = fast.read(bytes, bytes.length - firstBody!.length, bytes.length) as Record<string, unknown>;
          // anything the generated reader does not take (an incomplete event included) the generic one reads or refuses
          if (event !== undefined) return { eventType: fast.eventType, event, schemaId };
        }
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

/** Protobuf's wire type of strings, bytes and messages (the value message's cases). */
const LENGTH_DELIMITED = 2;

/** The first tag of a message body (a varint), or -1 when it is not one. */
function leadingTag(body: Uint8Array): number {
  let tag = 0;
  for (let i = 0, shift = 0; i < 5 && i < body.length; i++, shift += 7) {
    const byte = body[i]!;
    tag += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return tag;
  }
  return -1;
}

/** Scratch space the generated writers write into; one copy out per event. */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** The framed event written by the generated writer, or undefined when it refuses the event. */
function writeGenerated(prefix: Buffer, fast: GeneratedEventCodec, plain: Record<string, unknown>): Buffer | undefined {
  for (;;) {
    prefix.copy(scratch, 0);
    const end = fast.write(plain, scratch, prefix.length);
    if (end < 0) return undefined;
    if (end <= scratch.length) {
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, 0, 0, end);
      return out;
    }
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, end + 1024));
  }
}
