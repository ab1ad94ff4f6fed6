/** The user service: records confirmed bookings in the user's history, and marks cancellations. */
import { type Consumer, type BookingsContract, createBookingConsumer } from 'booking-event-contracts';

export interface HistoryEntry {
  bookingId: string;
  itemId: string;
  confirmationCode: string;
  status: 'confirmed' | 'cancelled';
}

export interface UserHistoryService {
  consumer: Consumer<BookingsContract>;
  history(userId: string): HistoryEntry[];
}

export function createUserHistoryService(): UserHistoryService {
  const histories = new Map<string, Map<string, HistoryEntry>>();
  const entries = (userId: string) => histories.get(userId) ?? histories.set(userId, new Map()).get(userId)!;
  const consumer = createBookingConsumer(
    'user-service',
    {
      'booking.confirmed': (event) => {
        entries(event.userId).set(event.bookingId, {
          bookingId: event.bookingId,
          itemId: event.itemId,
          confirmationCode: event.data.confirmationCode,
          status: entries(event.userId).get(event.bookingId)?.status ?? 'confirmed',
        });
      },
      'booking.cancelled': (event) => {
        const entry = entries(event.userId).get(event.bookingId);
        if (entry) entry.status = 'cancelled';
      },
      'booking.created': 'ignore',
      'booking.failed': 'ignore',
    },
    { fromBeginning: true },
  );
  return { consumer, history: (userId) => [...(histories.get(userId)?.values() ?? [])] };
}
