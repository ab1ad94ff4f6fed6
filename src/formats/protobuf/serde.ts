/**
 * Protobuf reading and writing as Confluent's Protobuf serializers frame it: the 5-byte header,
 * the message-index array naming the message inside the registered file, then the message in
 * Protobuf's binary encoding (@bufbuild/protobuf). Shaped like the format seam's codec: a writer
 * per event type and schema ID, a reader per writer schema ID, both built once.
 *
 * A topic's value schema is a wrapper message with one `oneof` whose cases are the events
 * (schemas/README.md, Protobuf): the case is the event type, and the event's own discriminator
 * field must agree with it on the way out and on the way in.
 */
import {
  create,
  fromBinary,
  isFieldSet,
  toBinary,
  type DescField,
  type DescFile,
  type DescMessage,
  type Message,
} from '@bufbuild/protobuf';
import { DecodeError, EventValidationError, UnknownEventTypeError, type ValidationIssue } from '../../errors';
import {
  decodeProtobufFrame,
  encodeProtobufFrame,
  firstMessageBody,
  framedWith,
  protobufFramePrefix,
} from '../../wire/message-indexes';
import { messageAtPath, messageIndexPath } from './message-path';

/** A Protobuf topic: its value message, the `oneof` that holds the event, and event type → case. */
export interface ProtobufTopicBinding {
  /** The value schema's message: the first message of the topic's file (message index [0]). */
  value: DescMessage;
  /** Name of the `oneof` in `value` whose cases are the events. */
  oneof: string;
  /** Event type (e.g. booking.created) → the case's field name in `oneof` (e.g. created). */
  events: Readonly<Record<string, string>>;
  /** The field of each event message that repeats its event type (e.g. eventType). */
  discriminator: string;
}

/** Writes one event of a known type: the whole framed message. */
export type ProtobufEventWriter = (event: Message) => Buffer;
/** Reads one framed message of the topic. */
export type ProtobufEventReader = (message: Buffer) => { eventType: string; event: Message };

export interface ProtobufEventCodec {
  writer(eventType: string, schemaId: number): ProtobufEventWriter;
  reader(schemaId: number): ProtobufEventReader;
}

/** Frames any message as Confluent's ProtobufSerializer does, its index path taken from its descriptor. */
export function encodeProtobufMessage<Desc extends DescMessage>(
  schemaId: number,
  schema: Desc,
  message: Message,
): Buffer {
  return encodeProtobufFrame(schemaId, messageIndexPath(schema), toBinary(schema, message as never));
}

/**
 * Reads a framed message of `file` (the writer's schema, or a reader's version of it): the
 * message-index path picks the message type, the body is decoded with it.
 */
export function decodeProtobufMessage(
  file: DescFile,
  bytes: Uint8Array,
): { schemaId: number; schema: DescMessage; message: Message } {
  const { schemaId, messageIndexes, body } = decodeProtobufFrame(bytes);
  const schema = messageAtPath(file, messageIndexes, schemaId);
  return { schemaId, schema, message: decodeBody(schema, body, schemaId) };
}

function decodeBody(schema: DescMessage, body: Uint8Array, schemaId: number): Message {
  try {
    return fromBinary(schema, body);
  } catch (cause) {
    throw new DecodeError(
      `the body is not a valid ${schema.typeName} (schema ${schemaId}): ${(cause as Error).message}`,
      schemaId,
      { cause },
    );
  }
}

export function createProtobufCodec(binding: ProtobufTopicBinding): ProtobufEventCodec {
  const oneof = binding.value.oneofs.find((o) => o.name === binding.oneof);
  if (!oneof) throw new DecodeError(`${binding.value.typeName} has no oneof "${binding.oneof}"`);
  const known = Object.keys(binding.events);
  const caseOf = (eventType: string): DescField & { message: DescMessage } => {
    const name = binding.events[eventType];
    const field = oneof.fields.find((f) => f.name === name);
    if (!field) throw new UnknownEventTypeError(eventType, known);
    if (field.fieldKind !== 'message')
      throw new DecodeError(`${binding.value.typeName}.${field.name} is not a message`);
    return field;
  };
  const typeOfCase = new Map(Object.entries(binding.events).map(([type, name]) => [name, type]));

  return {
    writer(eventType, schemaId) {
      const field = caseOf(eventType);
      const prefix = protobufFramePrefix(schemaId, messageIndexPath(binding.value));
      return (event) => {
        assertComplete(eventType, field.message, event, binding.discriminator);
        const value = create(binding.value, { [oneof.localName]: { case: field.localName, value: event } } as never);
        return framedWith(prefix, toBinary(binding.value, value));
      };
    },
    reader(schemaId) {
      const first = binding.value.file.messages[0]!;
      return (bytes) => {
        const firstBody = firstMessageBody(bytes);
        const { schema, message } = firstBody
          ? { schema: first, message: decodeBody(first, firstBody, schemaId) }
          : decodeProtobufMessage(binding.value.file, bytes);
        if (schema.typeName !== binding.value.typeName) {
          throw new DecodeError(
            `schema ${schemaId} frames a ${schema.typeName}; the topic's messages are ${binding.value.typeName}`,
            schemaId,
          );
        }
        const held = (message as unknown as Record<string, { case?: string; value?: Message }>)[oneof.localName];
        const field = oneof.fields.find((f) => f.localName === held?.case);
        const eventType = field && typeOfCase.get(field.name);
        if (!eventType || !held?.value) {
          throw new DecodeError(
            `the ${schema.typeName} holds no known event (its ${oneof.name} is ${held?.case ?? 'unset'}; known: ${known.join(', ')})`,
            schemaId,
          );
        }
        const written = (held.value as unknown as Record<string, unknown>)[binding.discriminator];
        if (written !== eventType) {
          throw new DecodeError(
            `the ${field.name} case holds an event whose ${binding.discriminator} is "${String(written)}", not "${eventType}"`,
            schemaId,
          );
        }
        return { eventType, event: held.value };
      };
    },
  };
}

/**
 * proto3 has no required fields; the contract does: every top-level field of an event (the
 * envelope and its data) must be set — a non-empty string, a non-zero enum, a present message —
 * and the discriminator must name the event's own type.
 */
function assertComplete(eventType: string, schema: DescMessage, event: Message, discriminator: string): void {
  const issues: ValidationIssue[] = [];
  if (event.$typeName !== schema.typeName) {
    issues.push({ path: '/', expected: schema.typeName, keyword: 'type', message: `is a ${event.$typeName}` });
  }
  for (const field of schema.fields) {
    if (!isFieldSet(event as never, field)) {
      const expected =
        field.fieldKind === 'enum'
          ? `one of ${field.enum.values
              .slice(1)
              .map((v) => v.name)
              .join(', ')}`
          : 'a value';
      issues.push({ path: `/${field.localName}`, expected, keyword: 'required', message: 'is not set' });
    }
  }
  const written = (event as unknown as Record<string, unknown>)[discriminator];
  if (written !== undefined && written !== '' && written !== eventType) {
    issues.push({
      path: `/${discriminator}`,
      expected: `"${eventType}"`,
      keyword: 'const',
      message: `is "${String(written)}"`,
    });
  }
  if (issues.length > 0) throw new EventValidationError(eventType, issues);
}
