/**
 * The producer's send path, after kafkajs's own `producer/sendMessages.js`, on either transport:
 * one connection to the cluster (idempotent, acks=all: the transport's RecordProducer), each
 * message's partition fixed up front, one deadline timer for every send in flight
 * (`deliveryTimeoutMs`, ./deadlines.ts), and a log line for what did not go through. The partition
 * count comes from ./topic-partitions.ts. On kafkajs the send also checks that every partition
 * sent to was acknowledged (re-sending what a leader change dropped); ./platformatic.ts is the
 * other transport's producer. ./index.ts builds the messages; this sends them.
 */
import type { CompressionTypes, Kafka, Producer as KafkaProducer, RecordMetadata } from 'kafkajs';
import { isContractsError, KafkaError, TransportUnsupportedError } from '../errors';
import { brokersOf, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { platformaticBase, platformaticProducer } from '../kafka/platformatic';
import type { OutgoingRecord, RecordAck, RecordProducer } from '../kafka/transport';
import { createLogger, rateLimited, type RateLimitedLogger } from '../log';
import { deliveryDeadlines } from './deadlines';
import { keyPartitioner, type KeyPartitioner } from './partitioners';
import { topicPartitions } from './topic-partitions';

/** What the sender needs of a transport: its producer, and a topic's partition count. */
export interface SenderClient {
  producer: RecordProducer;
  /** Undefined when it cannot be read (e.g. a topic not created yet). */
  partitionCount(topic: string): Promise<number | undefined>;
}

export interface SenderOptions extends KafkaConnectionOptions {
  maxInFlightRequests?: number;
  retries?: number;
  partitioner?: KeyPartitioner;
  deliveryTimeoutMs?: number;
  compression?: CompressionTypes;
}

export interface Sender {
  connect(): Promise<void>;
  /** Sends and resolves with every partition's acknowledgement, or rejects with a typed error. */
  send(messages: OutgoingRecord[]): Promise<RecordAck[]>;
  disconnect(): Promise<void>;
}

export function createSender(client: SenderClient, contract: { topic: string }, options: SenderOptions): Sender {
  const { topic } = contract;
  const { producer } = client;
  let connected = false;
  let connecting: Promise<void> | undefined;

  const connect = async () => {
    if (connected) return;
    connecting ??= (async () => {
      try {
        await producer.connect();
      } catch (error) {
        connecting = undefined;
        await producer.disconnect().catch(() => undefined);
        throw toKafkaError(error, 'connecting the producer', undefined, brokersOf(options));
      }
      connected = true;
    })();
    await connecting;
  };

  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
  /** What the producer says about publishes that did not go through (rate-limited: a stalled broker fails every send). */
  const log = rateLimited(createLogger('producer'));
  const deadlines = deliveryDeadlines(topic, deliveryTimeoutMs, log);
  const partitions = topicPartitions(() => client.partitionCount(topic));
  const partitioner = keyPartitioner(options.partitioner)();

  /**
   * Sends with the partition of every message fixed up front (the same murmur2 partitioner), so
   * that sendAcknowledged() can check every partition sent to answered.
   */
  const sendNow = async (messages: OutgoingRecord[]) => {
    if (!connected) await connect();
    try {
      const count = partitions.known() ?? (await partitions.read());
      if (count !== undefined) {
        const partitionMetadata = partitions.metadataFor(count);
        for (const message of messages) {
          message.partition ??= partitioner({ topic, partitionMetadata, message });
        }
      }
      return await producer.send(topic, messages);
    } catch (error) {
      const failed = toKafkaError(error, publishing(messages), topic, brokersOf(options));
      log.write('warn', 'publish-failed', failed.message, {
        topic,
        messages: messages.length,
        code: isContractsError(failed) ? failed.code : 'KAFKA',
        retriable: isContractsError(failed) ? failed.retriable : undefined,
      });
      throw failed;
    }
  };

  return {
    connect,
    send: (messages) =>
      Number.isFinite(deliveryTimeoutMs)
        ? deadlines.within(messages.length, () => sendNow(messages))
        : sendNow(messages),
    async disconnect() {
      // a connect still in flight would otherwise finish after this and leave a producer connected
      await connecting?.catch(() => undefined);
      const was = connected;
      connected = false;
      connecting = undefined;
      partitions.reset();
      if (was)
        await producer
          .disconnect()
          .catch((error: unknown) => Promise.reject(toKafkaError(error, 'disconnecting the producer')));
    },
  };
}

/**
 * The kafkajs transport's sender client: an idempotent kafkajs producer (acks=all, `maxInFlightRequests`,
 * the named key partitioner) whose sends check every partition answered, and the partition count
 * through kafkajs's admin client.
 */
export function kafkajsSenderClient(kafka: Kafka, topic: string, options: SenderOptions): SenderClient {
  const log = rateLimited(createLogger('producer'));
  let p: KafkaProducer | undefined;
  return {
    producer: {
      async connect() {
        p ??= kafka.producer({
          idempotent: true,
          maxInFlightRequests: options.maxInFlightRequests ?? 1,
          ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
          createPartitioner: keyPartitioner(options.partitioner),
        });
        await p.connect();
      },
      send: (to, records) =>
        sendAcknowledged(p!, to, records, records[0]?.partition !== undefined, options.compression, log),
      async disconnect() {
        const was = p;
        p = undefined;
        await was?.disconnect();
      },
    },
    partitionCount: () => kafkajsPartitionCount(kafka, topic),
  };
}

/** kafkajs's CompressionTypes codes, as @platformatic/kafka names the algorithms (it has all four built in). */
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/**
 * The platformatic transport's sender client: @platformatic/kafka's idempotent producer (acks=all;
 * its sequences keep each partition's order), with `retries`, `maxInFlightRequests` and
 * `compression` as its `retries`, `maxInflights` and compression algorithm.
 */
export function platformaticSenderClient(options: SenderOptions, defaultClientId: string): SenderClient {
  const compression = COMPRESSIONS[options.compression ?? 0];
  if (!compression) {
    throw new TransportUnsupportedError('platformatic', `compression ${String(options.compression)}`);
  }
  const producer = platformaticProducer({
    ...platformaticBase(options, defaultClientId),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.maxInFlightRequests === undefined ? {} : { maxInflights: options.maxInFlightRequests }),
    ...(compression === 'none' ? {} : { compression }),
  });
  return { producer, partitionCount: (topic) => producer.partitionCount(topic) };
}

async function kafkajsPartitionCount(kafka: Kafka, topic: string): Promise<number | undefined> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = topics[0]?.partitions.length ?? 0;
    return count > 0 ? count : undefined;
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const ROUNDS = 5;

const publishing = (messages: OutgoingRecord[]) => `publishing ${messages.length} message(s)`;

/**
 * Sends and checks that the broker acknowledged every partition sent to (`partitioned`: every
 * message's partition is fixed). kafkajs 2.2.4 can resolve a send that skipped a partition: when a
 * leader dies mid-send, its retry keeps the answers of brokers that already replied and never
 * sends to them again, so a partition whose new leader is one of them is silently dropped (found
 * by test/integration/faults/broker-failover.test.ts). Messages of a partition missing from the
 * answer are sent again; kafkajs never counted them in its idempotence sequence, so this writes no
 * duplicate.
 */
async function sendAcknowledged(
  producer: KafkaProducer,
  topic: string,
  messages: OutgoingRecord[],
  partitioned: boolean,
  compression: CompressionTypes | undefined,
  log: RateLimitedLogger,
): Promise<RecordMetadata[]> {
  const acknowledged: RecordMetadata[] = [];
  let pending = messages;
  for (let round = 1; ; round++) {
    const answer = await producer.send({ topic, acks: -1, messages: pending, compression });
    acknowledged.push(...answer);
    if (!partitioned) return acknowledged;
    const answered = new Set(answer.map((m) => m.partition));
    pending = pending.filter((m) => !answered.has(m.partition!));
    if (pending.length === 0) return acknowledged;
    log.write(
      'warn',
      'publish-retry',
      `publishing to ${topic}: ${pending.length} message(s) were not acknowledged by their partition's leader (a leader changed mid-send); sending them again (round ${round + 1} of ${ROUNDS})`,
      { topic, messages: pending.length, round: round + 1 },
    );
    if (round >= ROUNDS) {
      throw new KafkaError(
        `${publishing(messages)} (topic ${topic}) failed: ${pending.length} message(s) were never acknowledged by their partition's leader`,
        topic,
        {
          retriable: true,
          hint: 'a partition leader changed during the send; publish again (consumers de-duplicate on eventId)',
        },
      );
    }
  }
}
