/**
 * The README's quick start, type-checked by `npm run typecheck` so it cannot drift.
 * The runnable versions of these calls are the reference services in examples/booking-platform/.
 */
import { connectProducer, publishBookingEvent, createBookingConsumer, EVENT_TYPES } from 'booking-event-contracts';
import type { BookingsEvent } from 'booking-event-contracts';

async function main(): Promise<void> {

  await connectProducer(); // KAFKA_BROKERS, SCHEMA_REGISTRY_URL from the environment

  await publishBookingEvent('booking.created', {
    bookingId: 'BOOK123',
    userId: 'user123',
    type: 'flight', // 'boat' is a compile error
    itemId: 'FLIGHT456',
    data: { price: { amountMinor: 12999, currency: 'USD' } }, // eventId, timestamp, source: filled in
  });

  const consumer = createBookingConsumer('billing-service-group', {
    [EVENT_TYPES.BOOKING_CREATED]: async (event) => {
      event.timestamp.toISOString(); // a Date, as avsc decodes it
      event.data.price.amountMinor;  // integer minor units, never a float
    },
    [EVENT_TYPES.BOOKING_CONFIRMED]: async (event) => { /* … */ },
    [EVENT_TYPES.BOOKING_CANCELLED]: 'ignore', // leaving a type out is a compile error
    [EVENT_TYPES.BOOKING_FAILED]: 'ignore',
  });
  await consumer.start();

  function describe(event: BookingsEvent): string {
    switch (event.eventType) {
      case 'booking.failed':
        return `${event.bookingId} failed: ${event.data.reasonCode}`; // narrowed to BookingFailed
      default:
        return event.bookingId;
    }
  }
}

export { main };
