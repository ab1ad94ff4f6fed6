/**
 * Compile-time assertions on the generated booking types (checked by `npm run typecheck`, part of
 * `npm test`). A wrong line here fails the build, not a test run.
 */
import type {
  BookingCancelled,
  BookingCreated,
  BookingCreatedInput,
  BookingFailed,
  BookingsEvent,
  BookingsEventMap,
  BookingType,
  Money,
} from '../../src/generated/bookings';
import { EVENT_TYPES, SUBJECTS } from '../../src/generated/bookings';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

// timestamp-millis decodes to a Date; enums to string-literal unions; nullable to `| null`
assertType<Equal<BookingCreated['timestamp'], Date>>();
assertType<Equal<BookingType, 'flight' | 'hotel' | 'car'>>();
assertType<Equal<BookingCancelled['data']['refund'], Money | null>>();
assertType<Equal<BookingCreated['data']['quantity'], number>>();
assertType<
  Equal<
    BookingFailed['data']['reasonCode'],
    'payment_declined' | 'not_available' | 'timeout' | 'validation' | 'fraud_suspected' | 'internal_error' | 'unknown'
  >
>();

// the discriminator narrows the topic's union
declare const event: BookingsEvent;
if (event.eventType === 'booking.failed') {
  assertType<Equal<typeof event, BookingFailed>>();
}
assertType<Equal<BookingsEventMap[typeof EVENT_TYPES.BOOKING_CREATED], BookingCreated>>();
assertType<Equal<typeof SUBJECTS.value, 'bookings-value'>>();

// input: auto-filled and defaulted fields may be left out; everything else may not
const minimal: BookingCreatedInput = {
  bookingId: 'B1',
  userId: 'u1',
  type: 'hotel',
  itemId: 'H1',
  data: { price: { amountMinor: 100, currency: 'EUR' } },
};
// @ts-expect-error: an unknown booking type is a compile error
const wrongType: BookingCreatedInput = { ...minimal, type: 'boat' };
// @ts-expect-error: money is never a float string
const wrongPrice: BookingCreatedInput = { ...minimal, data: { price: { amountMinor: '1.00', currency: 'EUR' } } };
// @ts-expect-error: a decoded event always carries its timestamp
const noTimestamp: BookingCreated = {
  ...minimal,
  eventId: 'x',
  eventType: 'booking.created',
  source: 's',
  data: { price: { amountMinor: 1, currency: 'EUR' }, quantity: 1, flight: null, hotel: null, car: null },
};

export { minimal, wrongType, wrongPrice, noTimestamp };
