/**
 * The transformer's transactions on @platformatic/kafka: a transactional platformatic producer per
 * input partition (beginTransaction() inits its transactional id: the fencing step), offsets sent
 * with the member's generation (KIP-447: a member of an older generation is refused too), and the
 * committed offset read through the member's own consumer.
 */
import type * as Platformatic from '@platformatic/kafka';
import type { KafkaConnectionOptions } from '../kafka/client';
import { platformatic, platformaticBase } from '../kafka/platformatic';
import type { RecordHeaders } from '../kafka/transport';
import { DLQ_HEADERS, headerString } from '../dlq/headers';
import type { KeyPartitioner } from '../producer/partitioners';
import { TransportUnsupportedError } from '../errors';
import type { PartitionProducer, TransactionsClient } from './transactions';

type Client = Platformatic.Producer<Buffer, Buffer, string, Buffer | string>;
type Member = Platformatic.Consumer<Buffer, Buffer, Buffer, Buffer>;

export interface PlatformaticTransactionsOptions {
  partitioner?: KeyPartitioner;
  deadLetterTopic: string;
  transactionTimeoutMs: number;
}

const toBuffer = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

export function platformaticTransactions(
  connection: KafkaConnectionOptions & { groupId: string },
  options: PlatformaticTransactionsOptions,
): TransactionsClient {
  const base = platformaticBase(connection, `${connection.groupId}-transactions`);
  if (options.partitioner === 'consistent_random') {
    throw new TransportUnsupportedError(
      'platformatic',
      "a transformer's consistent_random partitioner",
      "use the default murmur2 partitioner, or transport: 'kafkajs'",
    );
  }
  const { Producer, ProduceAcks } = platformatic();
  return {
    producer(transactionalId): PartitionProducer {
      const client: Client = new Producer<Buffer, Buffer, string, Buffer | string>({
        ...base,
        transactionalId,
        idempotent: true,
        acks: ProduceAcks.ALL,
        serializers: {
          headerKey: (k) => (k === undefined ? undefined : Buffer.from(k, 'utf8')),
          headerValue: (v) => (v === undefined ? undefined : toBuffer(v)),
        },
      });
      return {
        async ready() {
          // beginning a transaction inits the transactional producer id (the fencing); nothing is sent
          const first = await client.beginTransaction();
          await first.cancel();
        },
        async commit(sends, offset) {
          const member = offset.groupMember as Member;
          const transaction = await client.beginTransaction();
          try {
            for (const send of sends) {
              await transaction.send({
                messages: send.records.map((r) => ({
                  topic: send.topic,
                  key: r.key === null ? undefined : toBuffer(r.key),
                  value: r.value ?? undefined,
                  headers: r.headers,
                  ...(send.topic === options.deadLetterTopic ? { partition: sourcePartition(r.headers) } : {}),
                  ...(r.partition === undefined ? {} : { partition: r.partition }),
                })) as Platformatic.MessageToProduce<Buffer, Buffer, string, Buffer | string>[],
              });
            }
            await transaction.addConsumer(member);
            await transaction.addOffset({
              topic: offset.topic,
              partition: offset.partition,
              // the library commits this + 1
              offset: BigInt(offset.next) - 1n,
              metadata: { consumer: member },
            } as unknown as Platformatic.Message);
            await transaction.commit();
          } catch (error) {
            if (!transaction.completed)
              await transaction.abort().catch(() => transaction.cancel().catch(() => undefined));
            throw error;
          }
        },
        close: () => client.close(),
      };
    },
    async committedOffset(groupMember, topic, partition) {
      const member = groupMember as Member;
      const offsets = await member.listCommittedOffsets({ topics: [{ topic, partitions: [partition] }] });
      const found = offsets.get(topic)?.[partition];
      return found === undefined || found < 0n ? undefined : String(found);
    },
    joinStamp: (groupMember) => (groupMember as Member).generationId,
    close: async () => undefined,
  };
}

/** The partition a dead letter goes to: its source partition (the dead-letter topic has as many: `contracts apply` makes it so). */
function sourcePartition(headers: RecordHeaders | undefined): number {
  const source = Number(headers ? headerString(headers, DLQ_HEADERS.ORIGINAL_PARTITION) : undefined);
  return Number.isInteger(source) && source >= 0 ? source : 0;
}
