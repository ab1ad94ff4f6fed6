/**
 * The transformer's transactions on kafkajs: a transactional kafkajs producer per input partition
 * (kafkajs's connect() inits only its idempotent id; its first transaction() inits the
 * transactional one, which is what fences; records come with their partition fixed), offsets sent with the group id only (kafkajs sends
 * TxnOffsetCommit v0-v1: no generation, so fencing rests on the transactional ids), and the
 * committed offset read through an admin client.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { KafkajsGroupMember } from '../consumer/kafkajs';
import { kafkaErrorType } from '../kafka/client';
import { keyPartitioner, type KeyPartitioner } from '../producer/partitioners';
import type { PartitionProducer, TransactionsClient } from './transactions';

export interface KafkajsTransactionsOptions {
  transactionTimeoutMs: number;
  partitioner?: KeyPartitioner;
}

export function kafkajsTransactions(kafka: Kafka, options: KafkajsTransactionsOptions): TransactionsClient {
  let admin: Admin | undefined;
  let connecting: Promise<Admin> | undefined;
  const adminClient = () =>
    (connecting ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      admin = a;
      return a;
    })().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    }));

  return {
    producer(transactionalId): PartitionProducer {
      const producer = kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: options.transactionTimeoutMs,
        // outputs come with their partition; the rest (a topic whose partition count could not be
        // read) by key as `publish` places them. Naming it also keeps kafkajs's v2 partitioner warning away
        createPartitioner: keyPartitioner(options.partitioner),
        // kafkajs's first retry waits 300 ms: a send answered CONCURRENT_TRANSACTIONS right after a
        // commit (the markers take milliseconds) then cost every transaction 300 ms; the Java client waits 20
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 20, maxRetryTime: 5_000 },
      });
      let connected = false;
      return {
        async ready() {
          await producer.connect();
          connected = true;
          // the first transaction inits the transactional producer id: the fencing step
          const first = await producer.transaction();
          await first.abort();
        },
        async commit(sends, offset) {
          const { groupId } = offset.groupMember as KafkajsGroupMember;
          const transaction = await producer.transaction();
          try {
            if (sends.length > 0) {
              for (const send of sends) {
                await transaction.send({ topic: send.topic, acks: -1, messages: send.records });
              }
            }
            await retryingConcurrent(() =>
              transaction.sendOffsets({
                consumerGroupId: groupId,
                topics: [{ topic: offset.topic, partitions: [{ partition: offset.partition, offset: offset.next }] }],
              }),
            );
            await transaction.commit();
          } catch (error) {
            if (transaction.isActive()) await transaction.abort().catch(() => undefined);
            throw error;
          }
        },
        async close() {
          if (connected) await producer.disconnect();
        },
      };
    },
    async committedOffset(groupMember, topic, partition) {
      const { groupId } = groupMember as KafkajsGroupMember;
      const [offsets] = await (await adminClient()).fetchOffsets({ groupId, topics: [topic] });
      const found = offsets?.partitions.find((p) => p.partition === partition)?.offset;
      return found === undefined || BigInt(found) < 0n ? undefined : found;
    },
    joinStamp: (groupMember) => (groupMember as KafkajsGroupMember).joins,
    async partitionCount(topic) {
      try {
        const { topics } = await (await adminClient()).fetchTopicMetadata({ topics: [topic] });
        return topics[0]?.partitions.length || undefined;
      } catch {
        return undefined;
      }
    },
    async close() {
      const a = admin;
      admin = undefined;
      connecting = undefined;
      await a?.disconnect();
    },
  };
}

/**
 * Retries a transaction step the coordinator answered CONCURRENT_TRANSACTIONS (the previous
 * transaction's markers are still being written), as the Java producer does: kafkajs retries it on
 * sends but not on AddOffsetsToTxn (tulios/kafkajs#1068), where it aborted every other transaction
 * begun right after a commit and put seconds of rewinds on a steady stream.
 */
async function retryingConcurrent<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= 8 || kafkaErrorType(error) !== 'CONCURRENT_TRANSACTIONS') throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
    }
  }
}
