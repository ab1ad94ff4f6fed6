/**
 * fast-check arbitraries of Protobuf messages of any descriptor (@bufbuild/protobuf messages, built
 * with `create`): every scalar across its range, enums (a known value, the zero UNSPECIFIED one, or
 * a newer writer's number), Timestamps in whole milliseconds, lists, maps, oneofs, proto3
 * `optional` fields present or absent. For the Protobuf tests of the plain form and of the
 * generated codec.
 */
import { create, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import fc from 'fast-check';
import { is64Bit, TIMESTAMP } from '../../src/formats/protobuf/plain';

/**
 * The fields of a test message with every kind of field the bookings messages lack (each scalar,
 * an enum, proto3 `optional`, a nested message with a oneof, Timestamps, lists packed and not, maps of
 * every key kind), as .proto text
 * inside a `message` whose file imports google/protobuf/timestamp.proto.
 */
export const EVERY_KIND_OF_FIELD = `
  enum Colour { COLOUR_UNSPECIFIED = 0; COLOUR_RED = 1; COLOUR_BLUE = 2; }
  message Tag { string text = 1; sint64 weight = 2; }
  message Part {
    string name = 1; uint64 size = 2; Colour colour = 3; google.protobuf.Timestamp at = 4; optional bool seen = 5;
    oneof pick { string label = 6; Colour tint = 7; google.protobuf.Timestamp when = 8; Tag tag = 9; sint64 rank = 10; }
    int32 after = 11;
  }
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
  repeated bytes blobs = 35;
  repeated double ratios = 36;
  repeated sint32 deltas = 37;
  repeated bool flags = 38;
  map<string, Part> parts_by_name = 43;
  map<int32, Colour> colour_by_id = 44;
  map<int64, string> name_by_big = 45;
  map<bool, google.protobuf.Timestamp> time_by_flag = 46;
  map<uint32, sint64> count_by_id = 47;
  map<string, bytes> blob_by_name = 48;
`;

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
      return fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }), fc.string({ maxLength: 4, unit: 'grapheme' }));
    case 12:
      return fc.uint8Array({ maxLength: 6 });
    default:
      return fc.integer();
  }
}

/** `knownEnums`: enums hold only values their schema names (what a producer may send). */
export interface MessageArbOptions {
  knownEnums?: boolean;
}

// a known value, the zero UNSPECIFIED one, or a newer writer's (kept as a number)
const enumArb = (field: DescField, options: MessageArbOptions) => {
  const known = fc.constantFrom(...field.enum!.values.map((v) => v.number));
  return options.knownEnums ? known : fc.oneof(known, fc.integer({ min: 100, max: 120 }));
};

// whole milliseconds (what a Date holds), years 1 to 9999 (proto3 JSON's range)
const timestampArb = fc
  .record({ seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }), ms: fc.integer({ min: 0, max: 999 }) })
  .map(({ seconds, ms }) => create(TimestampSchema, { seconds, nanos: ms * 1_000_000 }));

function valueArb(field: DescField, kind: string, options: MessageArbOptions): fc.Arbitrary<unknown> {
  if (kind === 'enum') return enumArb(field, options);
  if (kind === 'message') {
    return field.message!.typeName === TIMESTAMP ? timestampArb : messageArb(field.message!, options);
  }
  return scalarArb(field.scalar!);
}

/** One arbitrary per message and options (a recursive message refers to its own). */
const messageArbs = new Map<string, Map<DescMessage, fc.Arbitrary<Message>>>();

export function messageArb(schema: DescMessage, options: MessageArbOptions = {}): fc.Arbitrary<Message> {
  const mode = JSON.stringify(options);
  if (!messageArbs.has(mode)) messageArbs.set(mode, new Map());
  const arbs = messageArbs.get(mode)!;
  const known = arbs.get(schema);
  if (known) return known;
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of schema.members) {
    if (member.kind === 'oneof') {
      parts[member.localName] = fc.oneof(
        fc.constant({ case: undefined }),
        ...member.fields.map((f) => valueArb(f, f.fieldKind, options).map((value) => ({ case: f.localName, value }))),
      );
    } else if (member.fieldKind === 'list') {
      parts[member.localName] = fc.array(valueArb(member, member.listKind, options), { maxLength: 3 });
    } else if (member.fieldKind === 'map') {
      parts[member.localName] = fc.dictionary(mapKeyArb(member.mapKey), valueArb(member, member.mapKind, options), {
        maxKeys: 3,
      });
    } else {
      const value = valueArb(member, member.fieldKind, options);
      // proto3: a message or an `optional` scalar may be absent; any other scalar is always there
      parts[member.localName] =
        member.fieldKind === 'message' || member.proto.proto3Optional ? fc.option(value, { nil: undefined }) : value;
    }
  }
  const arb = fc.record(parts).map((init) => create(schema, init as never) as Message);
  arbs.set(schema, arb);
  return arb;
}

/**
 * `message` made an event the contract takes (what the writable validator and the completeness
 * check ask beyond proto3): the discriminator set to `eventType`, every string non-empty, every
 * enum set (not its zero value), every message and `optional` field present.
 */
export function asCompleteEvent(
  schema: DescMessage,
  message: Message,
  discriminator: string,
  eventType: string,
): Message {
  const m = message as unknown as Record<string, unknown>;
  for (const field of schema.fields) {
    const name = field.localName;
    if (field.fieldKind === 'scalar' && field.scalar === 9 && !m[name]) m[name] = 'x';
    else if (field.fieldKind === 'enum' && !m[name]) m[name] = field.enum.values[1]!.number;
    else if (field.fieldKind === 'message' && m[name] === undefined) m[name] = create(field.message);
    else if (field.fieldKind === 'scalar' && m[name] === undefined) m[name] = zeroOf(field.scalar);
  }
  m[discriminator] = eventType;
  return message;
}

function zeroOf(scalar: number): unknown {
  if (scalar === 8) return false;
  if (scalar === 12) return new Uint8Array(0);
  return is64Bit(scalar) ? 0n : 0;
}

/** A map's key as its object key spells it: the string of an integer or bigint in the key type's range, "true" or "false". */
function mapKeyArb(scalar: number): fc.Arbitrary<string> {
  if (scalar === 9) return fc.string({ maxLength: 4 });
  if (scalar === 8) return fc.constantFrom('true', 'false');
  if (is64Bit(scalar)) return fc.bigInt(scalar === 4 || scalar === 6 ? UINT64 : INT64).map(String);
  if (scalar === 7 || scalar === 13) return fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String);
  return fc.integer().map(String);
}
