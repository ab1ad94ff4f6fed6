/**
 * Reads a topic from its start to its end as it is when the read begins, and stops: what
 * `contracts dlq` and replay need. Never creates the topic (a missing one is a typed error, or an
 * empty read with `missingOk`) and never commits offsets.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { KafkaError } from '../errors';
import { assertTopicsExist } from './admin';
import { toKafkaError } from './client';

export interface ReadToEndOptions {
  /** A missing topic reads as empty instead of failing. */
  missingOk?: boolean;
  /** Give up after this long. Default 60 s. */
  timeoutMs?: number;
  /** Prefix of the throw-away consumer group the read uses. */
  groupPrefix?: string;
}

export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (partition: number, message: KafkaMessage) => void | Promise<void>,
  options: ReadToEndOptions = {},
): Promise<number> {
  const ends = await endOffsets(kafka, topic, options.missingOk ?? false);
  if (ends.size === 0) return 0;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix ?? 'contracts-read'}-${randomBytes(4).toString('hex')}`,
    allowAutoTopicCreation: false,
  });
  let count = 0;
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(
    () =>
      fail(new KafkaError(`reading ${topic} did not reach its end within ${timeoutMs} ms`, topic, { retriable: true })),
    timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const end = ends.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return;
        count += 1;
        await onMessage(partition, message);
        if (BigInt(message.offset) + 1n >= end) {
          ends.delete(partition);
          if (ends.size === 0) finish();
        }
      },
    });
    await done;
    return count;
  } catch (error) {
    throw toKafkaError(error, 'reading', topic);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/** End offset of each partition that holds records (high watermark > low). */
async function endOffsets(kafka: Kafka, topic: string, missingOk: boolean): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  const ends = new Map<number, bigint>();
  try {
    await admin.connect();
    if (missingOk && !(await admin.listTopics()).includes(topic)) return ends;
    await assertTopicsExist(admin, [topic]);
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
    return ends;
  } catch (error) {
    throw toKafkaError(error, 'reading the offsets', topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
