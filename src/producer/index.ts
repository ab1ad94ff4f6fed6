/**
 * Typed producer: `publish(eventType, payload)` fills the envelope (eventId, timestamp, source),
 * validates against the contract (nothing is sent when it does not fit), encodes in the Confluent
 * wire format with the cached schema ID, and sends with the contract's key and an `event-type`
 * header, through an idempotent producer with acks=all on the chosen transport, kafkajs (default)
 * or @platformatic/kafka (./send.ts: the send path, after kafkajs's own producer/sendMessages.js).
 */
import type { EventTypeOf, TopicContract } from '../contract';
import { producerTelemetry } from '../telemetry';
import { resolveKafka, type KafkaConnectionOptions } from '../kafka/client';
import { resolveTransport, type RecordAck } from '../kafka/transport';
import { PACKAGE_NAME } from '../package-info';
import { createMessageBuilder, type PreparedRecord, type PublishOptions } from './messages';
import type { KeyPartitioner } from './partitioners';
import { createSender, kafkajsSenderClient, platformaticSenderClient } from './send';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import { createSerde, type AnyTopicContract, type EventOf, type InputOf, type Serde } from '../serde';

export { MESSAGE_HEADERS, type PublishOptions } from './messages';

export interface ProducerOptions<C extends AnyTopicContract> extends KafkaConnectionOptions {
  contract: C;
  /** A registry client, its HTTP options, or its URL; default SCHEMA_REGISTRY_URL (+ auth env). */
  registry?: RegistrySource;
  /** Fills the `source` field when a payload has none; default the clientId, else the package name. */
  source?: string;
  /** Producer retries. Default: kafkajs's for an idempotent producer (unbounded within its timeouts); platformatic's 3. */
  retries?: number;
  /** In-flight requests per broker; 1 keeps order under retries with kafkajs's idempotent producer. */
  maxInFlightRequests?: number;
  /** Compress batches (kafkajs CompressionTypes: 1 gzip; snappy, lz4 and zstd need a kafkajs codec, platformatic has them). */
  compression?: number;
  /**
   * Longest wait for the broker to acknowledge a publish, connecting and retries included; then it
   * rejects with a retriable DeliveryTimeoutError. Without it a publish to a stalled broker waits as
   * long as the stall. Default 120 s (the Java client's delivery.timeout.ms); `Infinity` to wait.
   */
  deliveryTimeoutMs?: number;
  /**
   * How keys map to partitions: `murmur2` (default; the Java client and kafkajs) or
   * `consistent_random` (librdkafka's default: confluent-kafka in Python, Go, .NET). Every
   * producer of a topic must use the same one to keep per-key order. See partitioners.ts.
   */
  partitioner?: KeyPartitioner;
}

export interface PublishResult {
  topic: string;
  partition: number;
  /** Offset of the message (of the batch's first message on this partition when batched). */
  offset: string | undefined;
  eventId: string | undefined;
  schemaId: number;
}

/** What `publish` would send for an event, from `encode`: nothing is sent. */
export interface EncodedRecord<C extends AnyTopicContract> {
  topic: string;
  eventType: EventTypeOf<C>;
  /** The event with its envelope filled (eventId, timestamp, source), as validated and encoded. */
  event: EventOf<C>;
  key: string | null;
  headers: Record<string, string | Buffer>;
  /** The Confluent-framed value: magic byte, schema ID, body. */
  value: Buffer;
  eventId: string | undefined;
  schemaId: number;
}

/** kafkajs reports a batch per partition (base offsets), not per message. */
export interface BatchResult {
  topic: string;
  events: Array<{ eventId: string | undefined; schemaId: number }>;
  partitions: Array<{ partition: number; baseOffset: string | undefined }>;
}

export type BatchItem<C extends AnyTopicContract> = {
  [K in EventTypeOf<C>]: { eventType: K; payload: InputOf<C, K> } & PublishOptions;
}[EventTypeOf<C>];

export interface Producer<C extends AnyTopicContract> {
  readonly serde: Serde<C>;
  connect(): Promise<void>;
  publish<K extends EventTypeOf<C>>(
    eventType: K,
    payload: InputOf<C, K>,
    options?: PublishOptions,
  ): Promise<PublishResult>;
  /** Validates every event first; sends nothing when one of them does not fit. */
  publishBatch(items: ReadonlyArray<BatchItem<C>>): Promise<BatchResult>;
  /** The event as it would be sent (envelope filled), without validating or sending it. */
  prepare<K extends EventTypeOf<C>>(eventType: K, payload: InputOf<C, K>): EventOf<C>;
  /**
   * A dry run of `publish`: the record it would send (envelope filled, validated, encoded, its
   * schema ID looked up), without connecting to Kafka or sending. The same EventValidationError
   * when the event does not fit. Publishing the returned `event` sends the same record.
   */
  encode<K extends EventTypeOf<C>>(
    eventType: K,
    payload: InputOf<C, K>,
    options?: PublishOptions,
  ): Promise<EncodedRecord<C>>;
  disconnect(): Promise<void>;
}

export function createProducer<C extends AnyTopicContract>(options: ProducerOptions<C>): Producer<C> {
  const contract = options.contract as unknown as TopicContract;
  const registry = resolveRegistry(options.registry);
  const serde = createSerde(options.contract, registry);
  const clientId = `${PACKAGE_NAME}-producer`;
  const transport = resolveTransport(options.transport);
  const source = options.source ?? options.clientId ?? PACKAGE_NAME;

  const messages = createMessageBuilder(serde, source);
  const toMessage = messages.build;
  /** publish's dry run: the filled event, built into its record on the same path, not sent. */
  const encode = async (eventType: string, payload: unknown, publish?: PublishOptions) => {
    const event = messages.fill(eventType, payload);
    const built = messages.build(eventType, event, publish);
    const { message, eventId, schemaId } = built instanceof Promise ? await built : built;
    return {
      topic: contract.topic,
      eventType: eventType as EventTypeOf<C>,
      event: event as unknown as EventOf<C>,
      key: message.key as string | null,
      headers: message.headers,
      value: message.value as Buffer,
      eventId,
      schemaId,
    };
  };

  const sender = createSender(
    transport === 'platformatic'
      ? platformaticSenderClient(options, clientId)
      : kafkajsSenderClient(resolveKafka(options, clientId), contract.topic, options),
    contract,
    options,
  );
  const telemetry = producerTelemetry(contract.topic);
  const { connect, send } = sender;

  return {
    serde,
    connect,
    prepare: (eventType, payload) => messages.fill(eventType, payload) as unknown as EventOf<C>,
    encode,
    async publish(eventType, payload, publishOptions) {
      const prepared = toMessage(eventType, payload, publishOptions);
      const { message, eventId, schemaId } = prepared instanceof Promise ? await prepared : prepared;
      const span = telemetry.publish(eventType, message.key as string | null, schemaId);
      span.inject(message.headers);
      let meta: RecordAck | undefined;
      try {
        [meta] = await send([message]);
      } catch (error) {
        span.end({ error });
        throw error;
      }
      span.end({ partition: meta?.partition ?? -1, offset: meta?.baseOffset });
      return { topic: contract.topic, partition: meta?.partition ?? -1, offset: meta?.baseOffset, eventId, schemaId };
    },
    async publishBatch(items) {
      if (items.length === 0) return { topic: contract.topic, events: [], partitions: [] };
      const prepared: PreparedRecord[] = [];
      for (const item of items) {
        const next = toMessage(item.eventType, item.payload, item);
        prepared.push(next instanceof Promise ? await next : next);
      }
      const spans = prepared.map((p, i) => {
        const span = telemetry.publish(items[i]!.eventType, p.message.key as string | null, p.schemaId);
        span.inject(p.message.headers);
        return span;
      });
      let metadata: RecordAck[];
      try {
        metadata = await send(prepared.map((p) => p.message));
      } catch (error) {
        for (const span of spans) span.end({ error });
        throw error;
      }
      // the producer fixed each message's partition before sending
      prepared.forEach((p, i) => spans[i]!.end({ partition: p.message.partition ?? -1 }));
      return {
        topic: contract.topic,
        events: prepared.map((p) => ({ eventId: p.eventId, schemaId: p.schemaId })),
        partitions: metadata.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset })),
      };
    },
    disconnect: () => sender.disconnect(),
  };
}

export { consistentRandomPartition, KEY_PARTITIONERS, keyPartitioner, type KeyPartitioner } from './partitioners';
