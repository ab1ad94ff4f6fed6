/**
 * booking-event-contracts: schema-first event contracts for Kafka and a Schema Registry.
 *
 * The root is what services use: the seed's booking API, the factories, the errors, the contract
 * types generated code builds on, and logging. Test helpers are in `booking-event-contracts/testing`,
 * the Confluent wire framing in `booking-event-contracts/wire`; everything else is internal and may
 * change in any release. api/*.api.md records this surface (`npm run api:check`).
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
// the same booking events on a Protobuf topic (bookings-proto): its contract and types, namespaced
// because their names are the Avro topic's
export * as bookingsProto from './generated/bookings-proto';

// producing
export {
  createProducer,
  MESSAGE_HEADERS,
  KEY_PARTITIONERS,
  type KeyPartitioner,
  type Producer,
  type ProducerOptions,
  type PublishOptions,
  type PublishResult,
  type BatchItem,
  type BatchResult,
} from './producer';

// consuming
export {
  createConsumer,
  CONSUMER_EVENTS,
  RETRY_DEFAULTS,
  type Consumer,
  type ConsumerOptions,
  type GroupMembership,
  type Handlers,
  type EventHandler,
  type MessageContext,
  type RetryOptions,
  type TransientRetryOptions,
  type ConsumerEventName,
  type ConsumerEventPayloads,
  type ConsumerListener,
  type MessagePosition,
  type ConsumerHealth,
  type ConsumerState,
  type HealthProblem,
  type PartitionHealth,
  type SupervisionOptions,
} from './consumer';

// consume → produce, exactly once (outputs, dead letters and offsets in one transaction)
export {
  createTransformer,
  type Transformer,
  type TransformerOptions,
  type TransformHandler,
  type TransformHandlers,
  type Outputs,
  type OutputResult,
  type OutputContracts,
  type OutputEventType,
  type OutputInput,
} from './transformer';

// encoding and decoding without Kafka
export {
  createSerde,
  type Serde,
  type SerdeOptions,
  type UnknownProperties,
  type AnyTopicContract,
  type DecodedEvent,
  type EventOf,
  type InputOf,
} from './serde';

// the registry
export {
  createSchemaRegistryClient,
  registerContract,
  registryOptionsFromEnv,
  REGISTRY_ENV,
  REGISTRY_ERROR_CODES,
  type HttpRegistryOptions,
  type RegistryAuth,
  type RegisteredSubject,
  type SchemaRegistryClient,
  type SchemaType,
  type SchemaReference,
  type SchemaInput,
  type StoredSchema,
  type SubjectVersion,
  type CompatibilityTestOptions,
  type CompatibilityResult,
  type RegistryRequestInfo,
} from './registry';

// topics, dead letters, tailing
export { ensureTopics, KAFKA_ENV, type KafkaConnectionOptions } from './kafka';
export { TRANSPORT_ENV, TRANSPORTS, type RecordHeaders, type TransportName } from './kafka/transport';
export { applyTopics, planTopics, type TopicPlan, type TopicPlanEntry, type TopicConfigChange } from './topics';
export {
  readDeadLetters,
  replayDeadLetters,
  readDeadLetterHeaders,
  DLQ_HEADERS,
  REPLAY_HEADERS,
  DEAD_LETTER_REASONS,
  type DeadLetterReason,
  type DeadLetterInfo,
  type DeadLetterEntry,
  type ReplayOptions,
  type ReplayResult,
} from './dlq';
export { tailTopic, type TailOptions, type TailRecord } from './tail';

// logging
export {
  configureLogging,
  createLogger,
  LOG_ENV,
  type Logger,
  type LogEntry,
  type LogLevel,
  type LoggingOptions,
} from './log';

// contracts: what generated code builds on
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
// what generated Avro and Protobuf codecs call for the binary encoding (versioned by name)
export { avroCodecRuntimeV1, type AvroCodecRuntimeV1 } from './codec-runtime/avro';
export { protobufCodecRuntimeV1, type ProtobufCodecRuntimeV1 } from './codec-runtime/protobuf';

// errors: one root (code, retriable, hint, cause) and a guard
export * from './errors';
