/**
 * Flight, hotel and car inventory: each consumes `booking.created` for its own type and reserves
 * the item, or publishes `booking.failed` (not_available) when none is left; it releases the
 * reservation when the booking fails later (payment) or is cancelled. Billing asks it, as it would
 * ask an inventory API, whether a booking holds a reservation before charging.
 */
import {
  type BookingType,
  type Consumer,
  type BookingsContract,
  createBookingConsumer,
  publishBookingEvent,
} from 'booking-event-contracts';

export interface InventoryService {
  type: BookingType;
  consumer: Consumer<BookingsContract>;
  /** Resolves once this service has decided on the booking: true when the item is reserved. */
  reservationFor(bookingId: string): Promise<boolean>;
  available(itemId: string): number | undefined;
}

export function createInventoryService(options: {
  type: BookingType;
  stock: Map<string, number>;
  clientOptions?: Parameters<typeof createBookingConsumer>[2];
}): InventoryService {
  const { type, stock } = options;
  const reserved = new Map<string, { itemId: string; quantity: number }>();
  const decisions = new Map<string, boolean>();
  const waiting = new Map<string, Array<(reserved: boolean) => void>>();

  const decide = (bookingId: string, ok: boolean) => {
    decisions.set(bookingId, ok);
    for (const resolve of waiting.get(bookingId) ?? []) resolve(ok);
    waiting.delete(bookingId);
  };
  const release = (bookingId: string) => {
    const held = reserved.get(bookingId);
    if (!held) return;
    reserved.delete(bookingId);
    stock.set(held.itemId, (stock.get(held.itemId) ?? 0) + held.quantity);
  };

  const consumer = createBookingConsumer(
    `${type}-inventory-service`,
    {
      'booking.created': async (event) => {
        if (event.type !== type || decisions.has(event.bookingId)) return; // redelivery: decided already
        const left = stock.get(event.itemId) ?? 0;
        if (left >= event.data.quantity) {
          stock.set(event.itemId, left - event.data.quantity);
          reserved.set(event.bookingId, { itemId: event.itemId, quantity: event.data.quantity });
          decide(event.bookingId, true);
          return;
        }
        await publishBookingEvent('booking.failed', {
          bookingId: event.bookingId,
          userId: event.userId,
          type: event.type,
          itemId: event.itemId,
          source: `${type}-inventory-service`,
          data: {
            reasonCode: 'not_available',
            message: `${event.itemId} has ${left} left, ${event.data.quantity} requested`,
            stage: 'availability',
            retryable: false,
          },
        });
        decide(event.bookingId, false);
      },
      'booking.failed': (event) => {
        if (event.type === type && event.data.stage !== 'availability') release(event.bookingId);
      },
      'booking.cancelled': (event) => {
        if (event.type === type) release(event.bookingId);
      },
      'booking.confirmed': 'ignore',
    },
    { fromBeginning: true, ...options.clientOptions },
  );

  return {
    type,
    consumer,
    reservationFor(bookingId) {
      const known = decisions.get(bookingId);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(bookingId, [...(waiting.get(bookingId) ?? []), resolve]));
    },
    available: (itemId) => stock.get(itemId),
  };
}
