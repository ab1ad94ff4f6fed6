/**
 * The handler map is checked by the compiler: every event type needs a handler or an explicit
 * 'ignore', and a handler receives the event of its own type. `npx tsc --noEmit` (npm test) fails
 * if any @ts-expect-error below stops being an error.
 */
import { createConsumer, CONSUMER_EVENTS, type Handlers } from '../../../src/consumer';
import { UsageError } from '../../../src/errors';
import { bookingsContract } from '../../../src/generated/bookings';
import { createBookingConsumer, EVENT_TYPES, type BookingHandlers } from '../../../src/index';
import { createProducer } from '../../../src/producer';
import { createInMemoryRegistry } from '../../../src/registry';

type Bookings = typeof bookingsContract;
const registry = createInMemoryRegistry();
const noop = async () => undefined;

describe('consumer handler typing', () => {
  it('accepts one handler per event type, or an explicit ignore', () => {
    const handlers: Handlers<Bookings> = {
      'booking.created': async (event) => {
        // the event is narrowed to BookingCreated
        const currency: string = event.data.price.currency;
        void currency;
      },
      'booking.confirmed': async (event) => void event.data.payment.method,
      'booking.cancelled': 'ignore',
      'booking.failed': 'ignore',
    };
    expect(Object.keys(handlers)).toHaveLength(4);
  });

  it('makes a missing handler a compile error', () => {
    // @ts-expect-error booking.failed has neither a handler nor 'ignore'
    const missing: BookingHandlers = {
      [EVENT_TYPES.BOOKING_CREATED]: noop,
      [EVENT_TYPES.BOOKING_CONFIRMED]: noop,
      [EVENT_TYPES.BOOKING_CANCELLED]: noop,
    };
    void missing;
    // the seed's two-handler example needs explicit opt-outs now
    expect(() =>
      createBookingConsumer(
        'billing',
        // @ts-expect-error booking.cancelled and booking.failed are missing
        { [EVENT_TYPES.BOOKING_CREATED]: noop, [EVENT_TYPES.BOOKING_CONFIRMED]: noop },
        { registry },
      ),
    ).not.toThrow();
  });

  it('makes a handler of the wrong event type a compile error', () => {
    const handlers: Handlers<Bookings> = {
      // @ts-expect-error a BookingCreated has no data.reasonCode
      'booking.created': async (event) => void event.data.reasonCode,
      'booking.confirmed': 'ignore',
      'booking.cancelled': 'ignore',
      // @ts-expect-error only a function or 'ignore'
      'booking.failed': 'skip',
    };
    void handlers;
  });

  it('refuses at start a JavaScript caller that left a handler out', async () => {
    const consumer = createConsumer({
      contract: bookingsContract,
      groupId: 'g',
      registry,
      handlers: { 'booking.created': noop } as unknown as Handlers<Bookings>,
      stopOnSignals: [],
    });
    await expect(consumer.start()).rejects.toThrow(/no handler for booking.confirmed/);
  });

  it('refuses an unknown instrumentation event, listing the valid ones', () => {
    const consumer = createBookingConsumer(
      'g',
      { 'booking.created': noop, 'booking.confirmed': noop, 'booking.cancelled': noop, 'booking.failed': noop },
      { registry },
    );
    const off = consumer.on(CONSUMER_EVENTS.DEAD_LETTERED, (p) => void p.reason);
    off();
    const error = (() => {
      try {
        // @ts-expect-error not an event name
        consumer.on('consumer.dead-lettered', noop);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toContain('consumer.dead_lettered');
  });
});

describe('producer payload typing', () => {
  it('derives the payload type from the event type', () => {
    const producer = createProducer({ contract: bookingsContract, registry });
    const typed = () => {
      void producer.publish('booking.failed', {
        bookingId: 'b',
        userId: 'u',
        type: 'car',
        itemId: 'i',
        data: { reasonCode: 'timeout', message: 'm', stage: 'payment', retryable: true },
      });
      void producer.publish('booking.failed', {
        bookingId: 'b',
        userId: 'u',
        type: 'car',
        itemId: 'i',
        // @ts-expect-error the payload of booking.failed has no `price`
        data: { price: 1 },
      });
      // @ts-expect-error unknown event type
      void producer.publish('booking.rebooked', {});
      void producer.publish('booking.cancelled', {
        bookingId: 'b',
        userId: 'u',
        // @ts-expect-error `type` must be flight, hotel or car
        type: 'boat',
        itemId: 'i',
        data: { cancelledBy: 'user', reason: 'r' },
      });
    };
    expect(typeof typed).toBe('function');
    const prepared = producer.prepare('booking.cancelled', {
      bookingId: 'b',
      userId: 'u',
      type: 'car',
      itemId: 'i',
      data: { cancelledBy: 'user', reason: 'r' },
    });
    expect(prepared).toMatchObject({ eventType: 'booking.cancelled', source: 'booking-event-contracts' });
    expect(prepared.timestamp).toBeInstanceOf(Date);
    expect(prepared.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
