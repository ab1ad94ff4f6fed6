/**
 * Replays dead-lettered records: each goes back, byte for byte (key, value, original headers), to
 * the topic it came from. Reads the dead-letter topic up to its end as it is when the replay starts,
 * with a consumer group of its own whose committed offsets remember what was replayed, so running
 * it twice does not replay a record twice.
 */
import { Partitioners, type IHeaders, type Message } from 'kafkajs';
import type { TopicContract } from '../contract';
import { assertTopicsExist } from '../kafka/admin';
import { resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { readDeadLetterHeaders, withoutDeadLetterHeaders, type DeadLetterInfo } from './headers';

/** Added to a replayed record: `<dead-letter topic>/<partition>/<offset>` it was replayed from. */
export const REPLAYED_FROM_HEADER = 'replayed-from';

export interface ReplayOptions extends KafkaConnectionOptions {
  contract: Pick<TopicContract, 'topic' | 'deadLetterTopic'>;
  /** Default: the contract's dead-letter topic. */
  deadLetterTopic?: string;
  /** Default `contracts-dlq-replay.<dead-letter topic>`. */
  groupId?: string;
  /** Replay only the records this accepts (e.g. one reason or event type); the others are skipped. */
  filter?: (info: DeadLetterInfo) => boolean;
  /** Count what would be replayed, send nothing and commit nothing. */
  dryRun?: boolean;
  /** Give up waiting for the records after this long. Default 60 s. */
  timeoutMs?: number;
}

export interface ReplayResult {
  replayed: number;
  /** Records not replayed: filtered out, without dead-letter headers, or from another topic. */
  skipped: number;
  deadLetterTopic: string;
}

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const deadLetterTopic = options.deadLetterTopic ?? options.contract.deadLetterTopic;
  const groupId = options.groupId ?? `contracts-dlq-replay.${deadLetterTopic}`;
  const kafka = resolveKafka(options, 'contracts-dlq-replay');
  const result: ReplayResult = { replayed: 0, skipped: 0, deadLetterTopic };

  const admin = kafka.admin();
  const ends = new Map<number, bigint>();
  try {
    await admin.connect();
    await assertTopicsExist(admin, [deadLetterTopic]);
    const offsets = await admin.fetchTopicOffsets(deadLetterTopic);
    const committed = (await admin.fetchOffsets({ groupId, topics: [deadLetterTopic] }))[0]?.partitions ?? [];
    for (const p of offsets) {
      const start = BigInt(committed.find((c) => c.partition === p.partition)?.offset ?? '-1');
      const from = start >= 0n ? start : BigInt(p.low);
      if (from < BigInt(p.high)) ends.set(p.partition, BigInt(p.high));
    }
  } catch (error) {
    throw toKafkaError(error, 'reading the dead-letter topic offsets', deadLetterTopic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (ends.size === 0) return result;

  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timeout = setTimeout(
    () => fail(toKafkaError(new Error(`not every record was read within ${options.timeoutMs ?? 60_000} ms`), 'replaying', deadLetterTopic)),
    options.timeoutMs ?? 60_000,
  );
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning }) => {
        const end = ends.get(batch.partition);
        if (end === undefined || !isRunning()) return;
        const out = new Map<string, Message[]>();
        let last: bigint | undefined;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= end) break;
          last = offset;
          const info = readDeadLetterHeaders(message.headers);
          if (!info || info.originalTopic !== options.contract.topic || (options.filter && !options.filter(info))) {
            result.skipped += 1;
            continue;
          }
          const headers: IHeaders = {
            ...withoutDeadLetterHeaders(message.headers),
            [REPLAYED_FROM_HEADER]: `${deadLetterTopic}/${batch.partition}/${message.offset}`,
          };
          const list = out.get(info.originalTopic) ?? [];
          list.push({ key: message.key, value: message.value, headers });
          out.set(info.originalTopic, list);
          result.replayed += 1;
        }
        if (!options.dryRun) {
          if (out.size > 0) {
            await producer.sendBatch({ acks: -1, topicMessages: [...out].map(([topic, messages]) => ({ topic, messages })) });
          }
          if (last !== undefined) {
            await consumer.commitOffsets([{ topic: deadLetterTopic, partition: batch.partition, offset: (last + 1n).toString() }]);
          }
        }
        if (last !== undefined && last + 1n >= end) {
          ends.delete(batch.partition);
          if (ends.size === 0) finish();
        }
      },
    });
    await done;
    return result;
  } catch (error) {
    throw toKafkaError(error, 'replaying dead-lettered records', deadLetterTopic);
  } finally {
    clearTimeout(timeout);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}
