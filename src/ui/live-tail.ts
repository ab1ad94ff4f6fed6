/**
 * The live tail behind the page's event streams: the last few records of each partition, then
 * every new one, decoded by `src/tail`'s generic decoder (the schema the record's header names)
 * with its dead-letter headers. Unlike `tailTopic` it starts a little before the end, so the page
 * is not empty on arrival, and it says when it is live and when the topic does not exist.
 *
 * Offsets are read before the consumer starts and each partition is sought from there, so no
 * record written after `live` is reported can be missed, whenever the group join completes.
 * The consumer never commits and its throw-away group is deleted when the stream ends.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { readDeadLetterHeaders } from '../dlq/headers';
import { KafkaError } from '../errors';
import { toKafkaError } from '../kafka/client';
import type { SchemaRegistryClient } from '../registry/types';
import { createGenericDecoder, toTailRecord, type TailRecord } from '../tail';

export type LiveTailStatus =
  | { state: 'connecting'; topic: string }
  | { state: 'topic-missing'; topic: string }
  | { state: 'live'; topic: string; partitions: number; recent: number };

export interface LiveTailOptions {
  kafka: Kafka;
  registry: SchemaRegistryClient;
  topic: string;
  /** Field naming the event type. */
  discriminator: string;
  /** Records replayed from the end of each partition before going live. */
  recentPerPartition: number;
  signal: AbortSignal;
  /** Mask the fields tagged with these (a viewer's page); no bytes are shown then. */
  mask?: ReadonlySet<string>;
  onStatus(status: LiveTailStatus): void;
  onRecord(record: TailRecord): void;
}

/** Follows the topic until `signal` aborts; resolves early when the topic is missing. Throws KafkaError. */
export async function runLiveTail(options: LiveTailOptions): Promise<void> {
  const { kafka, topic, signal } = options;
  if (signal.aborted) return;
  options.onStatus({ state: 'connecting', topic });
  const admin = kafka.admin();
  const groupId = `contracts-ui-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let started = false;
  let crash: ((error: unknown) => void) | undefined;
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  crashed.catch(() => undefined);
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      options.onStatus({ state: 'topic-missing', topic });
      return;
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    const decode = createGenericDecoder(options.registry, options.discriminator, { mask: options.mask });
    const subjectsById = new Map<number, Promise<Array<{ subject: string; version: number }>>>();
    // a dead letter carries the original topic's bytes: name the schema by that topic's subject
    const originalSubject = async (schemaId: number, originalTopic: string) => {
      let hit = subjectsById.get(schemaId);
      if (!hit) {
        hit = options.registry.getSubjectVersionsById(schemaId).catch(() => []);
        subjectsById.set(schemaId, hit);
      }
      return (await hit).find((s) => s.subject === `${originalTopic}-value`);
    };
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) crash?.(event.payload.error);
    });
    await consumer.connect();
    started = true;
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: from, partition, message }) => {
        if (signal.aborted) return;
        const { failure: _failure, ...decoded } = await decode(message.value, from);
        const deadLetter = readDeadLetterHeaders(message.headers);
        if (deadLetter && decoded.schemaId !== undefined) {
          const original = await originalSubject(decoded.schemaId, deadLetter.originalTopic);
          if (original) Object.assign(decoded, original);
        }
        options.onRecord(toTailRecord(from, partition, message, decoded, options.mask ? false : undefined));
      },
    });
    const recent = BigInt(Math.max(0, options.recentPerPartition));
    for (const p of offsets) {
      const high = BigInt(p.high);
      const low = BigInt(p.low);
      const start = high - recent > low ? high - recent : low;
      consumer.seek({ topic, partition: p.partition, offset: start.toString() });
    }
    options.onStatus({ state: 'live', topic, partitions: offsets.length, recent: options.recentPerPartition });
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([aborted, crashed]);
  } catch (error) {
    throw error instanceof KafkaError ? error : toKafkaError(error, 'following', topic);
  } finally {
    if (started) await consumer.disconnect().catch(() => undefined);
    if (started) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
