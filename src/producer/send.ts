/**
 * The producer's send path, after kafkajs's own `producer/sendMessages.js`: one connection to the
 * cluster (idempotent, acks=all), each message's partition fixed up front, a check that every
 * partition sent to was acknowledged (re-sending what a leader change dropped), one deadline timer
 * for every send in flight (`deliveryTimeoutMs`), and a log line for what did not go through.
 * ./index.ts builds the messages; this sends them.
 */
import type {
  CompressionTypes,
  Kafka,
  Message,
  PartitionMetadata,
  Producer as KafkaProducer,
  RecordMetadata,
} from 'kafkajs';
import { DeliveryTimeoutError, isContractsError, KafkaError } from '../errors';
import { brokersOf, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { createLogger, rateLimited } from '../log';
import { keyPartitioner, type KeyPartitioner } from './partitioners';

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
    connect,
    send,
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
