/**
 * The plain-form converters (src/formats/protobuf/plain.ts) against oracles that share none of
 * their code, over generated messages of the bookings-proto schemas and of a message that has
 * what those lack (lists, maps, a oneof, proto3 `optional`, bytes, every scalar):
 * - message → plain equals what @bufbuild/protobuf's own proto3 JSON of the message says, read
 *   back field by field (enum names, int64 strings as bigints, Timestamps as Dates);
 * - plain → message gives the message back (@bufbuild/protobuf `equals`), also when an int64 comes
 *   as a number;
 * - the completeness check names exactly the required fields that `isFieldSet` calls unset.
 */
import { create, equals, isFieldSet, toJson, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { base64Decode } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { protoFilesOf } from '../../../../src/formats/protobuf/files';
import { fromPlain, toPlain, toPlainChecked, TIMESTAMP } from '../../../../src/formats/protobuf/plain';
import { BookingCancelledSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_cancelled_pb';
import { BookingConfirmedSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_confirmed_pb';
import { BookingCreatedSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import { BookingFailedSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_failed_pb';
import { BookingEventSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';

const SINK = `syntax = "proto3";
package test.plain.v1;
import "google/protobuf/timestamp.proto";
message Sink {
  enum Colour { COLOUR_UNSPECIFIED = 0; COLOUR_RED = 1; COLOUR_BLUE = 2; }
  message Part { string name = 1; uint64 size = 2; Colour colour = 3; }
  double d = 1; float f = 2; int64 i64 = 3; uint64 u64 = 4; int32 i32 = 5; fixed64 f64 = 6;
  fixed32 f32 = 7; bool b = 8; string s = 9; bytes raw = 12; uint32 u32 = 13; sfixed32 sf32 = 15;
  sfixed64 sf64 = 16; sint32 si32 = 17; sint64 si64 = 18;
  Colour colour = 20;
  optional string maybe_name = 21;
  optional int64 maybe_count = 22;
  optional Colour maybe_colour = 23;
  Part part = 24;
  google.protobuf.Timestamp at = 25;
  repeated int64 counts = 30;
  repeated Colour colours = 31;
  repeated Part parts = 32;
  repeated google.protobuf.Timestamp times = 33;
  repeated string names = 34;
  map<string, Part> parts_by_name = 40;
  map<string, Colour> colour_by_name = 41;
  map<string, int64> count_by_name = 42;
  oneof choice {
    string text = 50;
    Part chosen_part = 51;
    Colour chosen_colour = 52;
    sint64 number = 53;
    google.protobuf.Timestamp when = 54;
  }
}
`;
const sink = protoFilesOf([{ schema: SINK, schemaType: 'PROTOBUF', references: [] }]).root.messages[0]!;

const schemas: DescMessage[] = [
  BookingCreatedSchema,
  BookingConfirmedSchema,
  BookingCancelledSchema,
  BookingFailedSchema,
  BookingEventSchema,
  sink,
];

type Plain = Record<string, unknown>;

// ---- generated messages -------------------------------------------------------------------------

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };

function scalarArb(scalar: number): fc.Arbitrary<unknown> {
  switch (scalar) {
    case 1:
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 2:
      return fc.float({ noNaN: true, noDefaultInfinity: true });
    case 3:
    case 16:
    case 18:
      return fc.oneof(fc.constant(0n), fc.bigInt(INT64), fc.bigInt({ min: -1000n, max: 1000n }));
    case 4:
    case 6:
      return fc.oneof(fc.constant(0n), fc.bigInt(UINT64));
    case 7:
    case 13:
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 8:
      return fc.boolean();
    case 9:
      return fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }));
    case 12:
      return fc.uint8Array({ maxLength: 6 });
    default:
      return fc.integer();
  }
}

// a known value, the zero UNSPECIFIED one, or a newer writer's (kept as a number)
const enumArb = (field: DescField) =>
  fc.oneof(fc.constantFrom(...field.enum!.values.map((v) => v.number)), fc.integer({ min: 100, max: 120 }));

// whole milliseconds (what a Date holds), years 1 to 9999 (proto3 JSON's range)
const timestampArb = fc
  .record({ seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }), ms: fc.integer({ min: 0, max: 999 }) })
  .map(({ seconds, ms }) => create(TimestampSchema, { seconds, nanos: ms * 1_000_000 }));

function valueArb(field: DescField, kind: string): fc.Arbitrary<unknown> {
  if (kind === 'enum') return enumArb(field);
  if (kind === 'message') return field.message!.typeName === TIMESTAMP ? timestampArb : messageArb(field.message!);
  return scalarArb(field.scalar!);
}

const messageArbs = new Map<DescMessage, fc.Arbitrary<Message>>();

function messageArb(schema: DescMessage): fc.Arbitrary<Message> {
  const known = messageArbs.get(schema);
  if (known) return known;
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of schema.members) {
    if (member.kind === 'oneof') {
      parts[member.localName] = fc.oneof(
        fc.constant({ case: undefined }),
        ...member.fields.map((f) => valueArb(f, f.fieldKind).map((value) => ({ case: f.localName, value }))),
      );
    } else if (member.fieldKind === 'list') {
      parts[member.localName] = fc.array(valueArb(member, member.listKind), { maxLength: 3 });
    } else if (member.fieldKind === 'map') {
      parts[member.localName] = fc.dictionary(fc.string({ maxLength: 4 }), valueArb(member, member.mapKind), {
        maxKeys: 3,
      });
    } else {
      const value = valueArb(member, member.fieldKind);
      // proto3: a message or an `optional` scalar may be absent; any other scalar is always there
      parts[member.localName] =
        member.fieldKind === 'message' || member.proto.proto3Optional ? fc.option(value, { nil: undefined }) : value;
    }
  }
  const arb = fc.record(parts).map((init) => create(schema, init as never) as Message);
  messageArbs.set(schema, arb);
  return arb;
}

const anyMessage = fc
  .constantFrom(...schemas)
  .chain((schema) => messageArb(schema).map((message) => ({ schema, message })));

// ---- the oracles --------------------------------------------------------------------------------

/** The plain form read from @bufbuild/protobuf's proto3 JSON of the message (every implicit field emitted, by .proto field name: the run-time parser leaves json_name unset). */
function plainFromJson(schema: DescMessage, json: Plain): Plain {
  const out: Plain = {};
  for (const field of schema.fields) {
    const value = json[field.name];
    if (value === undefined) continue;
    if (field.fieldKind === 'list')
      out[field.localName] = (value as unknown[]).map((v) => fromJsonValue(field, field.listKind, v));
    else if (field.fieldKind === 'map') {
      out[field.localName] = Object.fromEntries(
        Object.entries(value as Plain).map(([k, v]) => [k, fromJsonValue(field, field.mapKind, v)]),
      );
    } else out[field.localName] = fromJsonValue(field, field.fieldKind, value);
  }
  return out;
}

function fromJsonValue(field: DescField, kind: string, value: unknown): unknown {
  // proto3 JSON spells an enum by its name, a value the schema does not know by its number: the plain form too
  if (kind === 'enum') return value;
  if (kind === 'message') {
    return field.message!.typeName === TIMESTAMP
      ? new Date(value as string)
      : plainFromJson(field.message!, value as Plain);
  }
  const scalar = field.scalar!;
  if (scalar === 3 || scalar === 4 || scalar === 6 || scalar === 16 || scalar === 18) return BigInt(value as string);
  if (scalar === 12) return base64Decode(value as string);
  return value;
}

function requiredUnset(schema: DescMessage, message: Message): string[] {
  return schema.fields
    .filter((f) => f.fieldKind === 'message' || f.fieldKind === 'enum' || (f.fieldKind === 'scalar' && f.scalar === 9))
    .filter((f) => !isFieldSet(message as never, f))
    .map((f) => f.localName);
}

/** The plain form with every int64 that a number holds exactly given as a number, as a producer may. */
function int64sAsNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= -(2n ** 53n) + 1n && value <= 2n ** 53n - 1n ? Number(value) : value;
  if (Array.isArray(value)) return value.map(int64sAsNumbers);
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, int64sAsNumbers(v)]));
  }
  return value;
}

// ---- the properties -----------------------------------------------------------------------------

describe('Protobuf plain form converters', () => {
  it('parses the test message that has what the bookings events lack', () => {
    expect(sink.fields.map((f) => f.fieldKind)).toEqual(expect.arrayContaining(['list', 'map', 'enum', 'message']));
    expect(sink.oneofs).toHaveLength(1);
  });

  it('message → plain is what proto3 JSON of the message says', () => {
    fc.assert(
      fc.property(anyMessage, ({ schema, message }) => {
        const json = toJson(schema, message as never, { alwaysEmitImplicit: true, useProtoFieldName: true }) as Plain;
        expect(toPlain(schema, message)).toStrictEqual(plainFromJson(schema, json));
      }),
      { numRuns: 400 },
    );
  });

  it('plain → message gives the message back, an int64 given as a number too', () => {
    fc.assert(
      fc.property(anyMessage, ({ schema, message }) => {
        const plain = toPlain(schema, message);
        expect(equals(schema, fromPlain(schema, plain) as never, message as never)).toBe(true);
        // `equals` takes 5 for 5n: the plain form read back must hold the bigint again
        const fromNumbers = fromPlain(schema, int64sAsNumbers(plain) as Plain);
        expect(equals(schema, fromNumbers as never, message as never)).toBe(true);
        expect(toPlain(schema, fromNumbers)).toStrictEqual(plain);
      }),
      { numRuns: 400 },
    );
  });

  it('the completeness check names the required fields isFieldSet calls unset, in field order, beside the same plain form', () => {
    fc.assert(
      fc.property(anyMessage, ({ schema, message }) => {
        const { plain, unset } = toPlainChecked(schema, message);
        expect(unset).toEqual(requiredUnset(schema, message));
        expect(plain).toStrictEqual(toPlain(schema, message));
      }),
      { numRuns: 400 },
    );
  });

  it('takes the last case of a oneof a plain value sets more than one of (field order)', () => {
    const message = fromPlain(sink, { text: 'a', number: 5, chosenColour: 'COLOUR_RED' }) as unknown as Plain;
    expect(message.choice).toEqual({ case: 'number', value: 5n });
  });

  it('refuses an enum name the schema does not know, naming the field', () => {
    expect(() => fromPlain(sink, { colour: 'COLOUR_GREEN' })).toThrow(
      'test.plain.v1.Sink.colour: "COLOUR_GREEN" is not a value of test.plain.v1.Sink.Colour',
    );
  });
});
