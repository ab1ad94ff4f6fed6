/** The four booking events as Protobuf messages (schemas/proto), one of each, for the Protobuf tests. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  BookingCancelledSchema,
  Canceller,
} from '../../src/generated-protobuf/travel/bookings/v1/booking_cancelled_pb';
import {
  BookingConfirmedSchema,
  Payment_Method,
} from '../../src/generated-protobuf/travel/bookings/v1/booking_confirmed_pb';
import {
  BookingCreatedSchema,
  FlightDetails_CabinClass,
} from '../../src/generated-protobuf/travel/bookings/v1/booking_created_pb';
import {
  BookingFailedSchema,
  FailureReason,
  FailureStage,
} from '../../src/generated-protobuf/travel/bookings/v1/booking_failed_pb';
import { BookingType } from '../../src/generated-protobuf/travel/bookings/v1/booking_type_pb';
import type { ProtobufTopicBinding } from '../../src/formats/protobuf';
import type { BookingsProtoEventMap } from '../../src/generated/bookings-proto';
import { BookingEventSchema } from '../../src/generated-protobuf/travel/bookings/v1/bookings_value_pb';

export const bookingsProtobufBinding: ProtobufTopicBinding = {
  value: BookingEventSchema,
  oneof: 'event',
  events: {
    'booking.created': 'created',
    'booking.confirmed': 'confirmed',
    'booking.cancelled': 'cancelled',
    'booking.failed': 'failed',
  },
  discriminator: 'eventType',
};

const at = (iso: string) => timestampFromDate(new Date(iso));

export function protobufBookingEvents(bookingId: string) {
  const envelope = (eventType: string, n: number) => ({
    eventId: `00000000-0000-4000-8000-00000000000${n}`,
    eventType,
    timestamp: at('2026-12-01T10:00:00.123Z'),
    source: 'kit',
    bookingId,
    userId: 'U-1',
    itemId: 'LH400-2026-12-24',
  });
  return {
    'booking.created': create(BookingCreatedSchema, {
      ...envelope('booking.created', 1),
      type: BookingType.FLIGHT,
      data: {
        price: { amountMinor: 129_99n, currency: 'EUR' },
        quantity: 2,
        flight: {
          flightNumber: 'LH400',
          origin: 'FRA',
          destination: 'JFK',
          departureTime: at('2026-12-24T08:15:00Z'),
          cabinClass: FlightDetails_CabinClass.PREMIUM_ECONOMY,
        },
      },
    }),
    'booking.confirmed': create(BookingConfirmedSchema, {
      ...envelope('booking.confirmed', 2),
      type: BookingType.HOTEL,
      data: {
        confirmationCode: 'K7Q2ZP',
        payment: { paymentId: 'pay_1', method: Payment_Method.CARD, amount: { amountMinor: 15000n, currency: 'JPY' } },
      },
    }),
    'booking.cancelled': create(BookingCancelledSchema, {
      ...envelope('booking.cancelled', 3),
      type: BookingType.CAR,
      data: { cancelledBy: Canceller.USER, reason: 'plans changed – ünïcode ✓' },
    }),
    'booking.failed': create(BookingFailedSchema, {
      ...envelope('booking.failed', 4),
      type: BookingType.FLIGHT,
      data: {
        reasonCode: FailureReason.PAYMENT_DECLINED,
        message: 'card declined',
        stage: FailureStage.PAYMENT,
        retryable: false,
      },
    }),
  };
}

/**
 * The same four events as the bookings-proto contract's plain values (what its producer accepts
 * and its consumer receives: Dates, bigints, enum value names), typed by the generated code.
 */
export function protobufPlainEvents(bookingId: string): {
  [K in keyof BookingsProtoEventMap]: BookingsProtoEventMap[K];
} {
  const envelope = <T extends string>(eventType: T, n: number) => ({
    eventId: `00000000-0000-4000-8000-00000000000${n}`,
    eventType,
    timestamp: new Date('2026-12-01T10:00:00.123Z'),
    source: 'kit',
    bookingId,
    userId: 'U-1',
    itemId: 'LH400-2026-12-24',
  });
  return {
    'booking.created': {
      ...envelope('booking.created', 1),
      type: 'BOOKING_TYPE_FLIGHT',
      data: {
        price: { amountMinor: 129_99n, currency: 'EUR' },
        quantity: 2,
        flight: {
          flightNumber: 'LH400',
          origin: 'FRA',
          destination: 'JFK',
          departureTime: new Date('2026-12-24T08:15:00Z'),
          cabinClass: 'CABIN_CLASS_PREMIUM_ECONOMY',
        },
      },
    },
    'booking.confirmed': {
      ...envelope('booking.confirmed', 2),
      type: 'BOOKING_TYPE_HOTEL',
      data: {
        confirmationCode: 'K7Q2ZP',
        payment: { paymentId: 'pay_1', method: 'METHOD_CARD', amount: { amountMinor: 15000n, currency: 'JPY' } },
      },
    },
    'booking.cancelled': {
      ...envelope('booking.cancelled', 3),
      type: 'BOOKING_TYPE_CAR',
      data: { cancelledBy: 'CANCELLER_USER', reason: 'plans changed – ünïcode ✓' },
    },
    'booking.failed': {
      ...envelope('booking.failed', 4),
      type: 'BOOKING_TYPE_FLIGHT',
      data: {
        reasonCode: 'FAILURE_REASON_PAYMENT_DECLINED',
        message: 'card declined',
        stage: 'FAILURE_STAGE_PAYMENT',
        retryable: false,
      },
    },
  };
}
