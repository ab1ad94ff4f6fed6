/**
 * The producer's send path, after kafkajs's own `producer/sendMessages.js`: one connection to the
 * cluster (idempotent, acks=all), each message's partition fixed up front, a check that every
 * partition sent to was acknowledged (re-sending what a leader change dropped), one deadline timer
 * for every send in flight (`deliveryTimeoutMs`, ./deadlines.ts), and a log line for what did not
 * go through. The partition count comes from ./topic-partitions.ts. ./index.ts builds the
 * messages; this sends them.
 */
import type { CompressionTypes, Kafka, Message, Producer as KafkaProducer, RecordMetadata } from 'kafkajs';
import { isContractsError, KafkaError } from '../errors';
import { brokersOf, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { createLogger, rateLimited, type RateLimitedLogger } from '../log';
import { deliveryDeadlines } from './deadlines';
import { keyPartitioner, type KeyPartitioner } from './partitioners';
import { topicPartitions } from './topic-partitions';

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
  send(messages: Message[]): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

export function createSender(kafka: Kafka, contract: { topic: string }, options: SenderOptions): Sender {
  const { topic } = contract;
  let producer: KafkaProducer | undefined;
  let connecting: Promise<void> | undefined;

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

  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
  /** What the producer says about publishes that did not go through (rate-limited: a stalled broker fails every send). */
  const log = rateLimited(createLogger('producer'));
  const deadlines = deliveryDeadlines(topic, deliveryTimeoutMs, log);
  const partitions = topicPartitions(kafka, topic);
  const partitioner = keyPartitioner(options.partitioner)();

  /**
   * Sends with the partition of every message fixed up front (the same murmur2 partitioner), so
   * that sendAcknowledged() can check every partition sent to answered.
   */
  const sendNow = async (messages: Message[]) => {
    if (!producer) await connect();
    try {
      const count = partitions.known() ?? (await partitions.read());
      if (count !== undefined) {
        const partitionMetadata = partitions.metadataFor(count);
        for (const message of messages) {
          message.partition ??= partitioner({ topic, partitionMetadata, message });
        }
      }
      return await sendAcknowledged(producer!, topic, messages, count !== undefined, options.compression, log);
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
      const p = producer;
      producer = undefined;
      connecting = undefined;
      partitions.reset();
      if (p)
        await p
          .disconnect()
          .catch((error: unknown) => Promise.reject(toKafkaError(error, 'disconnecting the producer')));
    },
  };
}

const ROUNDS = 5;

const publishing = (messages: Message[]) => `publishing ${messages.length} message(s)`;

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
  messages: Message[],
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
