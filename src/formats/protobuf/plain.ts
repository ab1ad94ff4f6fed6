/**
 * The kit's plain form of a Protobuf message: what a contract's consumer receives and its
 * producer accepts, the same kind of value the Avro and JSON Schema topics give. Field names are
 * @bufbuild/protobuf's (camelCase, so `event_type` is `eventType`, the config's discriminator),
 * a google.protobuf.Timestamp is a Date, 64-bit integers are bigints, an enum is its value's name
 * (proto3 JSON's spelling) or, for a value the reader's schema does not know (a newer writer's),
 * its number. A oneof is flattened: its set member is a property, the others are absent. A
 * singular field with explicit presence (a message, proto3 `optional`) is absent when unset; a
 * proto3 scalar is always there (its default when not written). src/formats/protobuf/projection.ts
 * gives the TypeScript types of exactly these values.
 */
import { create, isFieldSet, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { FeatureSet_FieldPresence, timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';

export const TIMESTAMP = 'google.protobuf.Timestamp';

type Plain = Record<string, unknown>;

/** Whether a singular field is left out of the plain form when it is not set. */
export function absentWhenUnset(field: DescField): boolean {
  return (
    (field.fieldKind === 'scalar' || field.fieldKind === 'enum' || field.fieldKind === 'message') &&
    field.presence !== FeatureSet_FieldPresence.IMPLICIT
  );
}

export function toPlain(schema: DescMessage, message: Message): Plain {
  const source = message as unknown as Record<string, unknown>;
  const out: Plain = {};
  for (const member of schema.members) {
    if (member.kind === 'oneof') {
      const held = source[member.localName] as { case?: string; value?: unknown };
      const field = held.case === undefined ? undefined : member.fields.find((f) => f.localName === held.case);
      if (field) out[field.localName] = singular(field, held.value);
      continue;
    }
    if (absentWhenUnset(member) && !isFieldSet(message as never, member)) continue;
    const value = source[member.localName];
    if (member.fieldKind === 'list') out[member.localName] = (value as unknown[]).map((v) => element(member, v));
    else if (member.fieldKind === 'map') {
      out[member.localName] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, element(member, v)]),
      );
    } else out[member.localName] = singular(member, value);
  }
  return out;
}

function singular(field: DescField, value: unknown): unknown {
  if (field.fieldKind === 'enum') return enumName(field.enum.values, value as number);
  if (field.fieldKind === 'message') return messageValue(field.message, value as Message);
  return value;
}

/** An element of a list or a value of a map. */
function element(field: DescField & { fieldKind: 'list' | 'map' }, value: unknown): unknown {
  const kind = field.fieldKind === 'list' ? field.listKind : field.mapKind;
  if (kind === 'enum') return enumName(field.enum!.values, value as number);
  if (kind === 'message') return messageValue(field.message!, value as Message);
  return value;
}

function messageValue(schema: DescMessage, value: Message): unknown {
  return schema.typeName === TIMESTAMP ? timestampDate(value as Timestamp) : toPlain(schema, value);
}

function enumName(values: ReadonlyArray<{ name: string; number: number }>, number: number): string | number {
  return values.find((v) => v.number === number)?.name ?? number;
}

/**
 * A message from its plain form (validated by the contract beforehand, so a value of the wrong
 * kind is not expected here; an unknown enum name is refused all the same).
 */
export function fromPlain<Desc extends DescMessage>(schema: Desc, plain: Plain): Message {
  return create(schema, initOf(schema, plain) as never);
}

function initOf(schema: DescMessage, plain: Plain): Plain {
  const init: Plain = {};
  for (const field of schema.fields) {
    const value = plain[field.localName];
    if (value === undefined) continue;
    let converted: unknown;
    if (field.fieldKind === 'list') converted = (value as unknown[]).map((v) => toElement(field, v));
    else if (field.fieldKind === 'map') {
      converted = Object.fromEntries(Object.entries(value as Plain).map(([k, v]) => [k, toElement(field, v)]));
    } else converted = toSingular(field, value);
    if (field.oneof) init[field.oneof.localName] = { case: field.localName, value: converted };
    else init[field.localName] = converted;
  }
  return init;
}

function toSingular(field: DescField, value: unknown): unknown {
  if (field.fieldKind === 'enum') return enumNumber(field, value);
  if (field.fieldKind === 'message') return toMessageInit(field.message, value);
  if (field.fieldKind === 'scalar' && typeof value === 'number' && is64Bit(field.scalar)) return BigInt(value);
  return value;
}

function toElement(field: DescField & { fieldKind: 'list' | 'map' }, value: unknown): unknown {
  const kind = field.fieldKind === 'list' ? field.listKind : field.mapKind;
  if (kind === 'enum') return enumNumber(field, value);
  if (kind === 'message') return toMessageInit(field.message!, value);
  if (typeof value === 'number' && is64Bit(field.scalar!)) return BigInt(value);
  return value;
}

function toMessageInit(schema: DescMessage, value: unknown): unknown {
  if (schema.typeName === TIMESTAMP && value instanceof Date) return timestampFromDate(value);
  return create(schema, initOf(schema, value as Plain) as never);
}

function enumNumber(field: DescField, value: unknown): number {
  if (typeof value === 'number') return value;
  const found = field.enum!.values.find((v) => v.name === value);
  if (!found)
    throw new TypeError(
      `${field.parent.typeName}.${field.name}: "${String(value)}" is not a value of ${field.enum!.typeName}`,
    );
  return found.number;
}

/** INT64, UINT64, FIXED64, SFIXED64, SINT64: the scalars @bufbuild/protobuf gives as bigints. */
export function is64Bit(scalar: number): boolean {
  return scalar === 3 || scalar === 4 || scalar === 6 || scalar === 16 || scalar === 18;
}
