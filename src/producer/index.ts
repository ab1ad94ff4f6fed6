/**
 * Typed producer: `publish(eventType, payload)` fills the envelope (eventId, timestamp, source),
 * validates against the contract (nothing is sent when it does not fit), encodes in the Confluent
 * wire format with the cached schema ID, and sends with the contract's key and an `event-type`
 * header, through an idempotent kafkajs producer with acks=all.
 */
import { randomUUID } from 'node:crypto';
import { type IHeaders, type Message, type Producer as KafkaProducer, type RecordMetadata } from 'kafkajs';
import type { EventTypeOf, TopicContract } from '../contract';
import { DeliveryTimeoutError, EventValidationError, KafkaError } from '../errors';
import { formatOf } from '../formats';
import { brokersOf, resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { PACKAGE_NAME } from '../package-info';
import { keyPartitioner, type KeyPartitioner } from './partitioners';
import { resolveRegistry, type RegistrySource } from '../registry/resolve';
import { createSerde, type AnyTopicContract, type EventOf, type InputOf, type Serde } from '../serde';

/** Headers the producer sets on every message. */
export const MESSAGE_HEADERS = {
  EVENT_TYPE: 'event-type',
  /** W3C trace context, when given. */
  TRACEPARENT: 'traceparent',
  TRACESTATE: 'tracestate',
} as const;

export interface ProducerOptions<C extends AnyTopicContract> extends KafkaConnectionOptions {
  contract: C;
  /** A registry client, its HTTP options, or its URL; default SCHEMA_REGISTRY_URL (+ auth env). */
  registry?: RegistrySource;
  /** Fills the `source` field when a payload has none; default the clientId, else the package name. */
  source?: string;
  /** kafkajs producer retries. Default: kafkajs's for an idempotent producer (unbounded within its timeouts). */
  retries?: number;
  /** In-flight requests per broker; 1 keeps order under retries with kafkajs's idempotent producer. */
  maxInFlightRequests?: number;
  /** Compress batches (kafkajs CompressionTypes). */
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

export interface PublishOptions {
  headers?: Record<string, string | Buffer>;
  /** W3C `traceparent` to propagate (sent as the `traceparent` header). */
  traceparent?: string;
  tracestate?: string;
  /** Overrides the key (default: the event's contract key field, e.g. bookingId). */
  key?: string;
}

export interface PublishResult {
  topic: string;
  partition: number;
  /** Offset of the message (of the batch's first message on this partition when batched). */
  offset: string | undefined;
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
  disconnect(): Promise<void>;
}

export function createProducer<C extends AnyTopicContract>(options: ProducerOptions<C>): Producer<C> {
  const contract = options.contract as unknown as TopicContract;
  const registry = resolveRegistry(options.registry);
  const serde = createSerde(options.contract, registry);
  const kafka = resolveKafka(options, `${PACKAGE_NAME}-producer`);
  const source = options.source ?? options.clientId ?? PACKAGE_NAME;
  let producer: KafkaProducer | undefined;
  let connecting: Promise<void> | undefined;

  const format = formatOf(contract.format);
  const fill = (eventType: string, payload: unknown): Record<string, unknown> => {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      // the same typed error as any other payload that does not fit (callers catch one class)
      throw new EventValidationError(eventType, [
        {
          path: '',
          expected: 'an object with the event fields (see the generated *Input types)',
          keyword: 'type',
          message: 'must be object',
        },
      ]);
    }
    const event: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    event[contract.discriminator] ??= eventType;
    for (const field of contract.autoFields) {
      if (event[field] !== undefined) continue;
      if (field === 'eventId') event.eventId = randomUUID();
      else if (field === 'timestamp') event.timestamp = format.timestampNow();
      else event.source = source;
    }
    return event;
  };

  const toMessage = async (eventType: string, payload: unknown, publish: PublishOptions = {}) => {
    const event = fill(eventType, payload);
    const value = await serde.encode(event as unknown as EventOf<C>);
    const headers: IHeaders = { ...publish.headers, [MESSAGE_HEADERS.EVENT_TYPE]: eventType };
    if (publish.traceparent) headers[MESSAGE_HEADERS.TRACEPARENT] = publish.traceparent;
    if (publish.tracestate) headers[MESSAGE_HEADERS.TRACESTATE] = publish.tracestate;
    const keyValue = publish.key ?? event[contract.key];
    const message: Message = {
      key: keyValue === undefined || keyValue === null ? null : String(keyValue),
      value,
      headers,
    };
    return {
      message,
      eventId: typeof event.eventId === 'string' ? event.eventId : undefined,
      schemaId: await serde.schemaIdFor(eventType),
    };
  };

  const connect = async () => {
    if (producer) return;
    connecting ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: options.maxInFlightRequests ?? 1,
        ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
        createPartitioner: keyPartitioner(options.partitioner),
      });
      try {
        await p.connect();
      } catch (error) {
        connecting = undefined;
        throw toKafkaError(error, 'connecting the producer', undefined, brokersOf(options));
      }
      producer = p;
    })();
    await connecting;
  };

  /**
   * Sends with the partition of every message fixed up front (the same murmur2 partitioner), and
   * checks that the broker acknowledged every partition sent to. kafkajs 2.2.4 can resolve a send
   * that skipped a partition: when a leader dies mid-send, its retry keeps the answers of brokers
   * that already replied and never sends to them again, so a partition whose new leader is one of
   * them is silently dropped (found by test/integration/faults/broker-failover.test.ts). Messages
   * of a partition missing from the answer are sent again; kafkajs never counted them in its
   * idempotence sequence, so this writes no duplicate.
   */
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
  const send = (messages: Message[]): Promise<RecordMetadata[]> => {
    if (!Number.isFinite(deliveryTimeoutMs)) return sendNow(messages);
    const sending = sendNow(messages);
    return new Promise((resolve, reject) => {
      // kafkajs cannot cancel a send: the abandoned one may still be written (at-least-once)
      const timer = setTimeout(
        () => reject(new DeliveryTimeoutError(contract.topic, deliveryTimeoutMs, messages.length)),
        deliveryTimeoutMs,
      );
      sending.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  };

  const sendNow = async (messages: Message[]) => {
    await connect();
    const action = `publishing ${messages.length} message(s)`;
    try {
      const partitions = await partitionCount();
      if (partitions !== undefined) {
        const metadata = Array.from({ length: partitions }, (_, partitionId) => ({
          partitionId,
          leader: 0,
          replicas: [],
          isr: [],
          partitionErrorCode: 0,
        }));
        for (const message of messages) {
          message.partition ??= partitioner({ topic: contract.topic, partitionMetadata: metadata, message });
        }
      }
      const acknowledged: RecordMetadata[] = [];
      let pending = messages;
      for (let round = 1; ; round++) {
        const answer = await producer!.send({
          topic: contract.topic,
          acks: -1,
          messages: pending,
          compression: options.compression,
        });
        acknowledged.push(...answer);
        if (partitions === undefined) return acknowledged;
        const answered = new Set(answer.map((m) => m.partition));
        pending = pending.filter((m) => !answered.has(m.partition!));
        if (pending.length === 0) return acknowledged;
        if (round >= 5) {
          throw new KafkaError(
            `${action} (topic ${contract.topic}) failed: ${pending.length} message(s) were never acknowledged by their partition's leader`,
            contract.topic,
            {
              retriable: true,
              hint: 'a partition leader changed during the send; publish again (consumers de-duplicate on eventId)',
            },
          );
        }
      }
    } catch (error) {
      throw toKafkaError(error, action, contract.topic, brokersOf(options));
    }
  };

  const partitioner = keyPartitioner(options.partitioner)();
  let partitionsCache: Promise<number | undefined> | undefined;
  /** The topic's partition count (once per producer); undefined when it cannot be read (e.g. a topic not created yet). */
  const partitionCount = () => {
    partitionsCache ??= (async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const { topics } = await admin.fetchTopicMetadata({ topics: [contract.topic] });
        const count = topics[0]?.partitions.length ?? 0;
        return count > 0 ? count : undefined;
      } catch {
        return undefined;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    })();
    return partitionsCache.then((count) => {
      if (count === undefined) partitionsCache = undefined;
      return count;
    });
  };

  return {
    serde,
    connect,
    prepare: (eventType, payload) => fill(eventType, payload) as unknown as EventOf<C>,
    async publish(eventType, payload, publishOptions) {
      const { message, eventId, schemaId } = await toMessage(eventType, payload, publishOptions);
      const [meta] = await send([message]);
      return { topic: contract.topic, partition: meta?.partition ?? -1, offset: meta?.baseOffset, eventId, schemaId };
    },
    async publishBatch(items) {
      if (items.length === 0) return { topic: contract.topic, events: [], partitions: [] };
      const prepared = [];
      for (const item of items) prepared.push(await toMessage(item.eventType, item.payload, item));
      const metadata = await send(prepared.map((p) => p.message));
      return {
        topic: contract.topic,
        events: prepared.map((p) => ({ eventId: p.eventId, schemaId: p.schemaId })),
        partitions: metadata.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset })),
      };
    },
    async disconnect() {
      // a connect still in flight would otherwise finish after this and leave a producer connected
      await connecting?.catch(() => undefined);
      const p = producer;
      producer = undefined;
      connecting = undefined;
      partitionsCache = undefined;
      if (p)
        await p
          .disconnect()
          .catch((error: unknown) => Promise.reject(toKafkaError(error, 'disconnecting the producer')));
    },
  };
}

export { consistentRandomPartition, KEY_PARTITIONERS, keyPartitioner, type KeyPartitioner } from './partitioners';
