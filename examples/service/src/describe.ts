import type { BookingsEvent } from 'booking-event-contracts';

export function describe(event: BookingsEvent): string {
  switch (event.eventType) {
    case 'booking.failed':
      return `${event.bookingId} failed: ${event.data.reasonCode}`; // narrowed to BookingFailed
    default:
      return event.bookingId;
  }
}
