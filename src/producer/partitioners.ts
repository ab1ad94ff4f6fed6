/**
 * Which partition a key goes to. Producers of one topic must agree, or one booking's events land on
 * different partitions and lose their order:
 * - `murmur2` (default): the Java client's default, kafkajs's DefaultPartitioner, librdkafka's
 *   `murmur2_random`: murmur2 of the key bytes, positive, modulo the partition count.
 * - `consistent_random`: librdkafka's default (confluent-kafka for Python, Go, .NET, and
 *   node-rdkafka): CRC-32 of the key bytes modulo the partition count; a null or empty key goes
 *   to a random partition.
 * A message with a partition of its own keeps it.
 */
import { crc32 } from 'node:zlib';
import { Partitioners, type ICustomPartitioner } from 'kafkajs';

export type KeyPartitioner = 'murmur2' | 'consistent_random';

export const KEY_PARTITIONERS: readonly KeyPartitioner[] = ['murmur2', 'consistent_random'];

/** The partition of `key` among `partitionCount` under librdkafka's consistent_random. */
export function consistentRandomPartition(key: Buffer | string | null | undefined, partitionCount: number): number {
  const bytes = key === null || key === undefined ? undefined : Buffer.isBuffer(key) ? key : Buffer.from(key, 'utf8');
  if (!bytes || bytes.length === 0) return Math.floor(Math.random() * partitionCount);
  return crc32(bytes) % partitionCount;
}

const consistentRandom: ICustomPartitioner =
  () =>
  ({ partitionMetadata, message }) => {
    if (typeof message.partition === 'number') return message.partition;
    const ids = partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
    return ids[consistentRandomPartition(message.key, ids.length)] ?? 0;
  };

/** A kafkajs `createPartitioner` for the named strategy. */
export function keyPartitioner(name: KeyPartitioner = 'murmur2'): ICustomPartitioner {
  return name === 'consistent_random' ? consistentRandom : Partitioners.DefaultPartitioner;
}
