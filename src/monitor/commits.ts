/**
 * When a group last committed, per partition, as the broker recorded it. Kafka's OffsetFetch
 * answers offsets and their metadata but no time (the commit timestamp left the protocol with
 * KIP-211); the time is in the group coordinator's own log, `__consumer_offsets`: each commit is a
 * record keyed (version 0 or 1, group, topic, partition), written when the commit is accepted, so
 * its timestamp is the commit's time (the value's commit_timestamp, set by the broker, is the same).
 * A group's records all go to one partition, Java's `abs(groupId.hashCode()) % partitions`.
 *
 * That partition is read once and then only from where the last read stopped (a throw-away
 * consumer that never commits, `contracts-monitor-…`, hidden from the group lists). Where the
 * principal may not read the internal topic, or it does not answer in time, the answer says why
 * and the page falls back to the trend's "first seen" time, labelled so.
 */
import type { Kafka } from 'kafkajs';
import { readRanges } from '../kafka/read';

export const OFFSETS_TOPIC = '__consumer_offsets';

export type CommitTimes =
  | {
      available: true;
      /** `topic:partition` → when the group last committed there (ISO 8601); a partition never committed is absent. */
      partitions: Record<string, string>;
      /** A read of newer records is under way (the first read of a partition answers nothing yet). */
      reading: boolean;
    }
  | { available: false; reason: string };

/** Java's String.hashCode, as the group coordinator computes it. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The partition of `__consumer_offsets` that holds a group's records (Kafka's Utils.abs, then modulo). */
export function offsetsPartitionOf(groupId: string, partitions: number): number {
  return (javaStringHash(groupId) & 0x7fffffff) % partitions;
}

/** An offset-commit record's key: (version 0|1) group, topic, partition; undefined for another record (group metadata). */
export function readCommitKey(key: Buffer | null): { group: string; topic: string; partition: number } | undefined {
  if (!key || key.length < 2) return undefined;
  const version = key.readInt16BE(0);
  if (version !== 0 && version !== 1) return undefined;
  let at = 2;
  const text = () => {
    const length = key.readInt16BE(at);
    const value = key.toString('utf8', at + 2, at + 2 + length);
    at += 2 + length;
    return value;
  };
  try {
    const group = text();
    const topic = text();
    return { group, topic, partition: key.readInt32BE(at) };
  } catch {
    return undefined;
  }
}

export interface CommitTimeReader {
  /**
   * What is known of the group's commit times, after waiting up to `waitMs` for a read of the
   * newer records (started here when none runs); the read goes on in the background past that, so
   * a page that refreshes never waits long on a busy `__consumer_offsets`.
   */
  read(groupId: string, waitMs?: number): Promise<CommitTimes>;
  /** Waits for the reads under way (each ends within its timeout). */
  close(): Promise<void>;
}

interface PartitionState {
  /** Read up to here (exclusive). */
  to: bigint;
  times: Map<string, Map<string, string>>;
  running?: Promise<void>;
  failure?: string;
}

/** Keeps what it read of `__consumer_offsets` per partition and reads on from there. */
export function createCommitTimeReader(kafka: Kafka, options: { timeoutMs?: number } = {}): CommitTimeReader {
  const partitions = new Map<number, PartitionState>();
  let count: number | undefined;

  const readOn = async (partition: number, state: PartitionState) => {
    const admin = kafka.admin();
    let high: bigint;
    let from: bigint;
    try {
      await admin.connect();
      const ends = (await admin.fetchTopicOffsets(OFFSETS_TOPIC)).find((p) => p.partition === partition);
      high = BigInt(ends?.high ?? '0');
      const low = BigInt(ends?.low ?? '0');
      from = state.to > low ? state.to : low;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (high > from)
      await readRanges(
        kafka,
        OFFSETS_TOPIC,
        [{ partition, from, to: high }],
        (_p, message) => {
          // progress is kept record by record: a read that times out on a busy partition goes on
          // from here the next time instead of starting over (and timing out again)
          state.to = BigInt(message.offset) + 1n;
          const key = readCommitKey(message.key);
          if (!key) return;
          const times = state.times.get(key.group) ?? new Map<string, string>();
          state.times.set(key.group, times);
          // a tombstone: the offset was deleted (the group expired, or its offsets were removed)
          if (message.value === null) times.delete(`${key.topic}:${key.partition}`);
          else times.set(`${key.topic}:${key.partition}`, new Date(Number(message.timestamp)).toISOString());
        },
        { timeoutMs: options.timeoutMs ?? 20_000, groupPrefix: 'contracts-monitor' },
      );
    state.to = high > state.to ? high : state.to;
  };

  return {
    close: async () => {
      await Promise.all([...partitions.values()].map((p) => p.running));
    },
    async read(groupId, waitMs = 3000) {
      try {
        if (count === undefined) {
          const admin = kafka.admin();
          try {
            await admin.connect();
            count = (await admin.fetchTopicMetadata({ topics: [OFFSETS_TOPIC] })).topics[0]?.partitions.length ?? 0;
          } finally {
            await admin.disconnect().catch(() => undefined);
          }
        }
        if (count === 0) {
          count = undefined;
          return { available: false, reason: `${OFFSETS_TOPIC} has no partitions yet` };
        }
        const partition = offsetsPartitionOf(groupId, count);
        const state: PartitionState = partitions.get(partition) ?? { to: 0n, times: new Map() };
        partitions.set(partition, state);
        state.running ??= readOn(partition, state)
          .then(() => (state.failure = undefined))
          .catch((error: unknown) => {
            state.failure = (error as Error).message;
          })
          .finally(() => (state.running = undefined));
        await Promise.race([state.running, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
        if (state.failure && state.to === 0n) return unavailable(state.failure);
        return {
          available: true,
          partitions: Object.fromEntries(state.times.get(groupId) ?? []),
          reading: state.running !== undefined,
        };
      } catch (error) {
        return unavailable((error as Error).message);
      }
    },
  };
}

function unavailable(why: string): CommitTimes {
  return {
    available: false,
    reason: `the commit times are read from ${OFFSETS_TOPIC}, which could not be read (${why}); a principal needs Describe and Read on it`,
  };
}
