/** The README's "Testing a service without servers" example, verbatim, so it stays true. */
import {
  EventValidationError,
  bookingsContract,
  createSerde,
  registerContract,
  type BookingCreated,
} from 'booking-event-contracts';
import { createInMemoryRegistry } from 'booking-event-contracts/testing';

it('README: encode and decode with the in-memory registry, and a typed validation error', async () => {
  // README example start
  const registry = createInMemoryRegistry(); // answers like a Schema Registry, in memory
  await registerContract(bookingsContract, registry);
  const serde = createSerde(bookingsContract, registry);

  const event: BookingCreated = {
    eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    eventType: 'booking.created',
    timestamp: new Date('2025-01-15T10:30:00.000Z'),
    source: 'booking-web',
    bookingId: 'BOOK123',
    userId: 'user123',
    type: 'flight',
    itemId: 'FLIGHT456',
    data: { price: { amountMinor: 12999, currency: 'USD' }, quantity: 1, flight: null, hotel: null, car: null },
  };
  const bytes = await serde.encode(event); // magic byte 0, 4-byte schema ID, Avro body
  const decoded = await serde.decode(bytes);
  expect(decoded.event).toEqual(event);

  const wrong = { ...event, data: { ...event.data, price: { amountMinor: 129.99, currency: 'USD' } } };
  await expect(serde.encode(wrong)).rejects.toThrow(EventValidationError);
  await serde.encode(wrong).catch((error: EventValidationError) => {
    expect(error.eventType).toBe('booking.created');
    expect(error.issues[0]).toMatchObject({ path: '/data/price/amountMinor', keyword: 'type', expected: 'integer' });
  });
  // README example end
});
