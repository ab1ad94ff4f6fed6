/**
 * Billing: consumes `booking.created`, asks inventory whether the item is reserved, then charges.
 * A deterministic payment rule declines charges above a limit, so both outcomes occur: it publishes
 * `booking.confirmed` or `booking.failed` (payment_declined). It refunds cancelled bookings.
 *
 * It runs as a transformer: its decision and the offset of the `booking.created` it decided on are
 * one Kafka transaction, so a billing instance that dies between the two never confirms a booking
 * twice (no de-duplication of its own: a run whose transaction failed must publish again).
 */
import {
  type BookingType,
  type BookingsContract,
  type Transformer,
  bookingsContract,
  createTransformer,
} from 'booking-event-contracts';
import type { InventoryService } from './inventory';

export interface BillingService {
  consumer: Transformer<BookingsContract>;
  /** Refunded amount (minor units) of a booking, 0 when none. */
  refundFor(bookingId: string): number;
}

export function createBillingService(options: {
  declineAboveMinor: number;
  inventory: Record<BookingType, InventoryService>;
}): BillingService {
  const refunds = new Map<string, number>();
  const consumer = createTransformer({
    from: bookingsContract,
    to: bookingsContract,
    groupId: 'billing-service',
    fromBeginning: true,
    handlers: {
      'booking.created': async (event, out) => {
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
          await out.publish('booking.failed', {
            ...envelope,
            data: {
              reasonCode: 'payment_declined',
              message: 'card issuer declined the charge',
              stage: 'payment',
              retryable: false,
            },
          });
          return;
        }
        await out.publish('booking.confirmed', {
          ...envelope,
          data: {
            confirmationCode: event.bookingId.slice(-6).toUpperCase(),
            payment: { paymentId: `pay-${event.bookingId}`, method: 'card', amount: event.data.price },
          },
        });
      },
      'booking.cancelled': (event) => {
        refunds.set(event.bookingId, event.data.refund?.amountMinor ?? 0);
      },
      'booking.confirmed': 'ignore',
      'booking.failed': 'ignore',
    },
  });
  return { consumer, refundFor: (bookingId) => refunds.get(bookingId) ?? 0 };
}
