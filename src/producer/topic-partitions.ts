/**
 * The topic's partition count, read once per producer through the admin client, so the sender can
 * fix each message's partition up front (and check that every partition sent to answered). Once
 * read, the hot path gets it without a promise; the partitioner's metadata is built once per count.
 */
import type { Kafka, PartitionMetadata } from 'kafkajs';

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

export function topicPartitions(kafka: Kafka, topic: string): TopicPartitions {
  let known: number | undefined;
  let reading: Promise<number | undefined> | undefined;
  let metadata: { count: number; partitions: PartitionMetadata[] } | undefined;

  const fetchCount = async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      return count > 0 ? count : undefined;
    } catch {
      return undefined;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

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
