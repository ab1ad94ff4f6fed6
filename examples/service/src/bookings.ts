import {
  createBookingConsumer,
  connectProducer,
  disconnectProducer,
  publishBookingEvent,
  EVENT_TYPES,
} from 'booking-event-contracts';

// the booking platform's own contracts ship with the kit: no codegen needed for them
const billing = createBookingConsumer(
  'billing-service-group',
  {
    [EVENT_TYPES.BOOKING_CREATED]: async (event) => {
      // a Date and integer minor units, as the schema says
      console.log(
        `charge ${event.data.price.amountMinor} ${event.data.price.currency} for ${event.bookingId} (${event.timestamp.toISOString()})`,
      );
    },
    [EVENT_TYPES.BOOKING_CONFIRMED]: 'ignore',
    [EVENT_TYPES.BOOKING_CANCELLED]: 'ignore', // leaving a type out is a compile error
    [EVENT_TYPES.BOOKING_FAILED]: 'ignore',
  },
  { fromBeginning: true },
);
await billing.start();

await connectProducer(); // KAFKA_BROKERS, SCHEMA_REGISTRY_URL from the environment
await publishBookingEvent('booking.created', {
  bookingId: 'BOOK123',
  userId: 'user123',
  type: 'flight', // 'boat' is a compile error
  itemId: 'FLIGHT456',
  data: { price: { amountMinor: 12999, currency: 'USD' } }, // eventId, timestamp, source: filled in
});
await disconnectProducer();
