/**
 * Replays the dead letters of one consumer group, once.
 *
 * - For the group that failed them only: each record goes back, byte for byte (key, value,
 *   original headers), to the topic it came from with REPLAY_HEADERS naming the group; the kit's
 *   consumers of every other group skip it (src/consumer/decide.ts), so they never see a copy.
 * - Once: what was replayed is recorded in a compacted ledger topic (`<dead-letter topic>.replayed`)
 *   keyed by group and original topic/partition/offset. A second run, a run with another filter,
 *   or the same message dead-lettered twice by the group (redelivered after a crash) replays
 *   nothing more. Each chunk's copies are acknowledged before its ledger entries are written: a
 *   replay killed in between can deliver a chunk again (at least once), never lose one.
 */
import { Partitioners, type IHeaders, type Message } from 'kafkajs';
import type { TopicContract } from '../contract';
import { UsageError } from '../errors';
import { resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import { coordinatesOf, REPLAY_HEADERS, withoutDeadLetterHeaders, type DeadLetterInfo } from './headers';
import { readDeadLetters, replayKey, replayLedgerTopic, type DeadLetterEntry } from './read';

export interface ReplayOptions extends KafkaConnectionOptions {
  contract: Pick<TopicContract, 'topic' | 'deadLetterTopic'>;
  /** The consumer group whose dead letters to replay; only its consumers handle the copies. */
  group: string;
  /** Default: the contract's dead-letter topic. */
  deadLetterTopic?: string;
  /** Replay only the records this accepts (e.g. one reason or event type); the others stay. */
  filter?: (info: DeadLetterInfo) => boolean;
  /** Count what would be replayed, send nothing. */
  dryRun?: boolean;
  /** Give up reading after this long. Default 60 s. */
  timeoutMs?: number;
}

export interface ReplayResult {
  /** Records sent back (or that would be, with dryRun). */
  replayed: number;
  /** Records of this group replayed by an earlier run. */
  alreadyReplayed: number;
  /** Further copies of a message this run replays (the group dead-lettered it more than once). */
  duplicates: number;
  /** Records of other groups or topics, filtered out, or without dead-letter headers. */
  skipped: number;
  deadLetterTopic: string;
  ledgerTopic: string;
}

const CHUNK = 500;

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  if (!options.group)
    throw new UsageError('replay needs the consumer group whose dead letters to replay', 'pass group (`--group <id>`)');
  const deadLetterTopic = options.deadLetterTopic ?? options.contract.deadLetterTopic;
  const ledgerTopic = replayLedgerTopic(deadLetterTopic);
  const kafka = resolveKafka(options, 'contracts-dlq-replay');
  const result: ReplayResult = {
    replayed: 0,
    alreadyReplayed: 0,
    duplicates: 0,
    skipped: 0,
    deadLetterTopic,
    ledgerTopic,
  };

  const chosen: Array<{ entry: DeadLetterEntry; info: DeadLetterInfo; key: string }> = [];
  const keys = new Set<string>();
  for (const entry of await readDeadLetters(kafka, deadLetterTopic, options.timeoutMs)) {
    const info = entry.info;
    if (
      !info ||
      info.consumerGroup !== options.group ||
      info.originalTopic !== options.contract.topic ||
      (options.filter && !options.filter(info))
    ) {
      result.skipped += 1;
    } else if (entry.replayed) {
      result.alreadyReplayed += 1;
    } else if (keys.has(replayKey(info))) {
      result.duplicates += 1;
    } else {
      keys.add(replayKey(info));
      chosen.push({ entry, info, key: replayKey(info) });
    }
  }
  result.replayed = chosen.length;
  if (options.dryRun || chosen.length === 0) return result;

  await ensureLedger(kafka, ledgerTopic);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await producer.connect();
    for (let i = 0; i < chosen.length; i += CHUNK) {
      const chunk = chosen.slice(i, i + CHUNK);
      const copies: Message[] = chunk.map(({ entry, info }) => {
        const headers: IHeaders = {
          ...withoutDeadLetterHeaders(entry.headers),
          [REPLAY_HEADERS.TARGET_GROUP]: options.group,
          [REPLAY_HEADERS.ORIGINAL]: coordinatesOf(info),
          [REPLAY_HEADERS.FROM]: `${deadLetterTopic}/${entry.partition}/${entry.offset}`,
        };
        // same key, so the copy lands on the partition the original was on (same partitioner)
        return { key: entry.key, value: entry.value, headers };
      });
      await producer.send({ topic: options.contract.topic, acks: -1, messages: copies });
      const at = new Date().toISOString();
      await producer.send({
        topic: ledgerTopic,
        acks: -1,
        messages: chunk.map(({ entry, info, key }) => ({
          key,
          value: JSON.stringify({
            group: options.group,
            original: coordinatesOf(info),
            from: `${deadLetterTopic}/${entry.partition}/${entry.offset}`,
            at,
          }),
        })),
      });
    }
    return result;
  } catch (error) {
    throw toKafkaError(error, 'replaying dead-lettered records', deadLetterTopic);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** The ledger: one partition (replays are rare and small), compacted (one entry per key is enough). */
async function ensureLedger(kafka: ReturnType<typeof resolveKafka>, topic: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
  } catch (error) {
    throw toKafkaError(error, 'creating the replay ledger', topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
