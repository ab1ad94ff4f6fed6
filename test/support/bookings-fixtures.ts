/**
 * Valid booking events of every type, for tests and the benchmark. Each call returns fresh objects.
 */
import type {
  BookingCancelled,
  BookingConfirmed,
  BookingCreated,
  BookingFailed,
  BookingsEventInputMap,
  BookingsEventMap,
} from '../../src/generated/bookings';

const base = (eventType: string, bookingId: string) => ({
  eventId: '2f1a0c1e-6b5f-4c43-9a55-0d8d9f6c8e01',
  eventType,
  timestamp: new Date('2025-01-15T10:30:00.000Z'),
  source: 'test-suite',
  bookingId,
  userId: 'user-123',
  type: 'flight' as const,
  itemId: 'FLIGHT-456',
});

export function bookingEvents(bookingId = 'BOOK-1'): BookingsEventMap {
  const created: BookingCreated = {
    ...base('booking.created', bookingId),
    eventType: 'booking.created',
    data: {
      price: { amountMinor: 12999, currency: 'USD' },
      quantity: 2,
      flight: {
        flightNumber: 'LH400',
        origin: 'FRA',
        destination: 'JFK',
        departureTime: new Date('2025-02-01T09:00:00.000Z'),
        cabinClass: 'economy',
      },
      hotel: null,
      car: null,
    },
  };
  const confirmed: BookingConfirmed = {
    ...base('booking.confirmed', bookingId),
    eventType: 'booking.confirmed',
    data: {
      confirmationCode: 'K7Q2ZP',
      payment: { paymentId: 'pay-1', method: 'card', amount: { amountMinor: 12999, currency: 'USD' } },
    },
  };
  const cancelled: BookingCancelled = {
    ...base('booking.cancelled', bookingId),
    eventType: 'booking.cancelled',
    data: { cancelledBy: 'user', reason: 'plans changed', refund: { amountMinor: 12999, currency: 'USD' } },
  };
  const failed: BookingFailed = {
    ...base('booking.failed', bookingId),
    eventType: 'booking.failed',
    data: { reasonCode: 'payment_declined', message: 'card declined', stage: 'payment', retryable: false },
  };
  return {
    'booking.created': created,
    'booking.confirmed': confirmed,
    'booking.cancelled': cancelled,
    'booking.failed': failed,
  };
}

/** Producer inputs: only what a service must supply (eventId, timestamp, source are filled in). */
export function bookingInputs(bookingId = 'BOOK-1'): BookingsEventInputMap {
  const events = bookingEvents(bookingId);
  const strip = <T extends { eventId?: string; timestamp?: Date; source?: string; eventType?: string }>(e: T) => {
    const { eventId: _id, timestamp: _ts, source: _src, eventType: _type, ...rest } = e;
    return rest;
  };
  return {
    'booking.created': strip(events['booking.created']),
    'booking.confirmed': strip(events['booking.confirmed']),
    'booking.cancelled': strip(events['booking.cancelled']),
    'booking.failed': strip(events['booking.failed']),
  };
}

/** Billing's decision for a created booking: confirmed, paid with the booking's price (crash-fuzz and bench). */
export function confirmationOf(event: BookingCreated, confirmationCode = 'FUZZ01') {
  const { bookingId, userId, type, itemId } = event;
  return {
    bookingId,
    userId,
    type,
    itemId,
    data: {
      confirmationCode,
      payment: { paymentId: `pay-${bookingId}`, method: 'card' as const, amount: event.data.price },
    },
  };
}
