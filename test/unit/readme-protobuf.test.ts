import { EventValidationError, bookingsProto, createSerde, registerContract } from 'booking-event-contracts';
import { createInMemoryRegistry } from 'booking-event-contracts/testing';

it('README: a Protobuf topic, encoded as Confluent frames it and decoded to plain values', async () => {
  const registry = createInMemoryRegistry(); // parses the registered .proto text and its imports
  await registerContract(bookingsProto.bookingsProtoContract, registry); // imports first, by import path
  const serde = createSerde(bookingsProto.bookingsProtoContract, registry);

  const event: bookingsProto.BookingCreated = {
    eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    eventType: 'booking.created',
    timestamp: new Date('2025-01-15T10:30:00.000Z'),
    source: 'booking-web',
    bookingId: 'BOOK123',
    userId: 'user123',
    type: 'BOOKING_TYPE_FLIGHT',
    itemId: 'FLIGHT456',
    data: { price: { amountMinor: 12999n, currency: 'USD' }, quantity: 1 },
  };
  const bytes = await serde.encode(event);
  expect(bytes[0]).toBe(0); // magic byte, then the 4-byte schema ID of bookings-proto-value,
  expect(bytes[5]).toBe(0); // then the message-index array: 0 for the file's first message
  const decoded = await serde.decode(bytes);
  expect(decoded.event).toEqual(event);

  // proto3 would send an unset enum as its zero value; the contract refuses it, naming the field
  const unset = { ...event, type: 'BOOKING_TYPE_UNSPECIFIED' } as unknown as typeof event;
  await serde.encode(unset).catch((error: unknown) => {
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues[0]).toMatchObject({ path: '/type', keyword: 'enum' });
  });
  expect.assertions(5);
});
