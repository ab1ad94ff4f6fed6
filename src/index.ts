/**
 * booking-event-contracts: schema-first event contracts for Kafka and a Schema Registry.
 */
// the seed's API
export {
  connectProducer,
  publishBookingEvent,
  disconnectProducer,
  createBookingConsumer,
  EVENT_TYPES,
  bookingsContract,
  type BookingsContract,
  type BookingHandlers,
} from './bookings';
export * from './generated/bookings/types';
export {
  SUBJECTS,
  type BookingsEventMap,
  type BookingsEventInputMap,
  type BookingsEventType,
} from './generated/bookings';

// the generic API
export * from './producer';
export * from './consumer';
export * from './serde';
export * from './registry';
export * from './dlq';
export * from './wire';
export { ensureTopics, KAFKA_ENV, type KafkaConnectionOptions } from './kafka';
export { applyTopics, planTopics, type TopicPlan, type TopicPlanEntry, type TopicConfigChange } from './topics';
export { tailTopic, type TailOptions, type TailRecord } from './tail';

export { retry, type RetryPolicy } from './retry';
export {
  configureLogging,
  createLogger,
  LOG_ENV,
  type Logger,
  type LogEntry,
  type LogLevel,
  type LoggingOptions,
} from './log';

// contracts and errors
export type {
  TopicContract,
  EventContract,
  RegisteredSchemaSpec,
  CompiledValidator,
  EventMapOf,
  InputMapOf,
  EventTypeOf,
  GeneratedCodec,
  GeneratedEventCodec,
} from './contract';
// what generated validators call for ajv's run-time helpers
export { validatorRuntime } from './validation/runtime';
export * from './errors';

// the same booking events on a Protobuf topic (bookings-proto): its contract and types, namespaced
// because their names are the Avro topic's
export * as bookingsProto from './generated/bookings-proto';
