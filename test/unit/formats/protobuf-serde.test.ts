import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { DecodeError, EventValidationError, UnknownEventTypeError } from '../../../src/errors';
import {
  createProtobufCodec,
  decodeProtobufMessage,
  encodeProtobufMessage,
  messageAtPath,
  messageIndexPath,
} from '../../../src/formats/protobuf';
import {
  BookingConfirmed_DataSchema,
  PaymentSchema,
} from '../../../src/generated-protobuf/travel/bookings/v1/booking_confirmed_pb';
import {
  BookingCreatedSchema,
  FlightDetailsSchema,
  file_travel_bookings_v1_booking_created,
} from '../../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import { BookingEventSchema } from '../../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';
import { encodeProtobufFrame } from '../../../src/wire';
import { bookingsProtobufBinding, protobufBookingEvents } from '../../support/protobuf-fixtures';

const codec = createProtobufCodec(bookingsProtobufBinding);
const events = protobufBookingEvents('B-1');

describe('Protobuf message-index paths', () => {
  it.each([
    [BookingEventSchema, [0]],
    [BookingCreatedSchema, [0]],
    [FlightDetailsSchema, [2]],
    [PaymentSchema, [1]],
    [BookingConfirmed_DataSchema, [0, 0]],
  ])('%s sits at %j in its file, and the path leads back to it', (schema, path) => {
    expect(messageIndexPath(schema)).toEqual(path);
    expect(messageAtPath(schema.file, path)).toBe(schema);
  });

  it('refuses a path that leads nowhere, naming the file', () => {
    expect(() => messageAtPath(file_travel_bookings_v1_booking_created, [9])).toThrow(
      /\[9\] names no message: travel\/bookings\/v1\/booking_created.proto has 5 message/,
    );
    expect(() => messageAtPath(file_travel_bookings_v1_booking_created, [0, 0])).toThrow(DecodeError);
  });
});

describe('Protobuf serde of the bookings topic', () => {
  it.each(Object.entries(events))('round-trips %s, framed with the first message path (byte 0)', (eventType, event) => {
    const bytes = codec.writer(eventType, 42)(event);
    expect(bytes.subarray(0, 6).toString('hex')).toBe('000000002a00');
    const expectedBody = toBinary(
      BookingEventSchema,
      create(BookingEventSchema, { event: { case: bookingsProtobufBinding.events[eventType], value: event } as never }),
    );
    expect(bytes.subarray(6)).toEqual(Buffer.from(expectedBody));
    const read = codec.reader(42)(bytes);
    expect(read.eventType).toBe(eventType);
    expect(read.event).toEqual(event);
  });

  it('refuses an event with envelope fields unset, naming each', () => {
    const event = create(BookingCreatedSchema, { eventType: 'booking.created', bookingId: 'B-1' });
    const error = catchError(() => codec.writer('booking.created', 1)(event));
    expect(error).toBeInstanceOf(EventValidationError);
    const paths = (error as EventValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(['/eventId', '/timestamp', '/source', '/userId', '/type', '/itemId', '/data']);
    expect((error as EventValidationError).issues[4]!.expected).toBe(
      'one of BOOKING_TYPE_FLIGHT, BOOKING_TYPE_HOTEL, BOOKING_TYPE_CAR',
    );
  });

  it('refuses an event whose eventType is another event, or that is another message', () => {
    const wrong = create(BookingCreatedSchema, { ...events['booking.created'], eventType: 'booking.failed' });
    expect(() => codec.writer('booking.created', 1)(wrong)).toThrow(/eventType: is "booking.failed"/);
    expect(() => codec.writer('booking.failed', 1)(events['booking.created'])).toThrow(EventValidationError);
    expect(() => codec.writer('booking.unknown', 1)).toThrow(UnknownEventTypeError);
  });

  it('refuses on decode a wrapper without an event, a mismatched eventType, and another message type', () => {
    const empty = encodeProtobufMessage(3, BookingEventSchema, create(BookingEventSchema));
    expect(() => codec.reader(3)(empty)).toThrow(/holds no known event \(its event is unset/);
    const lying = create(BookingCreatedSchema, { ...events['booking.created'], eventType: 'booking.failed' });
    const framed = encodeProtobufMessage(
      3,
      BookingEventSchema,
      create(BookingEventSchema, { event: { case: 'created', value: lying } }),
    );
    expect(() => codec.reader(3)(framed)).toThrow(/created case holds an event whose eventType is "booking.failed"/);
    const nested = encodeProtobufFrame(3, [0, 0], Buffer.alloc(0));
    expect(() => codec.reader(3)(nested)).toThrow(DecodeError);
  });

  it('refuses a body that is not Protobuf, as a DecodeError naming the message type and the schema', () => {
    const bytes = encodeProtobufFrame(8, [0], Buffer.from([0x0a, 0x05, 0x01]));
    expect(() => codec.reader(8)(bytes)).toThrow(/not a valid travel.bookings.v1.BookingEvent \(schema 8\)/);
  });

  it('frames and reads nested messages and the later messages of a file by their paths', () => {
    const flight = events['booking.created'].data!.flight!;
    const bytes = encodeProtobufMessage(5, FlightDetailsSchema, flight);
    expect(bytes.subarray(5, 7).toString('hex')).toBe('0204');
    const read = decodeProtobufMessage(file_travel_bookings_v1_booking_created, bytes);
    expect(read.schema).toBe(FlightDetailsSchema);
    expect(toJson(FlightDetailsSchema, read.message as never)).toEqual(toJson(FlightDetailsSchema, flight));
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
