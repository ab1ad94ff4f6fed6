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
import { equals, isFieldSet, toJson, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { base64Decode } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { protoFilesOf } from '../../../../src/formats/protobuf/files';
import { EVERY_KIND_OF_FIELD, messageArb } from '../../../support/protobuf-arbitraries';
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
${EVERY_KIND_OF_FIELD}  map<string, int64> count_by_name = 42;
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
