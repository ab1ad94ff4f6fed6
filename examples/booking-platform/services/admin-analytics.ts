/**
 * Admin analytics: consumes every event and keeps the dashboard figures — counts by event type and
 * by booking type, conversion, failures by reason, and how long a booking takes to be decided.
 */
import {
  type BookingConfirmed,
  type BookingType,
  type Consumer,
  type BookingsContract,
  createBookingConsumer,
} from 'booking-event-contracts';

export type FinalStatus = 'pending' | 'confirmed' | 'cancelled' | `failed:${string}`;

export interface BookingRecord {
  bookingId: string;
  type: BookingType;
  itemId: string;
  createdAt?: Date;
  decidedAt?: Date;
  status: FinalStatus;
  /** booking.confirmed and booking.failed events of the booking (distinct eventIds): 1 when decided exactly once. */
  decisions: number;
}

export interface AdminAnalytics {
  consumer: Consumer<BookingsContract>;
  eventCounts: Record<string, number>;
  bookings: Map<string, BookingRecord>;
  /** Decision latency (created → confirmed or failed), in ms, of decided bookings. */
  latencies(): number[];
}

export function createAdminAnalytics(options: {
  /** Count only bookings whose ID starts with this (the topic also holds earlier runs). */
  bookingPrefix: string;
  onConfirmed?: (event: BookingConfirmed) => void;
}): AdminAnalytics {
  const eventCounts: Record<string, number> = {};
  const bookings = new Map<string, BookingRecord>();
  const seen = new Set<string>();
  const record = (event: {
    eventId: string;
    eventType: string;
    bookingId: string;
    type: BookingType;
    itemId: string;
  }) => {
    if (!event.bookingId.startsWith(options.bookingPrefix) || seen.has(event.eventId)) return undefined; // at-least-once: de-duplicate
    seen.add(event.eventId);
    eventCounts[event.eventType] = (eventCounts[event.eventType] ?? 0) + 1;
    const decision = event.eventType === 'booking.confirmed' || event.eventType === 'booking.failed' ? 1 : 0;
    const existing = bookings.get(event.bookingId);
    if (existing) {
      existing.decisions += decision;
      return existing;
    }
    const created: BookingRecord = {
      bookingId: event.bookingId,
      type: event.type,
      itemId: event.itemId,
      status: 'pending',
      decisions: decision,
    };
    bookings.set(event.bookingId, created);
    return created;
  };
  const consumer = createBookingConsumer(
    'admin-analytics-service',
    {
      'booking.created': (event) => {
        const booking = record(event);
        if (booking) booking.createdAt = event.timestamp;
      },
      'booking.confirmed': (event) => {
        const booking = record(event);
        if (!booking) return;
        booking.status = 'confirmed';
        booking.decidedAt = event.timestamp;
        options.onConfirmed?.(event);
      },
      'booking.failed': (event) => {
        const booking = record(event);
        if (!booking) return;
        booking.status = `failed:${event.data.reasonCode}`;
        booking.decidedAt = event.timestamp;
      },
      'booking.cancelled': (event) => {
        const booking = record(event);
        if (booking) booking.status = 'cancelled';
      },
    },
    { fromBeginning: true },
  );
  return {
    consumer,
    eventCounts,
    bookings,
    latencies: () =>
      [...bookings.values()]
        .filter((b) => b.createdAt && b.decidedAt)
        .map((b) => b.decidedAt!.getTime() - b.createdAt!.getTime()),
  };
}
