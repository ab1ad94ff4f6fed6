/**
 * Fixed booking events for the benchmarks: one realistic event of each type (what the platform
 * sends), and a small one for the million-message memory run. Fixed rather than random, so every
 * run and every contender encodes exactly the same bytes.
 */
import type { BookingsEvent } from '../../src/generated/bookings';
import type { BookingsEventInputMap } from '../../src/generated/bookings';

const AT = new Date('2026-11-28T15:00:00.000Z');

export const BENCH_EVENTS: BookingsEvent[] = [
  {
    eventId: '0b8f5c1e-4a3d-4f7e-9c2a-1d6e8b7a9f01',
    eventType: 'booking.created',
    timestamp: AT,
    source: 'booking-api',
    bookingId: 'BOOK-2026-000123',
    userId: 'user-48213',
    type: 'flight',
    itemId: 'FLIGHT-LH400-20261212',
    data: {
      price: { amountMinor: 129_999, currency: 'EUR' },
      quantity: 2,
      flight: {
        flightNumber: 'LH400',
        origin: 'FRA',
        destination: 'JFK',
        departureTime: new Date('2026-12-12T10:35:00.000Z'),
        cabinClass: 'economy',
      },
      hotel: null,
      car: null,
    },
  },
  {
    eventId: '5f2a9d4b-8e1c-4b6a-a3f7-2c9e0d4b7e12',
    eventType: 'booking.confirmed',
    timestamp: AT,
    source: 'billing-service',
    bookingId: 'BOOK-2026-000123',
    userId: 'user-48213',
    type: 'flight',
    itemId: 'FLIGHT-LH400-20261212',
    data: {
      confirmationCode: 'K7Q2ZP',
      payment: { paymentId: 'pay_3NqX8e2Lk9', method: 'card', amount: { amountMinor: 129_999, currency: 'EUR' } },
    },
  },
  {
    eventId: '9c4e7b2d-1f6a-4d8c-b5e3-7a2f9c1d6b23',
    eventType: 'booking.cancelled',
    timestamp: AT,
    source: 'booking-api',
    bookingId: 'BOOK-2026-000124',
    userId: 'user-51877',
    type: 'hotel',
    itemId: 'HOTEL-BER-ADLON',
    data: { cancelledBy: 'user', reason: 'plans changed', refund: { amountMinor: 45_000, currency: 'EUR' } },
  },
  {
    eventId: 'e1d7a3c9-6b2f-4e8a-9d1c-3f5b7a9e2c34',
    eventType: 'booking.failed',
    timestamp: AT,
    source: 'billing-service',
    bookingId: 'BOOK-2026-000125',
    userId: 'user-60231',
    type: 'car',
    itemId: 'CAR-MUC-CDMR',
    data: { reasonCode: 'payment_declined', message: 'card declined by issuer', stage: 'payment', retryable: false },
  },
];

/** Avro full name of each benchmark event, for raw avsc (the topic's union is wrapped by name). */
export const RECORD_NAMES: Record<BookingsEvent['eventType'], string> = {
  'booking.created': 'travel.bookings.BookingCreated',
  'booking.confirmed': 'travel.bookings.BookingConfirmed',
  'booking.cancelled': 'travel.bookings.BookingCancelled',
  'booking.failed': 'travel.bookings.BookingFailed',
};

/** The topic union's value as raw avsc (and the peers built on it) wants it: `{ "full.Name": record }`. */
export function wrapped(event: BookingsEvent): Record<string, unknown> {
  return { [RECORD_NAMES[event.eventType]]: event };
}

/** A small booking.failed input (~110 bytes framed), numbered, for the memory run. */
export function smallFailedInput(n: number): BookingsEventInputMap['booking.failed'] {
  return {
    bookingId: `B${n}`,
    userId: `u${n % 1000}`,
    type: 'car',
    itemId: 'C1',
    data: { reasonCode: 'timeout', message: 'timeout', stage: 'payment', retryable: true },
  };
}
