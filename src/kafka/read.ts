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
  const ranges = [...ends].map(([partition, range]) => ({ partition, from: range.low, to: range.high }));
  return readRanges(kafka, topic, ranges, onMessage, options);
}

/** Offsets `from` (inclusive) to `to` (exclusive) of one partition. */
export interface OffsetRange {
  partition: number;
  from: bigint;
  to: bigint;
}

/**
 * Reads the records of each range and stops when every range is read: the ranged read under
 * `readTopicToEnd` and the UI's message browser. Empty ranges are skipped; never commits.
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly OffsetRange[],
  onMessage: (partition: number, message: KafkaMessage) => void | Promise<void>,
  options: Omit<ReadToEndOptions, 'missingOk'> = {},
): Promise<number> {
  const pending = new Map(ranges.filter((r) => r.to > r.from).map((r) => [r.partition, r]));
  if (pending.size === 0) return 0;
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
    const reached = (partition: number, offset: bigint) => {
      const range = pending.get(partition);
      if (range === undefined || offset + 1n < range.to) return;
      pending.delete(partition);
      if (pending.size === 0) finish();
    };
    // a transaction's commit marker can be a partition's last offset: no message ever has it, so
    // the end is also reached by a batch's last offset, control records included (kafkajs reports
    // batches of nothing but markers only through this event)
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic === topic) reached(payload.partition, BigInt(payload.lastOffset));
    });
    // only the ranges' partitions are fetched: a read of one partition of __consumer_offsets (50 of
    // them, busy with every group's commits) otherwise fetched all of them from the beginning
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const others = (payload.memberAssignment[topic] ?? []).filter((p) => !pending.has(p));
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const range = pending.get(partition);
        const offset = BigInt(message.offset);
        if (range === undefined || offset < range.from || offset >= range.to) return;
        count += 1;
        await onMessage(partition, message);
        reached(partition, offset);
      },
    });
    for (const range of pending.values())
      consumer.seek({ topic, partition: range.partition, offset: String(range.from) });
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
async function endOffsets(
  kafka: Kafka,
  topic: string,
  missingOk: boolean,
): Promise<Map<number, { low: bigint; high: bigint }>> {
  const admin = kafka.admin();
  const ends = new Map<number, { low: bigint; high: bigint }>();
  try {
    await admin.connect();
    if (missingOk && !(await admin.listTopics()).includes(topic)) return ends;
    await assertTopicsExist(admin, [topic]);
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, { low: BigInt(p.low), high: BigInt(p.high) });
    }
    return ends;
  } catch (error) {
    throw toKafkaError(error, 'reading the offsets', topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
