/**
 * Where a dead letter goes: the partition its message came from (modulo the dead-letter topic's
 * count), read from its `dlq.original.partition` header. The key is never hashed: kafkajs's default
 * partitioner costs the square of the key's length (a 900 KB key blocked the event loop for two
 * minutes), and a poison record's key is whatever the producer sent.
 */
import type { ICustomPartitioner } from 'kafkajs';
import { DLQ_HEADERS, headerString } from './headers';

export const sourcePartitioner: ICustomPartitioner =
  () =>
  ({ partitionMetadata, message }) => {
    const source = Number(headerString(message.headers, DLQ_HEADERS.ORIGINAL_PARTITION));
    const count = Math.max(1, partitionMetadata.length);
    return Number.isInteger(source) && source >= 0 ? source % count : 0;
  };
