/**
 * The bookings-proto contract's codec: plain events in and out, the bytes exactly those of the
 * message-level serde (whose bytes the Python interop test proves against Confluent's client),
 * through the in-memory registry, which parses the registered .proto text and its imports.
 */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DecodeError, EventValidationError } from '../../../../src/errors';
import { createProtobufCodec, encodeProtobufMessage } from '../../../../src/formats/protobuf';
import { bookingsProtoContract } from '../../../../src/generated/bookings-proto';
import { BookingCreatedSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import { BookingType } from '../../../../src/generated-protobuf/travel/bookings/v1/booking_type_pb';
import { BookingEventSchema } from '../../../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';
import { createInMemoryRegistry, registerContract } from '../../../../src/registry';
import { encodeHeader } from '../../../../src/wire';
import { createSerde } from '../../../../src/serde';
import {
  bookingsProtobufBinding,
  protobufBookingEvents,
  protobufPlainEvents,
} from '../../../support/protobuf-fixtures';

async function setUp() {
  const registry = createInMemoryRegistry({ compatibility: 'NONE' });
  const ids = await registerContract(bookingsProtoContract, registry);
  return { registry, ids, serde: createSerde(bookingsProtoContract, registry) };
}

describe('Protobuf contract codec (bookings-proto)', () => {
  it('registers the imports under their import paths, the value last, google/protobuf/* not at all', async () => {
    const { ids } = await setUp();
    expect(Object.keys(ids)).toEqual([
      'travel/bookings/v1/booking_type.proto',
      'travel/bookings/v1/money.proto',
      'travel/bookings/v1/booking_cancelled.proto',
      'travel/bookings/v1/booking_confirmed.proto',
      'travel/bookings/v1/booking_created.proto',
      'travel/bookings/v1/booking_failed.proto',
      'bookings-proto-value',
    ]);
  });

  it.each(Object.keys(protobufPlainEvents('B-1')))(
    '%s: the bytes of the message-level serde, and back',
    async (type) => {
      const { serde, ids } = await setUp();
      const plain = protobufPlainEvents('B-1')[type as 'booking.created'];
      const bytes = await serde.encode(plain);
      const id = ids['bookings-proto-value']!.id;
      const message = protobufBookingEvents('B-1')[type as 'booking.created'];
      expect(bytes.toString('hex')).toBe(
        createProtobufCodec(bookingsProtobufBinding).writer(type, id)(message).toString('hex'),
      );
      const decoded = await serde.decode(bytes);
      expect(decoded.eventType).toBe(type);
      expect(decoded.event).toEqual(plain);
    },
  );

  it('refuses an event the contract needs more of than proto3 does, naming the field', async () => {
    const { serde } = await setUp();
    const created = protobufPlainEvents('B-1')['booking.created'];
    const attempt = (event: unknown) => serde.encode(event as typeof created);
    await expect(attempt({ ...created, type: 'BOOKING_TYPE_UNSPECIFIED' })).rejects.toThrow(EventValidationError);
    await expect(attempt({ ...created, bookingId: '' })).rejects.toThrow(/bookingId/);
    const { data: _data, ...noData } = created;
    await expect(attempt(noData)).rejects.toThrow(/data/);
  });

  it('accepts a number for an int64 and decodes it as a bigint', async () => {
    const { serde } = await setUp();
    const created = protobufPlainEvents('B-1')['booking.created'];
    const event = { ...created, data: { ...created.data, price: { amountMinor: 500, currency: 'EUR' } } };
    // the serde takes the decoded shape; the producer takes the input shape, which allows a number
    const decoded = await serde.decode(await serde.encode(event as never));
    expect((decoded.event as typeof created).data.price).toEqual({ amountMinor: 500n, currency: 'EUR' });
  });

  it('dead-letters (DecodeError) an event another writer left incomplete', async () => {
    const { serde, ids } = await setUp();
    const incomplete = create(BookingEventSchema, {
      event: {
        case: 'created',
        value: create(BookingCreatedSchema, {
          eventId: 'e-1',
          eventType: 'booking.created',
          timestamp: timestampFromDate(new Date()),
          bookingId: 'B-1',
          type: BookingType.UNSPECIFIED,
        }),
      },
    });
    const bytes = encodeProtobufMessage(ids['bookings-proto-value']!.id, BookingEventSchema, incomplete);
    await expect(serde.decode(bytes)).rejects.toThrow(DecodeError);
    await expect(serde.decode(bytes)).rejects.toThrow(/leaves source, userId, type, itemId, data unset/);
  });

  it('reads a newer writer by field number: an unknown enum value stays its number, unknown fields are skipped', async () => {
    const { serde, registry } = await setUp();
    const value = bookingsProtoContract.schemas.at(-1)!;
    const newer = value.schema.replace('BookingFailed failed = 4;', 'BookingFailed failed = 4;\n    string note = 9;');
    // a member added to the oneof: Confluent accepts it BACKWARD only (the old version, read as the
    // newer one, would lose the member), so the subject's FULL_TRANSITIVE would refuse it
    await registry.setCompatibility('BACKWARD', 'bookings-proto-value');
    const { id } = await registry.register('bookings-proto-value', {
      schema: newer,
      schemaType: 'PROTOBUF',
      references: value.references.map((r) => ({ ...r, version: 1 })),
    });
    const created = protobufBookingEvents('B-1')['booking.created'];
    created.type = 7 as BookingType;
    const bytes = encodeProtobufMessage(
      id,
      BookingEventSchema,
      create(BookingEventSchema, { event: { case: 'created', value: created } }),
    );
    const decoded = await serde.decode(bytes);
    expect((decoded.event as { type: unknown }).type).toBe(7);
  });

  it('reads the message-index array both ways: the one byte 0, its long spelling, and a path to a message that is not there', async () => {
    const { serde, ids } = await setUp();
    const framed = await serde.encode(protobufPlainEvents('B-1')['booking.created']);
    const header = encodeHeader(ids['bookings-proto-value']!.id);
    expect(framed[5]).toBe(0);
    const body = framed.subarray(6);
    // [0] written as a one-entry array (02 00), as some writers do: the same event
    const long = Buffer.concat([header, Buffer.from([0x02, 0x00]), body]);
    expect((await serde.decode(long)).event).toEqual((await serde.decode(framed)).event);
    // [1]: a second top-level message, which the writer's file does not have
    const other = Buffer.concat([header, Buffer.from([0x02, 0x02]), body]);
    await expect(serde.decode(other)).rejects.toThrow(DecodeError);
  });
});
