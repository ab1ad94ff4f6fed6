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
import { create, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import {
  FeatureSet_FieldPresence,
  isWrapperDesc,
  timestampDate,
  timestampFromDate,
  type Timestamp,
} from '@bufbuild/protobuf/wkt';

export const TIMESTAMP = 'google.protobuf.Timestamp';

type Plain = Record<string, unknown>;

/** Whether a singular field is left out of the plain form when it is not set. */
export function absentWhenUnset(field: DescField): boolean {
  return (
    (field.fieldKind === 'scalar' || field.fieldKind === 'enum' || field.fieldKind === 'message') &&
    field.presence !== FeatureSet_FieldPresence.IMPLICIT
  );
}

/**
 * Each message type's conversions are compiled once, on first use, into a list of per-field steps
 * (enum name ↔ number maps, oneof cases by name, presence rules resolved in advance), so
 * converting an event is a walk over that list rather than over the descriptor.
 */
interface Converters {
  /** Message → plain form; when `missing` is given, the fields the contract requires but the message leaves unset are pushed to it. */
  toPlain(source: Plain, missing: string[] | undefined): Plain;
  /** Plain form → @bufbuild/protobuf init object (nested messages as init objects, which `create` converts in one go). */
  toInit(plain: Plain): Plain;
}

type Step = (from: Plain, to: Plain, missing: string[] | undefined) => void;
type Convert = (value: unknown) => unknown;

const compiled = new WeakMap<DescMessage, Converters>();

function convertersOf(schema: DescMessage): Converters {
  let converters = compiled.get(schema);
  if (!converters) {
    converters = compile(schema);
    compiled.set(schema, converters);
  }
  return converters;
}

export function toPlain(schema: DescMessage, message: Message): Plain {
  return convertersOf(schema).toPlain(message as unknown as Plain, undefined);
}

/**
 * The plain form of a decoded event and, in the same walk, the fields of it proto3 lets a writer
 * leave unset that the contract requires: strings (empty), enums (the zero UNSPECIFIED value) and
 * messages (absent). Numbers and bools may be 0.
 */
export function toPlainChecked(schema: DescMessage, message: Message): { plain: Plain; unset: string[] } {
  const unset: string[] = [];
  return { plain: convertersOf(schema).toPlain(message as unknown as Plain, unset), unset };
}

/**
 * A message from its plain form (validated by the contract beforehand, so a value of the wrong
 * kind is not expected here; an unknown enum name is refused all the same).
 */
export function fromPlain<Desc extends DescMessage>(schema: Desc, plain: Plain): Message {
  return create(schema, convertersOf(schema).toInit(plain) as never);
}

/** The init object of a message from its plain form, for `create` (alone or nested in a parent's init). */
export function initFromPlain(schema: DescMessage, plain: Plain): Plain {
  return convertersOf(schema).toInit(plain);
}

/** Whether the contract requires the field set (see toPlainChecked). */
function requiredByContract(field: DescField): boolean {
  return (
    field.fieldKind === 'message' || field.fieldKind === 'enum' || (field.fieldKind === 'scalar' && field.scalar === 9)
  );
}

function compile(schema: DescMessage): Converters {
  const reads: Step[] = [];
  for (const member of schema.members) {
    if (member.kind === 'oneof') reads.push(readOneof(member.localName, member.fields));
    else reads.push(readField(member));
  }
  const writes = schema.fields.map(writeField);
  return {
    toPlain(source, missing) {
      const out: Plain = {};
      for (let i = 0; i < reads.length; i++) reads[i]!(source, out, missing);
      return out;
    },
    toInit(plain) {
      const init: Plain = {};
      for (let i = 0; i < writes.length; i++) writes[i]!(plain, init, undefined);
      return init;
    },
  };
}

function readOneof(name: string, fields: readonly DescField[]): Step {
  const cases = new Map<string, Convert>();
  for (const field of fields) cases.set(field.localName, fromWire(field, field.fieldKind));
  const required = fields.filter(requiredByContract).map((f) => f.localName);
  return (source, out, missing) => {
    const held = source[name] as { case?: string; value?: unknown };
    const convert = held.case === undefined ? undefined : cases.get(held.case);
    if (convert) out[held.case!] = convert(held.value);
    if (missing) for (const r of required) if (r !== held.case) missing.push(r);
  };
}

function readField(field: DescField): Step {
  const name = field.localName;
  const required = requiredByContract(field);
  if (field.fieldKind === 'list') {
    const convert = fromWire(field, field.listKind);
    return (source, out) => {
      const value = source[name] as unknown[];
      out[name] = convert === identity ? value.slice() : value.map((v) => convert(v));
    };
  }
  if (field.fieldKind === 'map') {
    const convert = fromWire(field, field.mapKind);
    return (source, out) => {
      const value = source[name] as Plain;
      const converted: Plain = {};
      for (const key of Object.keys(value)) setOwn(converted, key, convert(value[key]));
      out[name] = converted;
    };
  }
  const convert = fromWire(field, field.fieldKind);
  if (absentWhenUnset(field)) {
    return (source, out, missing) => {
      const value = source[name];
      if (value === undefined || !Object.prototype.hasOwnProperty.call(source, name)) {
        if (required && missing) missing.push(name);
        return;
      }
      out[name] = convert(value);
    };
  }
  if (!required) return (source, out) => void (out[name] = convert(source[name]));
  // an implicit string or enum: unset is its zero value
  const zero = field.fieldKind === 'enum' ? field.enum.values[0]!.number : '';
  return (source, out, missing) => {
    const value = source[name];
    if (missing && value === zero) missing.push(name);
    out[name] = convert(value);
  };
}

/** A map entry as an own property, even under the key `__proto__`. */
function setOwn(target: Plain, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const identity: Convert = (value) => value;

/** A singular value, list element or map value of the message → its plain form. */
function fromWire(field: DescField, kind: 'scalar' | 'enum' | 'message' | 'list' | 'map'): Convert {
  if (kind === 'enum') {
    const names = new Map<number, string>();
    for (const v of field.enum!.values) if (!names.has(v.number)) names.set(v.number, v.name);
    // an unknown value (a newer writer's) stays its number
    return (value) => names.get(value as number) ?? value;
  }
  if (kind === 'message') {
    const schema = field.message!;
    if (schema.typeName === TIMESTAMP) return (value) => timestampDate(value as Timestamp);
    // resolved on first use: the message type may be this very field's parent, still compiling
    let converters: Converters | undefined;
    return (value) => (converters ??= convertersOf(schema)).toPlain(value as Plain, undefined);
  }
  return identity;
}

function writeField(field: DescField): Step {
  const name = field.localName;
  const oneof = field.oneof?.localName;
  let convert: Convert;
  if (field.fieldKind === 'list') {
    const element = toWire(field, field.listKind);
    convert = (value) => (value as unknown[]).map((v) => element(v));
  } else if (field.fieldKind === 'map') {
    const element = toWire(field, field.mapKind);
    convert = (value) => {
      const converted: Plain = {};
      for (const key of Object.keys(value as Plain)) setOwn(converted, key, element((value as Plain)[key]));
      return converted;
    };
  } else convert = toWire(field, field.fieldKind);
  if (oneof !== undefined) {
    // the last case given wins, as a later assignment would
    return (plain, init) => {
      const value = plain[name];
      if (value !== undefined) init[oneof] = { case: name, value: convert(value) };
    };
  }
  return (plain, init) => {
    const value = plain[name];
    if (value !== undefined) init[name] = convert(value);
  };
}

/** A singular value, list element or map value in its plain form → the message's (or init's). */
function toWire(field: DescField, kind: 'scalar' | 'enum' | 'message'): Convert {
  if (kind === 'enum') {
    const numbers = new Map<string, number>();
    for (const v of field.enum!.values) if (!numbers.has(v.name)) numbers.set(v.name, v.number);
    return (value) => {
      if (typeof value === 'number') return value;
      const number = numbers.get(value as string);
      if (number === undefined)
        throw new TypeError(
          `${field.parent.typeName}.${field.name}: "${String(value)}" is not a value of ${field.enum!.typeName}`,
        );
      return number;
    };
  }
  if (kind === 'message') {
    const schema = field.message!;
    let converters: Converters | undefined;
    const init = (value: unknown) => (converters ??= convertersOf(schema)).toInit(value as Plain);
    // `create` converts a nested init object, except where it takes the field's value as it is
    // (a wrapper type's unwrapped scalar, a Struct's JSON object): a message is built for it there
    const nested = !createsNested(field) ? (value: unknown) => create(schema, init(value) as never) : init;
    if (schema.typeName === TIMESTAMP)
      return (value) => (value instanceof Date ? timestampFromDate(value) : nested(value));
    return nested;
  }
  if (is64Bit(field.scalar!)) return (value) => (typeof value === 'number' ? BigInt(value) : value);
  return identity;
}

/** Whether @bufbuild/protobuf's `create` turns an init object in this field into the field's message. */
function createsNested(field: DescField): boolean {
  if (field.fieldKind === 'message' && !field.oneof && isWrapperDesc(field.message)) return false;
  return field.message!.typeName !== 'google.protobuf.Struct' || field.parent.typeName === 'google.protobuf.Value';
}

/** INT64, UINT64, FIXED64, SFIXED64, SINT64: the scalars @bufbuild/protobuf gives as bigints. */
export function is64Bit(scalar: number): boolean {
  return scalar === 3 || scalar === 4 || scalar === 6 || scalar === 16 || scalar === 18;
}
