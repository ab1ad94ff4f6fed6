/**
 * The seed's API, kept by name and typed from the generated bookings contract:
 *
 *   await connectProducer();
 *   await publishBookingEvent('booking.created', { bookingId, userId, type, itemId, data });
 *   const consumer = createBookingConsumer('billing-service-group', { ...one handler per type });
 *   await consumer.start();
 *
 * Configuration comes from the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, registry auth)
 * unless options are passed.
 */
import {
  bookingsContract,
  EVENT_TYPES,
  type BookingsEventInputMap,
  type BookingsEventType,
} from './generated/bookings';
import { createConsumer, type Consumer, type ConsumerOptions, type Handlers } from './consumer';
import {
  createProducer,
  type Producer,
  type ProducerOptions,
  type PublishOptions,
  type PublishResult,
} from './producer';

export { EVENT_TYPES, bookingsContract };

export type BookingsContract = typeof bookingsContract;
export type BookingHandlers = Handlers<BookingsContract>;

let shared: Producer<BookingsContract> | undefined;

/** Connects the process-wide bookings producer (created on first use, from env unless options are given). */
export async function connectProducer(
  options: Omit<ProducerOptions<BookingsContract>, 'contract'> = {},
): Promise<Producer<BookingsContract>> {
  shared ??= createProducer({ ...options, contract: bookingsContract });
  await shared.connect();
  return shared;
}

/** Validates and publishes a booking event; the payload type follows from the event type. */
export async function publishBookingEvent<K extends BookingsEventType>(
  eventType: K,
  payload: BookingsEventInputMap[K],
  options?: PublishOptions,
): Promise<PublishResult> {
  const producer = await connectProducer();
  return producer.publish(eventType, payload as never, options);
}

export async function disconnectProducer(): Promise<void> {
  const producer = shared;
  shared = undefined;
  await producer?.disconnect();
}

/** A consumer of the bookings topic: one handler per event type, or `'ignore'`. */
export function createBookingConsumer(
  groupId: string,
  handlers: BookingHandlers,
  options: Omit<ConsumerOptions<BookingsContract>, 'contract' | 'groupId' | 'handlers'> = {},
): Consumer<BookingsContract> {
  return createConsumer({ ...options, contract: bookingsContract, groupId, handlers });
}
