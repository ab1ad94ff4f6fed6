/**
 * What ties a generated Protobuf codec to the messages it was generated from: a hash of every
 * message and enum an event reaches, with what decides its bytes and its plain form (field numbers,
 * names, kinds, presence, packing, enum values), and of the value message's case that holds the
 * event and the discriminator the codec checks. Codegen and the runtime compute it alike from
 * parsed descriptors (not from schema text, which a registry may reformat), so a stale `codec.ts`
 * is never used for messages it was not written for.
 */
import { createHash } from 'node:crypto';
import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';

export interface ProtobufCodecTarget {
  value: DescMessage;
  /** The value message's oneof case that holds the event. */
  eventCase: DescField & { message: DescMessage };
  eventType: string;
  discriminator: string;
}

export function protobufCodecFingerprint(target: ProtobufCodecTarget): string {
  const messages: unknown[] = [];
  const enums: unknown[] = [];
  const seen = new Set<string>();
  const visitEnum = (e: DescEnum) => {
    if (seen.has(`enum:${e.typeName}`)) return;
    seen.add(`enum:${e.typeName}`);
    enums.push([e.typeName, e.open, e.values.map((v) => [v.name, v.number])]);
  };
  const visit = (message: DescMessage) => {
    if (seen.has(message.typeName)) return;
    seen.add(message.typeName);
    messages.push([message.typeName, message.file.edition, message.fields.map(describeField)]);
    for (const field of message.fields) {
      if (field.message) visit(field.message);
      if (field.enum) visitEnum(field.enum);
    }
  };
  visit(target.eventCase.message);
  const { value, eventCase, eventType, discriminator } = target;
  const head = [
    value.typeName,
    eventCase.number,
    eventCase.localName,
    eventCase.oneof?.localName,
    eventType,
    discriminator,
  ];
  return createHash('sha256')
    .update(JSON.stringify([head, messages, enums]))
    .digest('hex');
}

function describeField(field: DescField): unknown {
  // the members each kind of field has (scalar, listKind, packed, …), absent ones as null
  const f = field as unknown as Record<string, unknown>;
  const own = [
    'scalar',
    'listKind',
    'mapKind',
    'mapKey',
    'packed',
    'longAsString',
    'delimitedEncoding',
    'utf8Validation',
  ];
  return [
    field.number,
    field.localName,
    field.fieldKind,
    field.presence,
    ...own.map((key) => f[key] ?? null),
    field.oneof?.localName ?? null,
    field.message?.typeName ?? null,
    field.enum?.typeName ?? null,
  ];
}
