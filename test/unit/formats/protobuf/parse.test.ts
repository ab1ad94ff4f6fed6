/**
 * The run-time .proto parser gives the descriptors buf gives: the committed protoc-gen-es output
 * embeds buf's FileDescriptorProto of each file of schemas/proto (kept fresh by
 * protobuf-generated.test.ts), and the parser's descriptor of the same text must be that one —
 * messages, fields, numbers, labels, types, nested types, enums, oneofs, in the same order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { clone, create, toBinary, toJson, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { SchemaFileError } from '../../../../src/errors';
import { messageIndexPath } from '../../../../src/formats/protobuf';
import { parseProtoFiles, type ProtoSource } from '../../../../src/formats/protobuf/parse';
import { file_travel_bookings_v1_booking_cancelled } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_cancelled_pb';
import { file_travel_bookings_v1_booking_confirmed } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_confirmed_pb';
import { file_travel_bookings_v1_booking_created } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import { file_travel_bookings_v1_booking_failed } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_failed_pb';
import { file_travel_bookings_v1_booking_type } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_type_pb';
import { file_travel_bookings_v1_bookings_value } from '../../../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';
import { file_travel_bookings_v1_money } from '../../../../src/generated-protobuf/travel/bookings/v1/money_pb';

const protoRoot = resolve(__dirname, '..', '..', '..', '..', 'schemas', 'proto');
const sources: ProtoSource[] = readdirSync(protoRoot, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.proto'))
  .map((entry) => {
    const path = join(entry.parentPath, entry.name);
    return { name: relative(protoRoot, path), text: readFileSync(path, 'utf8') };
  });

const BUF_BUILT: DescFile[] = [
  file_travel_bookings_v1_booking_cancelled,
  file_travel_bookings_v1_booking_confirmed,
  file_travel_bookings_v1_booking_created,
  file_travel_bookings_v1_booking_failed,
  file_travel_bookings_v1_booking_type,
  file_travel_bookings_v1_bookings_value,
  file_travel_bookings_v1_money,
];

/** protoc-gen-es embeds descriptors without source info and default JSON names: compare those parts. */
function comparable(proto: FileDescriptorProto): Uint8Array {
  const copy = clone(FileDescriptorProtoSchema, proto);
  copy.sourceCodeInfo = undefined;
  const strip = (messages: typeof copy.messageType): void => {
    for (const m of messages) {
      for (const f of m.field) f.jsonName = '';
      strip(m.nestedType);
    }
  };
  strip(copy.messageType);
  return toBinary(FileDescriptorProtoSchema, copy);
}

describe('parseProtoFiles', () => {
  const registry = parseProtoFiles(sources);

  it('gives every field the JSON name protoc gives it, so toJson of a parsed file writes proto3 JSON', () => {
    const created = registry.getMessage('travel.bookings.v1.BookingCreated')!;
    expect(created.fields.find((f) => f.name === 'event_type')!.jsonName).toBe('eventType');
    const json = toJson(created, create(created, { eventType: 'booking.created', bookingId: 'B-1' }) as never);
    expect(json).toEqual({ eventType: 'booking.created', bookingId: 'B-1' });
  });

  it.each(BUF_BUILT.map((file) => [file.proto.name, file] as const))(
    '%s: the descriptor buf builds, byte for byte',
    (name, built) => {
      const parsed = registry.getFile(name)!;
      expect(parsed).toBeDefined();
      expect(Buffer.from(comparable(parsed.proto)).toString('base64')).toBe(
        Buffer.from(comparable(built.proto)).toString('base64'),
      );
    },
  );

  it('links type references across files and to google/protobuf/timestamp.proto', () => {
    const created = registry.getMessage('travel.bookings.v1.BookingCreated')!;
    const field = (name: string) => created.fields.find((f) => f.name === name)!;
    expect(field('timestamp').message?.typeName).toBe('google.protobuf.Timestamp');
    expect(field('type').enum?.typeName).toBe('travel.bookings.v1.BookingType');
    expect(registry.getFile('google/protobuf/timestamp.proto')).toBeDefined();
  });

  it('gives every message the message-index path buf-built descriptors give', () => {
    for (const built of BUF_BUILT) {
      const parsed = registry.getFile(built.proto.name)!;
      const paths = (file: DescFile) =>
        file.messages
          .flatMap((m) => [m, ...m.nestedMessages])
          .map((m) => `${m.typeName}:${messageIndexPath(m).join('.')}`);
      expect(paths(parsed)).toEqual(paths(built));
    }
  });

  it('keeps the comments as source info (the generated types document their fields)', () => {
    const money = registry.getFile('travel/bookings/v1/money.proto')!;
    const currency = money.proto.sourceCodeInfo?.location.find((l) => l.path.join('.') === '4.0.2.1');
    expect(currency?.leadingComments).toContain('ISO 4217 alphabetic code');
  });

  it('reads proto3 optional, maps, reserved ranges and proto2 required as protoc does', () => {
    const file = parseProtoFiles([
      {
        name: 'a/b.proto',
        text: [
          'syntax = "proto3";',
          'package a;',
          'message M {',
          '  reserved 5 to 7, 9;',
          '  reserved "gone";',
          '  optional string note = 1;',
          '  map<string, int64> counts = 2;',
          '  oneof choice { string x = 3; int32 y = 4; }',
          '}',
        ].join('\n'),
      },
      { name: 'a/c.proto', text: 'syntax = "proto2"; package a; message R { required string id = 1; }' },
    ]);
    const m = file.getMessage('a.M')!;
    expect(m.proto.oneofDecl.map((o) => o.name)).toEqual(['choice', '_note']);
    expect(m.fields.find((f) => f.name === 'note')!.proto.proto3Optional).toBe(true);
    expect(m.fields.find((f) => f.name === 'counts')!.fieldKind).toBe('map');
    expect(m.proto.reservedRange.map((r) => [r.start, r.end])).toEqual([
      [5, 8],
      [9, 10],
    ]);
    expect(m.proto.reservedName).toEqual(['gone']);
    expect(file.getMessage('a.R')!.fields[0]!.proto.label).toBe(2);
  });

  it('names the file of a syntax error, an unknown type and an import given with no schema', () => {
    const fail = (files: ProtoSource[]) => {
      try {
        parseProtoFiles(files);
      } catch (error) {
        expect(error).toBeInstanceOf(SchemaFileError);
        return (error as Error).message;
      }
      throw new Error('parsed');
    };
    expect(fail([{ name: 'x.proto', text: 'syntax = "proto3"; message { }' }])).toMatch(/^x\.proto: illegal/);
    expect(fail([{ name: 'x.proto', text: 'syntax = "proto3"; message A { Nope n = 1; }' }])).toMatch(/Nope/);
    expect(fail([{ name: 'x.proto', text: 'syntax = "proto3"; import "y/z.proto"; message A {}' }])).toBe(
      'x.proto: import "y/z.proto" names no schema given with it (register it and reference it by that name)',
    );
  });
});
