/**
 * The topic's partition count, read once per producer through its transport, so the sender can
 * fix each message's partition up front (and check that every partition sent to answered). Once
 * read, the hot path gets it without a promise; the partitioner's metadata is built once per count.
 */
import type { PartitionMetadata } from 'kafkajs';

export interface TopicPartitions {
  /** The count once read; undefined before, or when it could not be read. */
  known(): number | undefined;
  /** Reads the count (once; again after a failure): undefined when it cannot be read (e.g. a topic not created yet). */
  read(): Promise<number | undefined>;
  /** What the partitioner reads: the partition IDs. */
  metadataFor(count: number): PartitionMetadata[];
  /** Forgets the count (a disconnect: the topic may have grown before the next connect). */
  reset(): void;
}

export function topicPartitions(fetchCount: () => Promise<number | undefined>): TopicPartitions {
  let known: number | undefined;
  let reading: Promise<number | undefined> | undefined;
  let metadata: { count: number; partitions: PartitionMetadata[] } | undefined;

  return {
    known: () => known,
    read() {
      reading ??= fetchCount();
      return reading.then((count) => {
        if (count === undefined) reading = undefined;
        known = count;
        return count;
      });
    },
    metadataFor(count) {
      if (metadata?.count !== count) {
        metadata = { count, partitions: Array.from({ length: count }, (_, id) => partitionMetadata(id)) };
      }
      return metadata.partitions;
    },
    reset() {
      reading = undefined;
      known = undefined;
    },
  };
}

function partitionMetadata(partitionId: number): PartitionMetadata {
  return { partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 };
}
