/**
 * Billing: consumes `booking.created`, asks inventory whether the item is reserved, then charges.
 * A deterministic payment rule declines charges above a limit, so both outcomes occur: it publishes
 * `booking.confirmed` or `booking.failed` (payment_declined). It refunds cancelled bookings.
 */
import {
  type BookingType,
  type Consumer,
  type BookingsContract,
  createBookingConsumer,
  publishBookingEvent,
} from 'booking-event-contracts';
import type { InventoryService } from './inventory';

export interface BillingService {
  consumer: Consumer<BookingsContract>;
  /** Refunded amount (minor units) of a booking, 0 when none. */
  refundFor(bookingId: string): number;
}

export function createBillingService(options: {
  declineAboveMinor: number;
  inventory: Record<BookingType, InventoryService>;
}): BillingService {
  const charged = new Map<string, number>();
  const refunds = new Map<string, number>();
  const consumer = createBookingConsumer(
    'billing-service',
    {
      'booking.created': async (event) => {
        if (charged.has(event.bookingId)) return; // redelivery
        const reserved = await options.inventory[event.type].reservationFor(event.bookingId);
        if (!reserved) return; // inventory has published booking.failed (not_available)
        const envelope = {
          bookingId: event.bookingId,
          userId: event.userId,
          type: event.type,
          itemId: event.itemId,
          source: 'billing-service',
        };
        if (event.data.price.amountMinor > options.declineAboveMinor) {
          await publishBookingEvent('booking.failed', {
            ...envelope,
            data: {
              reasonCode: 'payment_declined',
              message: 'card issuer declined the charge',
              stage: 'payment',
              retryable: false,
            },
          });
          charged.set(event.bookingId, 0);
          return;
        }
        await publishBookingEvent('booking.confirmed', {
          ...envelope,
          data: {
            confirmationCode: event.bookingId.slice(-6).toUpperCase(),
            payment: { paymentId: `pay-${event.bookingId}`, method: 'card', amount: event.data.price },
          },
        });
        charged.set(event.bookingId, event.data.price.amountMinor);
      },
      'booking.cancelled': (event) => {
        refunds.set(event.bookingId, event.data.refund?.amountMinor ?? 0);
      },
      'booking.confirmed': 'ignore',
      'booking.failed': 'ignore',
    },
    { fromBeginning: true },
  );
  return { consumer, refundFor: (bookingId) => refunds.get(bookingId) ?? 0 };
}
