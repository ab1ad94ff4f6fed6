/**
 * Replays the dead letters of one consumer group, once.
 *
 * - For the group that failed them only: each record goes back, byte for byte (key, value,
 *   original headers), to the topic it came from with REPLAY_HEADERS naming the group; the kit's
 *   consumers of every other group skip it (src/consumer/decide.ts), so they never see a copy.
 * - Once: what was replayed is recorded in a compacted ledger topic (`<dead-letter topic>.replayed`)
 *   keyed by group and original topic/partition/offset. A second run, a run with another filter,
 *   or the same message dead-lettered twice by the group (redelivered after a crash) replays
 *   nothing more.
 * - Atomically, and one run at a time: the copies and their ledger entries are written in one Kafka
 *   transaction, whose transactional id is the dead-letter topic's and the group's. A run takes
 *   that id (which fences a run still going) before it reads the ledger, so two runs started
 *   together never both send a record: the later one sees what the earlier committed, or the
 *   earlier one is fenced, its transaction aborted, and its `replayDeadLetters()` rejects with a
 *   KafkaError. A replay killed midway writes nothing (the kit's consumers read committed records).
 * - Each copy goes back to the partition it was consumed from (no key is hashed), and a bounded
 *   dead letter (`dlq.truncated`: only a prefix of its bytes was kept) is never replayed.
 */
import type { IHeaders, Message } from 'kafkajs';
import type { TopicContract } from '../contract';
import { UsageError } from '../errors';
import { createLogger } from '../log';
import { createTopicsReady } from '../kafka/admin';
import { resolveKafka, toKafkaError, type KafkaConnectionOptions } from '../kafka/client';
import {
  coordinatesOf,
  DLQ_HEADERS,
  headerString,
  REPLAY_HEADERS,
  withoutDeadLetterHeaders,
  type DeadLetterInfo,
} from './headers';
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
  /** Bounded dead letters of this group (only a prefix of the bytes was kept): never replayed. */
  truncated: number;
  deadLetterTopic: string;
  ledgerTopic: string;
}

const log = createLogger('dlq-replay');

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  if (!options.group)
    throw new UsageError('replay needs the consumer group whose dead letters to replay', 'pass group (`--group <id>`)');
  const deadLetterTopic = options.deadLetterTopic ?? options.contract.deadLetterTopic;
  const ledgerTopic = replayLedgerTopic(deadLetterTopic);
  const kafka = resolveKafka(options, 'contracts-dlq-replay');
  if (options.dryRun) return choose(options, await readDeadLetters(kafka, deadLetterTopic, options.timeoutMs)).result;

  await ensureLedger(kafka, ledgerTopic);
  // the group's replays share one transactional id: connecting fences a run still going, and the
  // ledger is read only after that, so it shows everything an earlier run committed
  const producer = kafka.producer({
    transactionalId: `contracts-dlq-replay.${deadLetterTopic}.${options.group}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  try {
    await producer.connect();
    // kafkajs registers the transactional id (InitProducerId, which fences the earlier holder and
    // waits for its transaction to finish) on the first transaction(), not on connect()
    const transaction = await producer.transaction();
    try {
      const { result, chosen } = choose(options, await readDeadLetters(kafka, deadLetterTopic, options.timeoutMs));
      if (chosen.length === 0) {
        await transaction.abort();
        return result;
      }
      await transaction.send({
        topic: options.contract.topic,
        acks: -1,
        messages: chosen.map(copyOf(options.group, deadLetterTopic)),
      });
      const at = new Date().toISOString();
      await transaction.send({
        topic: ledgerTopic,
        acks: -1,
        messages: chosen.map(({ entry, info, key }) => ({
          key,
          value: JSON.stringify({
            group: options.group,
            original: coordinatesOf(info),
            from: `${deadLetterTopic}/${entry.partition}/${entry.offset}`,
            at,
          }),
        })),
      });
      await transaction.commit();
      return result;
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    throw toKafkaError(
      error,
      'replaying dead-lettered records (another replay of the same group may have taken over)',
      deadLetterTopic,
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

type Chosen = { entry: DeadLetterEntry; info: DeadLetterInfo; key: string };

/** Which dead letters this run replays, and the counts of the others. */
function choose(options: ReplayOptions, entries: DeadLetterEntry[]): { result: ReplayResult; chosen: Chosen[] } {
  const deadLetterTopic = options.deadLetterTopic ?? options.contract.deadLetterTopic;
  const result: ReplayResult = {
    replayed: 0,
    alreadyReplayed: 0,
    duplicates: 0,
    skipped: 0,
    truncated: 0,
    deadLetterTopic,
    ledgerTopic: replayLedgerTopic(deadLetterTopic),
  };
  const chosen: Chosen[] = [];
  const keys = new Set<string>();
  for (const entry of entries) {
    const info = entry.info;
    if (
      !info ||
      info.consumerGroup !== options.group ||
      info.originalTopic !== options.contract.topic ||
      (options.filter && !options.filter(info))
    ) {
      result.skipped += 1;
    } else if (headerString(entry.headers, DLQ_HEADERS.TRUNCATED) === 'true') {
      result.truncated += 1;
    } else if (entry.replayed) {
      result.alreadyReplayed += 1;
    } else if (keys.has(replayKey(info))) {
      result.duplicates += 1;
    } else {
      keys.add(replayKey(info));
      chosen.push({ entry, info, key: replayKey(info) });
    }
  }
  if (result.truncated > 0) {
    log.warn(
      `${result.truncated} dead letter(s) of group ${options.group} are truncated records (the message was too large for ${deadLetterTopic}) and cannot be replayed; read them with \`contracts tail ${deadLetterTopic} --dlq\``,
      { group: options.group, deadLetterTopic, truncated: result.truncated },
    );
  }
  result.replayed = chosen.length;
  return { result, chosen };
}

/** The replayed copy: the original bytes and headers, for one group, back on the partition it came from. */
const copyOf =
  (group: string, deadLetterTopic: string) =>
  ({ entry, info }: Chosen): Message => {
    const headers: IHeaders = {
      ...withoutDeadLetterHeaders(entry.headers),
      [REPLAY_HEADERS.TARGET_GROUP]: group,
      [REPLAY_HEADERS.ORIGINAL]: coordinatesOf(info),
      [REPLAY_HEADERS.FROM]: `${deadLetterTopic}/${entry.partition}/${entry.offset}`,
    };
    return { key: entry.key, value: entry.value, headers, partition: info.originalPartition };
  };

/** The ledger: one partition (replays are rare and small), compacted (one entry per key is enough). */
async function ensureLedger(kafka: ReturnType<typeof resolveKafka>, topic: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    if ((await admin.listTopics()).includes(topic)) return;
    await createTopicsReady(admin, [
      { topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ]);
  } catch (error) {
    throw toKafkaError(error, 'creating the replay ledger', topic);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
