/**
 * Typed producer: `publish(eventType, payload)` fills the envelope (eventId, timestamp, source),
 * validates against the contract (nothing is sent when it does not fit), encodes in the Confluent
 * wire format with the cached schema ID, and sends with the contract's key and an `event-type`
 * header, through an idempotent kafkajs producer with acks=all.
 */
import { randomUUID } from 'node:crypto';
import {
  type IHeaders,
  type Message,
  type PartitionMetadata,
  type Producer as KafkaProducer,
  type RecordMetadata,
} from 'kafkajs';
import type { EventTypeOf, TopicContract } from '../contract';
import { DeliveryTimeoutError, EventValidationError, isContractsError, KafkaError } from '../errors';
import { createLogger, rateLimited } from '../log';
import { producerTelemetry } from '../telemetry';
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

  interface Prepared {
    message: Message;
    eventId: string | undefined;
    schemaId: number;
  }
  const toPrepared = (
    eventType: string,
    event: Record<string, unknown>,
    value: Buffer,
    publish: PublishOptions | undefined,
  ): Prepared => {
    // one object literal per message; the caller's headers are copied only when there are some
    const headers: IHeaders = publish?.headers
      ? { ...publish.headers, [MESSAGE_HEADERS.EVENT_TYPE]: eventType }
      : { [MESSAGE_HEADERS.EVENT_TYPE]: eventType };
    if (publish?.traceparent) headers[MESSAGE_HEADERS.TRACEPARENT] = publish.traceparent;
    if (publish?.tracestate) headers[MESSAGE_HEADERS.TRACESTATE] = publish.tracestate;
    const keyValue = publish?.key ?? event[contract.key];
    return {
      message: { key: keyValue === undefined || keyValue === null ? null : String(keyValue), value, headers },
      eventId: typeof event.eventId === 'string' ? event.eventId : undefined,
      // encodeSync or encode has just resolved it
      schemaId: serde.cachedSchemaId(eventType)!,
    };
  };
  /**
   * The message for an event, synchronously once its type's schema ID is cached (the hot path:
   * no promise per message); the first event of a type goes through the async encode, which asks
   * the registry. Validation, bytes and errors are the same on both paths.
   */
  const toMessage = (eventType: string, payload: unknown, publish?: PublishOptions): Prepared | Promise<Prepared> => {
    const event = fill(eventType, payload);
    const value = serde.encodeSync(event as unknown as EventOf<C>);
    if (value) return toPrepared(eventType, event, value, publish);
    return serde.encode(event as unknown as EventOf<C>).then((v) => toPrepared(eventType, event, v, publish));
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
  const telemetry = producerTelemetry(contract.topic);
  /** What the producer says about publishes that did not go through (rate-limited: a stalled broker fails every send). */
  const log = rateLimited(createLogger('producer'));
  /**
   * Sends in flight with their deadlines, oldest first (every send gets the same timeout, so the
   * insertion order is the deadline order). One timer for all of them, armed at the oldest
   * deadline, instead of a timer set and cleared per send.
   */
  const inFlight = new Set<{ deadline: number; count: number; reject: (error: unknown) => void }>();
  let deadlineTimer: NodeJS.Timeout | undefined;
  const armDeadline = () => {
    const oldest = inFlight.values().next().value;
    if (!oldest) return;
    deadlineTimer = setTimeout(onDeadline, Math.max(0, oldest.deadline - Date.now()));
  };
  const onDeadline = () => {
    deadlineTimer = undefined;
    const now = Date.now();
    for (const entry of inFlight) {
      if (entry.deadline > now) break;
      inFlight.delete(entry);
      // kafkajs cannot cancel a send: the abandoned one may still be written (at-least-once)
      const timedOut = new DeliveryTimeoutError(contract.topic, deliveryTimeoutMs, entry.count);
      log.write('warn', 'delivery-timeout', `${timedOut.message}: the broker is stalled or unreachable`, {
        topic: contract.topic,
        messages: entry.count,
        code: timedOut.code,
        timeoutMs: deliveryTimeoutMs,
      });
      entry.reject(timedOut);
    }
    armDeadline();
  };
  const send = (messages: Message[]): Promise<RecordMetadata[]> => {
    if (!Number.isFinite(deliveryTimeoutMs)) return sendNow(messages);
    return new Promise((resolve, reject) => {
      const entry = { deadline: Date.now() + deliveryTimeoutMs, count: messages.length, reject };
      inFlight.add(entry);
      if (!deadlineTimer) armDeadline();
      const settle = () => {
        inFlight.delete(entry);
        // nothing left to watch: no timer may keep the process alive
        if (inFlight.size === 0 && deadlineTimer) {
          clearTimeout(deadlineTimer);
          deadlineTimer = undefined;
        }
      };
      sendNow(messages).then(
        (answer) => {
          settle();
          resolve(answer);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  };

  const sendNow = async (messages: Message[]) => {
    if (!producer) await connect();
    const action = `publishing ${messages.length} message(s)`;
    try {
      const partitions = knownPartitions ?? (await partitionCount());
      if (partitions !== undefined) {
        const metadata = metadataFor(partitions);
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
        log.write(
          'warn',
          'publish-retry',
          `publishing to ${contract.topic}: ${pending.length} message(s) were not acknowledged by their partition's leader (a leader changed mid-send); sending them again (round ${round + 1} of 5)`,
          { topic: contract.topic, messages: pending.length, round: round + 1 },
        );
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
      const failed = toKafkaError(error, action, contract.topic, brokersOf(options));
      log.write('warn', 'publish-failed', failed.message, {
        topic: contract.topic,
        messages: messages.length,
        code: isContractsError(failed) ? failed.code : 'KAFKA',
        retriable: isContractsError(failed) ? failed.retriable : undefined,
      });
      throw failed;
    }
  };

  const partitioner = keyPartitioner(options.partitioner)();
  /** The partition count once read: the hot path reads it without a promise. */
  let knownPartitions: number | undefined;
  let metadata: { count: number; partitions: PartitionMetadata[] } | undefined;
  /** What the partitioner reads: the partition IDs (built once per partition count, not per send). */
  const metadataFor = (count: number) => {
    if (metadata?.count !== count) {
      metadata = {
        count,
        partitions: Array.from({ length: count }, (_, partitionId) => ({
          partitionId,
          leader: 0,
          replicas: [],
          isr: [],
          partitionErrorCode: 0,
        })),
      };
    }
    return metadata.partitions;
  };
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
      knownPartitions = count;
      return count;
    });
  };

  return {
    serde,
    connect,
    prepare: (eventType, payload) => fill(eventType, payload) as unknown as EventOf<C>,
    async publish(eventType, payload, publishOptions) {
      const prepared = toMessage(eventType, payload, publishOptions);
      const { message, eventId, schemaId } = prepared instanceof Promise ? await prepared : prepared;
      const span = telemetry.publish(eventType, message.key as string | null, schemaId);
      span.inject(message.headers!);
      let meta: RecordMetadata | undefined;
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
      const prepared: Prepared[] = [];
      for (const item of items) {
        const next = toMessage(item.eventType, item.payload, item);
        prepared.push(next instanceof Promise ? await next : next);
      }
      const spans = prepared.map((p, i) => {
        const span = telemetry.publish(items[i]!.eventType, p.message.key as string | null, p.schemaId);
        span.inject(p.message.headers!);
        return span;
      });
      let metadata: RecordMetadata[];
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
    async disconnect() {
      // a connect still in flight would otherwise finish after this and leave a producer connected
      await connecting?.catch(() => undefined);
      const p = producer;
      producer = undefined;
      connecting = undefined;
      partitionsCache = undefined;
      knownPartitions = undefined;
      if (p)
        await p
          .disconnect()
          .catch((error: unknown) => Promise.reject(toKafkaError(error, 'disconnecting the producer')));
    },
  };
}

export { consistentRandomPartition, KEY_PARTITIONERS, keyPartitioner, type KeyPartitioner } from './partitioners';
